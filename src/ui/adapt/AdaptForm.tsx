// The form for continued pretraining on a new language: parent, target corpus, English replay,
// a budget in steps, tokens or FLOPs, and the batch shape. Start hands the options to
// studio.adapt; "FLOP-matched pair" hands the same ones to studio.flopMatchedPair, which grows the
// parent ×2 and adapts both models on the same FLOPs. Every field is checked as it is typed
// (adaptDraftErrors, the checks studio.adapt runs) with its message beside it, and both buttons
// stay disabled while one fails; a failure of the start itself is shown beside the buttons.
import { useMemo, useState } from 'react';
import { flopsPerStep, REPLAY_SPEC, stepsForBudget, type BudgetKind } from '../../core/train/adapt';
import { MAX_POSITION, TRAIN_SETTINGS } from '../../core/train/settings';
import { outOfRange, specOf } from '../../core/params';
import type { PairHandle } from '../../state/adapt';
import { notify, useStudio } from '../../state/store';
import { CheckpointSelect } from '../shared/CheckpointSelect';
import { ADAPT_FIELDS, type AdaptDraft, adaptDraftErrors, type AdaptField, adaptOptions, BUDGET_KINDS, INITIAL_ADAPT } from './AdaptDraft';
import { FieldError, invalidProps, SpecFields } from '../shared/ParamForm';
import { ErrorText } from '../shared/ErrorText';
import { AdaptPairStatus } from './AdaptPairStatus';
import { CorpusSelect } from '../shared/CorpusSelect';
import { formatCount, formatFlops, parseCount } from '../shared/format';
import { useReport } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';
import { keepHandle, useUi } from '../shared/uiState';
import { Field } from '../shared/Field';
import { MemoryPlanLine } from '../shared/MemoryPlanLine';

