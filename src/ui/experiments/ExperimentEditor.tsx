// The recipe editor of the Experiments panel: pick a preset, edit its JSON, check it (every
// problem with its JSON path, or the plan's stages and FLOPs) and run it; the schema in prose below.
// The recipe is checked as it is typed (a pause of CHECK_DELAY_MS after the last key), the box
// marked invalid and described by its problems, and Run disabled while it has any.
import { useEffect, useRef, useState } from 'react';
import type { ExperimentPlan } from '../../core/experiment/plan';
import { formatFlops } from '../shared/format';
import type { Problem } from '../../core/experiment/recipe';
import { useStudio } from '../../state/store';
import { useStudioApi } from '../shared/studioContext';
import { Field } from '../shared/Field';
import { DurationEstimate } from './DurationEstimate';

type Outcome = { kind: 'problems'; head: string; problems: Problem[] } | { kind: 'plan'; plan: ExperimentPlan };

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

/** The pause after typing before the recipe is checked (a check plans every stage: not per key). */
const CHECK_DELAY_MS = 400;

/** The recipe text as JSON, or the parse error as a problem at the root. */
function parse(text: string): { recipe: unknown } | { problems: Problem[] } {
  try {
    return { recipe: JSON.parse(text) };
  } catch (e) {
    return { problems: [{ path: '$', message: `not JSON: ${(e as Error).message}` }] };
  }
}

/** A run's rejection lists its problems one a line ("  $.path: message"); any other error is one line. */
function problemsOf(message: string): { head: string; problems: Problem[] } {
  const [head, ...rest] = message.split('\n');
  const problems = rest.flatMap((line) => {
    const m = /^\s*(\$\S*): (.*)$/.exec(line);
    return m ? [{ path: m[1], message: m[2] }] : [];
  });
  return problems.length ? { head, problems } : { head: '', problems: [{ path: '', message }] };
}

export function ExperimentEditor({ onStarted }: { onStarted: (id: string) => void }) {
  const studio = useStudioApi();
  const presets = studio.experiments.presets();
  const [presetId, setPresetId] = useState(presets[0]?.id ?? '');
  const [text, setText] = useState(() => (presets[0] ? pretty(presets[0].recipe) : '{}'));
  const [outcome, setOutcome] = useState<Outcome & { text: string }>();
  const [busy, setBusy] = useState<'check' | 'run'>();
  const running = useStudio((s) => s.experiments.some((x) => x.status === 'running'));
  const preset = presets.find((p) => p.id === presetId);
  const latest = useRef(text);
  latest.current = text;

  // Check as the user types: the outcome of an older text is dropped if the text moved on.
  useEffect(() => {
    const t = setTimeout(() => {
      const parsed = parse(text);
      if ('problems' in parsed) return setOutcome({ kind: 'problems', head: 'The recipe is not valid JSON:', problems: parsed.problems, text });
      studio.experiments.validate(parsed.recipe).then(
        (v) => latest.current === text && setOutcome(v.ok ? { kind: 'plan', plan: v.plan, text } : { kind: 'problems', head: `The recipe has ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'}:`, problems: v.problems, text }),
        (e: Error) => latest.current === text && setOutcome({ kind: 'problems', ...problemsOf(e.message), text }),
      );
    }, CHECK_DELAY_MS);
    return () => clearTimeout(t);
  }, [text, studio]);
  const invalid = outcome?.kind === 'problems' && outcome.text === text;

  function pick(id: string) {
    const p = presets.find((x) => x.id === id);
    setPresetId(id);
    if (p) setText(pretty(p.recipe));
    setOutcome(undefined);
  }

  async function act(kind: 'check' | 'run') {
    const parsed = parse(text);
    if ('problems' in parsed) {
      setOutcome({ kind: 'problems', head: 'The recipe is not valid JSON:', problems: parsed.problems, text });
      return;
    }
    setBusy(kind);
    try {
      if (kind === 'check') {
        const v = await studio.experiments.validate(parsed.recipe);
        setOutcome(v.ok ? { kind: 'plan', plan: v.plan, text } : { kind: 'problems', head: `The recipe has ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'}:`, problems: v.problems, text });
      } else {
        const handle = await studio.experiments.run(parsed.recipe);
        setOutcome(undefined);
        onStarted(handle.id);
      }
    } catch (e) {
      setOutcome({ kind: 'problems', ...problemsOf((e as Error).message), text });
    }
    setBusy(undefined);
  }

  return (
    <div className="experiment-editor">
      <div className="row-form">
        <Field grow label="preset">
          <select data-testid="experiment-preset" value={presetId} onChange={(e) => pick(e.target.value)}>
            {presets.map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}
          </select>
        </Field>
      </div>
      {preset && <p className="muted small-text">{preset.description}</p>}
      {preset && <DurationEstimate recipe={preset.recipe} />}
      <Field label="recipe (JSON)">
        <textarea data-testid="experiment-recipe" {...(invalid ? { 'aria-invalid': true, 'aria-describedby': 'experiment-problems' } : {})} rows={16} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} />
      </Field>
      <div className="actions">
        <button data-testid="experiment-validate" disabled={!!busy} onClick={() => void act('check')}>{busy === 'check' ? 'Checking…' : 'Check'}</button>
        <button className="primary" data-testid="experiment-run" disabled={!!busy || running || invalid} title={running ? 'one experiment runs at a time' : invalid ? 'fix the problems listed below first' : undefined} onClick={() => void act('run')}>
          {busy === 'run' ? 'Starting…' : 'Run'}
        </button>
        {running && <span className="muted small-text">an experiment is running; one runs at a time</span>}
      </div>
      {outcome && <CheckOutcome outcome={outcome} stale={outcome.text !== text} />}
      <details className="experiment-schema" data-testid="experiment-schema">
        <summary>Recipe schema</summary>
        <pre>{studio.experiments.schema()}</pre>
      </details>
    </div>
  );
}

function CheckOutcome({ outcome: o, stale }: { outcome: Outcome; stale: boolean }) {
  if (o.kind === 'problems') {
    return (
      <div className={`experiment-problems${stale ? ' stale' : ''}`} id="experiment-problems" data-testid="experiment-problems">
        {o.head && <p>{o.head}</p>}
        <ul>
          {o.problems.map((p, i) => (
            <li key={i} data-path={p.path}>{p.path ? <><code>{p.path}</code>: {p.message}</> : p.message}</li>
          ))}
        </ul>
      </div>
    );
  }
  const { plan } = o;
  return (
    <div className={`experiment-plan${stale ? ' stale' : ''}`} data-testid="experiment-plan" data-stages={plan.stages.length}>
      <p>
        The recipe is valid: <b>{plan.stages.length}</b> stages, <b>{formatFlops(plan.trainingFlops)}</b> of training.
      </p>
      <ol>
        {plan.stages.map((s) => <li key={s.id}><span className="tag">{s.kind}</span> {s.title}</li>)}
      </ol>
    </div>
  );
}
