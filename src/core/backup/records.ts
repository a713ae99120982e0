// What a backup's JSON records are: one validator per store (a record that fails is refused with
// the field named), how entries group into items (a checkpoint is its manifest plus its tensor and
// Fisher blobs, a run its record plus its snapshot), and every place a record names another item,
// so a restore that renames an item can rewrite the references to it.
import { validateManifest, type CheckpointManifest } from '../checkpoint/manifest';
import { type AdaptStage, planExperiment } from '../experiment/plan';
import type { Recipe } from '../experiment/recipe';
import type { Progress } from '../experiment/resume';
import type { TrainSettings } from '../train/settings';
import { BackupError, type BackupStore } from './format';
import { sha256Hex } from './sha256';

export type ItemKind = 'checkpoint' | 'run' | 'corpus' | 'suite' | 'evaluation' | 'experiment' | 'tokenizer';
export const ITEM_KINDS: ItemKind[] = ['tokenizer', 'corpus', 'suite', 'checkpoint', 'run', 'evaluation', 'experiment'];

export const KIND_STORE: Record<ItemKind, Exclude<BackupStore, 'tensors'>> = {
  checkpoint: 'manifests', run: 'runs', corpus: 'corpora', suite: 'suites', evaluation: 'evaluations', experiment: 'experiments', tokenizer: 'tokenizers',
};
export const STORE_KIND = Object.fromEntries(Object.entries(KIND_STORE).map(([k, s]) => [s, k])) as Record<Exclude<BackupStore, 'tensors'>, ItemKind>;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function need(cond: boolean, what: string, field: string, allowed: string, got: unknown): void {
  if (!cond) throw new BackupError(`${what}: field ${field} must be ${allowed}, got ${JSON.stringify(got)?.slice(0, 80)}`);
}
const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');

const RUN_STATUSES = ['running', 'paused', 'interrupted', 'completed', 'stopped', 'failed'];
const EXPERIMENT_STATUSES = ['running', 'completed', 'failed', 'interrupted'];

/** Checks a record of `store` read from a backup under `key`; throws naming the field. */
export function validateRecord(store: Exclude<BackupStore, 'tensors'>, key: string, raw: unknown): void {
  const what = `${store}/${key}`;
  if (!isObject(raw)) throw new BackupError(`${what} is not an object`);
  need(raw.id === key, what, 'id', `the entry's key ${JSON.stringify(key)}`, raw.id);
  const str = (f: string) => need(typeof raw[f] === 'string', what, f, 'a string', raw[f]);
  switch (store) {
    case 'manifests':
      try {
        validateManifest(raw);
      } catch (e) {
        throw new BackupError(`${what}: ${(e as Error).message}`);
      }
      return;
    case 'runs': {
      str('createdAt');
      need(RUN_STATUSES.includes(raw.status as string), what, 'status', RUN_STATUSES.join(', '), raw.status);
      need(Array.isArray(raw.metrics), what, 'metrics', 'a list', raw.metrics);
      const s = raw.settings as Json;
      need(isObject(s) && typeof s.from === 'string' && Array.isArray(s.data) && strings(s.watch) && strings(s.evalSuites), what, 'settings', 'training settings {from, data, watch, evalSuites, ...}', s);
      need(raw.resultId === undefined || typeof raw.resultId === 'string', what, 'resultId', 'a checkpoint id', raw.resultId);
      const snap = raw.snapshot as Json | undefined;
      need(snap === undefined || (isObject(snap) && typeof snap.key === 'string' && Number.isInteger(snap.step)), what, 'snapshot', '{step, tokens, elapsed, key}', snap);
      return;
    }
    case 'corpora':
      for (const f of ['name', 'language', 'createdAt', 'train', 'valid']) str(f);
      return;
    case 'suites':
      for (const f of ['name', 'language', 'source']) str(f);
      need(Array.isArray(raw.pairs) && (raw.pairs as unknown[]).every((p) => isObject(p) && typeof p.good === 'string' && typeof p.bad === 'string' && typeof p.paradigm === 'string'), what, 'pairs', 'a list of {good, bad, paradigm}', '(not so)');
      return;
    case 'evaluations':
      str('createdAt');
      need(Array.isArray(raw.checkpoints) && (raw.checkpoints as unknown[]).every((c) => isObject(c) && typeof c.id === 'string'), what, 'checkpoints', 'a list of {id, name}', raw.checkpoints);
      for (const f of ['suites', 'rows', 'validation']) need(Array.isArray(raw[f]), what, f, 'a list', raw[f]);
      return;
    case 'experiments':
      for (const f of ['name', 'createdAt']) str(f);
      need(EXPERIMENT_STATUSES.includes(raw.status as string), what, 'status', EXPERIMENT_STATUSES.join(', '), raw.status);
      need(isObject(raw.recipe) && isObject((raw.recipe as Json).base), what, 'recipe', 'a recipe object', raw.recipe);
      need(isObject(raw.plan) && Array.isArray((raw.plan as Json).stages), what, 'plan', '{stages: [...]}', raw.plan);
      need(isObject(raw.progress), what, 'progress', 'an object of stage records', raw.progress);
      return;
    case 'tokenizers':
      str('tokenizer');
      need(raw.config === undefined || typeof raw.config === 'string', what, 'config', 'a string (tokenizer_config.json) or absent', raw.config);
      // The id is the SHA-256 of the files (hf.ts tokenizerFilesId): files that do not hash to it are not that tokenizer.
      need(sha256Hex(new TextEncoder().encode(`${raw.tokenizer}\u0000${raw.config ?? ''}`)) === key, what, 'tokenizer', 'files whose SHA-256 is the id', '(files with another hash)');
      return;
  }
}