export function AdaptForm() {
  const studio = useStudioApi();
  const checkpoints = useStudio((s) => s.checkpoints);
  const busy = useStudio((s) => (s.activeRunId ? ['running', 'paused'].includes(s.runs[s.activeRunId]?.status ?? '') : false));
  const ready = useStudio((s) => !!s.backend.info);
  const trainFrom = useUi((s) => s.fromId);
  const [picked, setPicked] = useState<string>();
  const from = checkpoints.find((c) => c.id === (picked ?? trainFrom)) ?? checkpoints[0];
  const maxPos = from?.config.max_position_embeddings;
  const [draft, setDraft] = useState<AdaptDraft>(INITIAL_ADAPT);
  const { error, run, clear, near } = useReport();
  const corpusIds = useStudio((s) => s.corpora).map((c) => c.id).join('\n');
  const [growing, setGrowing] = useState(false);
  const [pair, setPair] = useState<PairHandle>();
  const set = <K extends keyof AdaptDraft>(k: K, v: AdaptDraft[K]) => (setDraft((d) => ({ ...d, [k]: v })), clear());

  const errors = useMemo(() => {
    if (!from || !maxPos) return {};
    const found = adaptDraftErrors(from.id, draft, { corpusIds: corpusIds ? corpusIds.split('\n') : [], maxPositionEmbeddings: maxPos }, from.config);
    if (!corpusIds) delete found.target; // the corpora are not listed yet
    return found;
  }, [from, maxPos, draft, corpusIds]);
  const invalid = Object.keys(errors).length > 0;

  function start() {
    if (from && !invalid) void run(() => keepHandle(studio.adapt(adaptOptions(from.id, draft))));
  }

  async function startPair() {
    if (!from || invalid) return;
    setGrowing(true);
    const p = await run(() => studio.flopMatchedPair({ ...adaptOptions(from.id, draft), factor: 2 }));
    setGrowing(false);
    if (!p) return;
    setPair(p);
    p.done.then(() => notify('info', 'FLOP-matched pair finished; compare the two runs below.'), () => undefined);
  }

  return (
    <div className="adapt-form">
      <div className="row-form">
        <Field grow label="from">
          <CheckpointSelect testId="adapt-from" value={from?.id ?? ''} onChange={setPicked} />
        </Field>
        <Field grow label="target language">
          <CorpusSelect testId="adapt-target" value={draft.target} onChange={(id) => set('target', id)} />
        </Field>
      </div>
      <div className="row-form">
        <label className="field grow" title={REPLAY_SPEC.help}>
          <span>{REPLAY_SPEC.label} ({REPLAY_SPEC.min * 100}–{REPLAY_SPEC.max * 100} % of each batch)</span>
          <div className="replay-line">
            <input type="range" min={REPLAY_SPEC.min * 100} max={REPLAY_SPEC.max * 100} step={1} data-testid="adapt-replay-slider" value={Number(draft.replay) || 0} onChange={(e) => set('replay', e.target.value)} />
            <input className="short" inputMode="decimal" data-testid="adapt-replay" aria-label={`${REPLAY_SPEC.label}, % of each batch`} {...invalidProps('adapt-replay-error', errors.replay)} value={draft.replay} onChange={(e) => set('replay', e.target.value)} />
            <span className="muted">%</span>
          </div>
          <FieldError id="adapt-replay-error" message={errors.replay} testId="adapt-replay-error" />
        </label>
        <Field label="budget in">
          <select data-testid="adapt-budget-kind" value={draft.budgetKind} onChange={(e) => set('budgetKind', e.target.value as BudgetKind)}>
            {BUDGET_KINDS.map((k) => <option key={k.id} value={k.id}>{k.label}</option>)}
          </select>
        </Field>
        <Field label="budget">
          <input inputMode="decimal" data-testid="adapt-budget" {...invalidProps('adapt-budget-error', errors.budget)} value={draft.budget} onChange={(e) => set('budget', e.target.value)} />
          <FieldError id="adapt-budget-error" message={errors.budget} testId="adapt-budget-error" />
        </Field>
      </div>
      <div className="grid-form">
        <SpecFields specs={ADAPT_FIELDS} values={draft} errors={errors} testIdPrefix="adapt" optional context={{ [MAX_POSITION.ref]: maxPos }} onChange={(k, v) => set(k as AdaptField, v)} />
        <Field label="run name">
          <input data-testid="adapt-name" placeholder="from → target" value={draft.name} onChange={(e) => set('name', e.target.value)} />
        </Field>
      </div>
      {from && <BudgetHint draft={draft} config={from.config} />}
      {from && <MemoryPlanLine config={from.config} options={adaptOptions(from.id, draft)} testId="adapt-memory-plan" />}
      <div className="actions" ref={near}>
        <button className="primary" data-testid="adapt-start" disabled={!from || busy || growing || !ready || invalid} onClick={start}>Start adapting</button>
        <button data-testid="adapt-pair" title="grow the model ×2 with HyperCloning, then adapt the small and the grown model one after the other on the same FLOPs" disabled={!from || busy || growing || !ready || invalid} onClick={() => void startPair()}>
          {growing ? 'Growing…' : 'FLOP-matched pair'}
        </button>
        {busy && <span className="muted small-text">a run is in progress</span>}
      </div>
      {error && <ErrorText message={error} testId="adapt-error" />}
      {pair && <AdaptPairStatus pair={pair} />}
    </div>
  );
}

/** What the budget buys at this batch shape: steps, tokens and FLOPs of the small model. */
function BudgetHint({ draft, config }: { draft: AdaptDraft; config: Parameters<typeof flopsPerStep>[0] }) {
  const batch = parseCount(draft.batchSize);
  const seq = parseCount(draft.seqLen);
  const value = parseCount(draft.budget);
  // The hint only for a batch shape training accepts, seq len within the model's context.
  const fits = (name: 'batchSize' | 'seqLen', v: number) => !outOfRange(specOf(TRAIN_SETTINGS, name), v, { [MAX_POSITION.ref]: config.max_position_embeddings });
  if (!(fits('batchSize', batch) && fits('seqLen', seq) && value > 0)) return null;
  const perStep = flopsPerStep(config, batch, seq);
  const steps = stepsForBudget({ kind: draft.budgetKind, value }, config, batch, seq);
  return (
    <p className="muted small-text" data-testid="adapt-budget-hint">
      ≈ {formatCount(steps)} steps · {formatCount(steps * batch * seq)} tokens · {formatFlops(steps * perStep)} ({formatFlops(perStep)} per step)
    </p>
  );
}
