// See what models write: a prompt, the generation settings (a form from GENERATION_SETTINGS),
// and any number of checkpoints side by side on the same prompt and seed, each column streaming
// its tokens as the engine makes them (studio.generate with onToken), one model after another;
// Stop ends the one writing and skips the rest. Settings are checked as they are typed.
import { useCallback, useId, useRef, useState } from 'react';
import { useStudio } from '../../state/store';
import { SpecFields } from '../shared/ParamForm';
import { useStudioApi } from '../shared/studioContext';
import { CheckpointChecklist } from './CheckpointChecklist';
import { GenerateColumn } from './GenerateColumn';
import { GENERATE_FIELDS, generateDraftErrors, generateOptions, INITIAL_GENERATE, type GenerateDraft } from './generateDraft';
import { useGenerations } from './useGenerations';

export function GeneratePanel() {
  const studio = useStudioApi();
  const checkpoints = useStudio((s) => s.checkpoints);
  const [draft, setDraft] = useState<GenerateDraft>(INITIAL_GENERATE);
  /** The checkpoints picked; until the user picks, the newest one writes. */
  const [picked, setPicked] = useState<string[]>();
  const panel = useRef<HTMLElement>(null);
  const { columns, running, start, stop } = useGenerations(studio, useCallback(() => panel.current, []));
  const [shownPrompt, setShownPrompt] = useState('');
  const uid = useId();
  const chosen = picked ? checkpoints.filter((c) => picked.includes(c.id)) : checkpoints.slice(0, 1);
  const vocab = chosen.length ? Math.min(...chosen.map((c) => c.config.vocab_size)) : undefined;
  const errors = generateDraftErrors(draft, vocab);
  const set = (name: string, text: string) => setDraft((d) => ({ ...d, [name]: text }));

  function generate() {
    setShownPrompt(draft.prompt);
    void start(chosen.map((c) => ({ id: c.id, name: c.name })), draft.prompt, generateOptions(draft));
  }

  return (
    <section ref={panel} className="panel generate-panel" data-testid="generate-panel" aria-labelledby={`${uid}-title`}>
      <h2 id={`${uid}-title`}>Generate</h2>
      <div className="generate-inputs">
        <div className="generate-prompt">
          <label className="field" htmlFor={`${uid}-prompt`}><span>prompt</span></label>
          <textarea id={`${uid}-prompt`} data-testid="generate-prompt" rows={3} value={draft.prompt} onChange={(e) => set('prompt', e.target.value)} />
          <div className="grid-form generate-settings">
            <SpecFields specs={GENERATE_FIELDS} values={draft} onChange={set} testIdPrefix="generate" context={{ vocab_size: vocab }} errors={errors} />
            <label className="field" title="generation ends once the text contains this string (empty: no stop string)">
              <span>stop at</span>
              <input data-testid="generate-stop" value={draft.stop} onChange={(e) => set('stop', e.target.value)} />
            </label>
          </div>
        </div>
        <CheckpointChecklist picked={chosen.map((c) => c.id)} onChange={setPicked} disabled={running} />
      </div>
      <div className="actions">
        <button type="button" className="primary" data-testid="generate-run" disabled={running || chosen.length === 0 || Object.keys(errors).length > 0} onClick={generate}>
          Generate{chosen.length > 1 ? ` with ${chosen.length} models` : ''}
        </button>
        <button type="button" data-testid="generate-stop-button" disabled={!running} onClick={stop}>Stop</button>
        <span className="muted small-text">Same prompt and seed for every model; the same seed gives the same text again.</span>
      </div>
      {columns.length > 0 && (
        <div className="generate-columns" data-testid="generate-columns">
          {columns.map((c) => <GenerateColumn key={c.checkpointId} column={c} prompt={shownPrompt} />)}
        </div>
      )}
    </section>
  );
}