/** Blob keys an item owns in the tensors store, in a fixed order. */
export function blobKeysOf(kind: ItemKind, record: unknown): string[] {
  if (kind === 'checkpoint') {
    const m = record as CheckpointManifest;
    return [m.tensorsKey, ...(m.fisher ?? []).map((f) => f.key)];
  }
  if (kind === 'run') {
    const key = (record as { snapshot?: { key: string } }).snapshot?.key;
    return key ? [key] : [];
  }
  return [];
}

/** Ids of other items a record needs to be usable (not mere lineage): a checkpoint its tokenizer. */
export function tokenizerOf(record: unknown): string | undefined {
  const t = (record as CheckpointManifest).tokenizer;
  return t?.kind === 'hf' ? t.id : undefined;
}

export function itemName(kind: ItemKind, record: unknown): string {
  const r = record as Json;
  if (kind === 'run') return String((r.settings as Json)?.name ?? r.id);
  if (kind === 'evaluation') return `evaluation of ${r.createdAt}`;
  if (kind === 'tokenizer') return `tokenizer ${String(r.id).slice(0, 12)}…`;
  return String(r.name ?? r.id);
}

/** New ids (and blob keys) per kind for the items a restore renames; absent: unchanged. */
export type Renames = Record<Exclude<ItemKind, 'tokenizer'>, Map<string, string>> & { blob: Map<string, string> };

export function emptyRenames(): Renames {
  return { checkpoint: new Map(), run: new Map(), corpus: new Map(), suite: new Map(), evaluation: new Map(), experiment: new Map(), blob: new Map() };
}

const via = (m: Map<string, string>) => (id: unknown) => (typeof id === 'string' ? (m.get(id) ?? id) : id);
const renameKeys = (o: unknown, f: (k: string) => unknown) => (isObject(o) ? Object.fromEntries(Object.entries(o).map(([k, v]) => [f(k) as string, v])) : o);

function rewriteSettings(s: TrainSettings, r: Renames): TrainSettings {
  const ck = via(r.checkpoint), co = via(r.corpus), su = via(r.suite);
  const out = { ...s, from: ck(s.from) as string, data: s.data.map((d) => ({ ...d, corpus: co(d.corpus) as string })), watch: s.watch.map(co) as string[], evalSuites: s.evalSuites.map(su) as string[] };
  if (s.adapt) out.adapt = { ...s.adapt, target: co(s.adapt.target) as string, replayCorpus: co(s.adapt.replayCorpus) as string };
  return out;
}

function rewriteRecipe(recipe: Recipe, r: Renames): Recipe {
  const co = via(r.corpus), su = via(r.suite);
  const base = recipe.base.from === 'checkpoint' ? { ...recipe.base, checkpoint: via(r.checkpoint)(recipe.base.checkpoint) as string } : { ...recipe.base, corpus: co(recipe.base.corpus) as string };
  return {
    ...recipe, base,
    languages: recipe.languages.map((l) => ({ ...l, corpus: co(l.corpus) as string })),
    adapt: { ...recipe.adapt, replayCorpus: co(recipe.adapt.replayCorpus) as string },
    evaluation: { ...recipe.evaluation, suites: recipe.evaluation.suites.map(su) as string[] },
  };
}

/**
 * A copy of `record` (an item of `kind`) with every id and blob key that `r` renames replaced.
 * An experiment whose recipe names a renamed item is planned again (stage keys hash the names) and
 * each stage record that matched its stage's old key gets the new one, so resuming still reuses it;
 * `configOf` gives a checkpoint base's config for planning.
 */
