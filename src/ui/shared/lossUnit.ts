// The unit a loss is in: nats per token, which for the studio's byte-level tokenizer is nats per
// byte (a character of ASCII text; Icelandic letters take two). The run's starting checkpoint
// says which tokenizer it used; a run whose checkpoint is gone reads "nats per token".
import type { TokenizerSpec } from '../../core/tokenizer/tokenizer';
import { useStudio } from '../../state/store';

export interface LossUnit {
  /** For axis titles: "nats/byte". */
  short: string;
  /** For sentences: "nats per byte". */
  long: string;
}

export function lossUnit(tokenizer: TokenizerSpec | undefined): LossUnit {
  return tokenizer?.kind === 'byte' ? { short: 'nats/byte', long: 'nats per byte' } : { short: 'nats/token', long: 'nats per token' };
}

/** The loss unit of run `runId`, from the tokenizer of the checkpoint it started from. */
export function useRunLossUnit(runId: string | undefined): LossUnit {
  const tokenizer = useStudio((s) => {
    const from = runId ? s.runs[runId]?.record.settings.from : undefined;
    return from ? s.checkpoints.find((c) => c.id === from)?.tokenizer : undefined;
  });
  return lossUnit(tokenizer);
}
