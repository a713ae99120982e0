// Creates a freshly initialised model: a preset fills the config form, every field stays
// editable, and the parameter counts, training FLOPs, memory and storage (ConfigCost) follow the
// form as it changes. Create stays disabled while validateConfig rejects the config, whose
// message is shown inline; a failure of Create itself is shown beside the button.
import { useMemo, useState } from 'react';
import { validateConfig } from '../../core/model/config';
import { countParameters, trainingFlopsPerToken } from '../../core/model/weights';
import { BYTE_VOCAB_SIZE } from '../../core/tokenizer/byte';
import { configFromDraft, type ConfigDraft, draftFromConfig } from './configDraft';
import { ConfigFields } from './ConfigFields';
import { formatCount, formatFlops } from '../shared/format';
import { useReport } from '../shared/report';
import { ErrorText } from '../shared/ErrorText';
import { ConfigCost } from './ConfigCost';
import { FieldError, invalidProps, textValue } from '../shared/ParamForm';
import { INIT_SEED } from '../../core/model/init';
import { settingErrors } from '../../core/params';
import { useStudioApi } from '../shared/studioContext';
import { selectFrom } from '../shared/uiState';
import { Field } from '../shared/Field';

export function CreateModelPanel() {
  const studio = useStudioApi();
  const presets = studio.presets();
  const [presetId, setPresetId] = useState(presets[0].id);
  const [draft, setDraft] = useState<ConfigDraft>(() => draftFromConfig(presets[0].config));
  const [name, setName] = useState(presets[0].id);
  const [seed, setSeed] = useState('0');
  const [busy, setBusy] = useState(false);
  const { error, run, near } = useReport();
  const checked = useMemo(() => check(draft), [draft]);
  const preset = presets.find((p) => p.id === presetId);
  const nameError = name.trim() ? undefined : 'type a name';
  const seedError = settingErrors([INIT_SEED], { seed: textValue(INIT_SEED, seed) }, {}).seed;

  function pick(id: string) {
    const p = presets.find((x) => x.id === id);
    setPresetId(id);
    if (!p) return;
    setDraft(draftFromConfig(p.config));
    setName(p.id);
  }

  async function create() {
    if (!checked.config) return;
    setBusy(true);
    const id = await run(() => studio.createModel({ name, config: checked.config, seed: Number(seed) }));
    setBusy(false);
    if (id) selectFrom(id);
  }

  return (
    <section className="panel" data-testid="create-panel">
      <h2>Create model</h2>
      <div className="row-form">
        <Field grow label="preset">
          <select data-testid="model-preset" value={presetId} onChange={(e) => pick(e.target.value)}>
            {presets.map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}
            {!preset && <option value={presetId}>custom</option>}
          </select>
        </Field>
        <Field grow label="name">
          <input data-testid="model-name" {...invalidProps('model-name-error', nameError)} value={name} onChange={(e) => setName(e.target.value)} />
          <FieldError id="model-name-error" message={nameError} testId="model-name-error" />
        </Field>
        <Field label="seed">
          <input className="short" inputMode="numeric" data-testid="model-seed" {...invalidProps('model-seed-error', seedError)} value={seed} onChange={(e) => setSeed(e.target.value)} />
          <FieldError id="model-seed-error" message={seedError} testId="model-seed-error" />
        </Field>
      </div>
      {preset && <p className="muted small-text">{preset.description}</p>}
      <ConfigFields draft={draft} onChange={(d) => (setDraft(d), setPresetId('custom'))} />
      {checked.error ? (
        <ErrorText message={checked.error} testId="config-error" />
      ) : (
        checked.stats && checked.config && (
          <>
            <p className="stats" data-testid="model-stats">
              <b>{formatCount(checked.stats.total)}</b> params · {formatCount(checked.stats.embedding)} embedding · {formatCount(checked.stats.nonEmbedding)} non-embedding · {formatFlops(checked.stats.flops)}/token to train at seq {checked.stats.seqLen}
            </p>
            <ConfigCost config={checked.config} />
          </>
        )
      )}
      <div className="actions" ref={near}>
        <button className="primary" data-testid="create-model" disabled={!checked.config || !!nameError || !!seedError || busy} onClick={() => void create()}>
          {busy ? 'Creating…' : 'Create'}
        </button>
      </div>
      {error && <ErrorText message={error} testId="create-error" />}
    </section>
  );
}

function check(draft: ConfigDraft) {
  try {
    const config = validateConfig(configFromDraft(draft));
    // createModel checks this too; saying it here keeps Create disabled instead of failing.
    if (config.vocab_size !== BYTE_VOCAB_SIZE) throw new Error(`vocab_size must be ${BYTE_VOCAB_SIZE} for the byte tokenizer`);
    const counts = countParameters(config);
    const seqLen = config.max_position_embeddings;
    return { config, stats: { ...counts, seqLen, flops: trainingFlopsPerToken(config, seqLen) } };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