export function rewriteRecord(kind: ItemKind, record: unknown, r: Renames, configOf: (checkpointId: string) => CheckpointManifest['config'] | undefined): unknown {
  const ck = via(r.checkpoint), run = via(r.run), co = via(r.corpus), su = via(r.suite), bl = via(r.blob);
  const x = structuredClone(record) as Json;
  switch (kind) {
    case 'tokenizer':
      return x;
    case 'corpus':
    case 'suite':
      x.id = (kind === 'corpus' ? co : su)(x.id);
      return x;
    case 'checkpoint': {
      const m = x as unknown as CheckpointManifest;
      m.id = ck(m.id) as string;
      m.parents = m.parents.map(ck) as string[];
      m.tensorsKey = bl(m.tensorsKey) as string;
      if (m.fisher) m.fisher = m.fisher.map((f) => ({ ...f, key: bl(f.key) as string, corpus: co(f.corpus) as string }));
      if (m.merge) m.merge = { ...m.merge, ...(m.merge.base !== undefined ? { base: ck(m.merge.base) as string } : {}), models: m.merge.models.map((e) => ({ ...e, id: ck(e.id) as string })) };
      if (m.training) m.training = { ...m.training, runId: run(m.training.runId) as string, settings: rewriteSettings(m.training.settings, r) };
      if (m.growth) m.growth = { ...m.growth, check: { ...m.growth.check, corpusId: co(m.growth.check.corpusId) as string } };
      if (typeof m.origin.params.runId === 'string') m.origin = { ...m.origin, params: { ...m.origin.params, runId: run(m.origin.params.runId) } };
      return m;
    }
    case 'run': {
      x.id = run(x.id);
      x.settings = rewriteSettings(x.settings as TrainSettings, r);
      if (x.resultId !== undefined) x.resultId = ck(x.resultId);
      if (isObject(x.snapshot)) x.snapshot = { ...x.snapshot, key: bl(x.snapshot.key) };
      // Metric points key suite accuracies by suite id and validation losses by corpus id.
      x.metrics = (x.metrics as Json[]).map((p) => ({ ...p, ...(p.pairs ? { pairs: renameKeys(p.pairs, su) } : {}), ...(p.valid ? { valid: renameKeys(p.valid, co) } : {}) }));
      return x;
    }
    case 'evaluation': {
      x.id = via(r.evaluation)(x.id);
      x.checkpoints = (x.checkpoints as Json[]).map((c) => ({ ...c, id: ck(c.id) }));
      x.suites = (x.suites as Json[]).map((s) => ({ ...s, id: su(s.id) }));
      x.rows = (x.rows as Json[]).map((row) => ({ ...row, checkpoint: ck(row.checkpoint), suite: su(row.suite) }));
      x.validation = (x.validation as Json[]).map((v) => ({ ...v, checkpoint: ck(v.checkpoint), corpus: co(v.corpus) }));
      if (Array.isArray(x.pairSets)) x.pairSets = (x.pairSets as Json[]).map((p) => ({ ...p, suite: su(p.suite) }));
      return x;
    }
    case 'experiment': {
      x.id = via(r.experiment)(x.id);
      const progress = x.progress as Progress;
      for (const rec of Object.values(progress)) {
        rec.inputs = Object.fromEntries(Object.entries(rec.inputs ?? {}).map(([stage, id]) => [stage, ck(id) as string]));
        if (rec.runId !== undefined) rec.runId = run(rec.runId) as string;
        if (rec.checkpointId !== undefined) rec.checkpointId = ck(rec.checkpointId) as string;
        if (rec.evaluationId !== undefined) rec.evaluationId = via(r.evaluation)(rec.evaluationId) as string;
      }
      const recipe = rewriteRecipe(x.recipe as Recipe, r);
      if (JSON.stringify(recipe) !== JSON.stringify(x.recipe)) {
        const plan = x.plan as ReturnType<typeof planExperiment>;
        // A checkpoint base's config: from its manifest, else the plan's own 1x adaptation stage.
        const ownConfig = plan.stages.find((s): s is AdaptStage => s.kind === 'adapt' && s.scale === 1)?.config;
        const config = recipe.base.from === 'checkpoint' ? (configOf(recipe.base.checkpoint) ?? ownConfig) : undefined;
        let next: ReturnType<typeof planExperiment>;
        try {
          next = planExperiment(recipe, config);
        } catch (e) {
          throw new BackupError(`experiment ${String(x.id)} (${String(x.name)}) names a renamed item and cannot be planned again: ${(e as Error).message}; restore it with onClash 'skip' or 'replace'`);
        }
        const oldKey = new Map(plan.stages.map((s) => [s.id, s.key]));
        for (const s of next.stages) {
          const rec = progress[s.id];
          if (rec && rec.key === oldKey.get(s.id)) rec.key = s.key;
        }
        x.recipe = recipe;
        x.plan = next;
      }
      return x;
    }
  }
}
