// How a growth's check reads, in the Grow panel's result and in a checkpoint's details: the
// largest per-token log-probability change against the parent and both validation losses. For
// a method that is not function-preserving the loss jump leads, since that is what it shows.
import type { GrowthRecord } from '../../core/checkpoint/manifest';
import { useStudio } from '../../state/store';
import { formatLoss } from '../shared/format';

export function GrowthCheck({ growth, testId }: { growth: GrowthRecord; testId?: string }) {
  const c = growth.check;
  const corpus = useStudio((s) => s.corpora.find((x) => x.id === c.corpusId)?.name ?? c.corpusId);
  const diff = <span className="num" data-testid={testId}>max |Δ log p| = {formatDiff(c.maxAbsLogProbDiff)} nats per token</span>;
  const losses = `parent valid loss ${formatLoss(c.lossA)} → grown ${formatLoss(c.lossB)}`;
  const where = <span title={`${c.tokens} tokens of ${c.corpusId}`}>{corpus}</span>;
  if (growth.functionPreserving) return <>{diff} on {where} ({losses})</>;
  const jump = c.lossB - c.lossA;
  return (
    <>
      Loss jump on {where}: {losses} ({jump >= 0 ? '+' : ''}{formatLoss(jump)}); {diff}
    </>
  );
}

/** 3.1e-7; exactly 0 stays 0. */
export function formatDiff(x: number): string {
  return x === 0 ? '0' : Number.isFinite(x) ? x.toExponential(1) : String(x);
}

/** {factor: 2, seed: 0} → "factor=2 · seed=0". */
export function paramsText(params: Record<string, number | boolean>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' · ') || '—';
}
