// Restore planning: new, identical and clashing items; rename rewrites every reference inside the
// backup (parents, merges, runs, evaluations, experiments, blob keys); skip and replace.
import { describe, expect, it } from 'vitest';
import { planExperiment, resumePlan } from '../experiment/plan';
import { RECIPE_PRESETS, type Recipe } from '../experiment/recipe';
import type { ExperimentRecord } from '../../storage/experiments';
import { clone } from '../testing/experimentFixtures';
import { corpusOf, manifestOf, runOf, TINY } from '../testing/backupFixtures';
import type { CheckpointManifest } from '../checkpoint/manifest';
import { type BackupItem, planRestore, type PlannedWrite, type StudioView } from './plan';
import type { ItemKind } from './records';

const sha = (c: string) => c.repeat(64);
const item = (kind: ItemKind, record: { id: string }, recordSha: string, blobs: BackupItem['blobs'] = []): BackupItem => ({ kind, id: record.id, record, recordSha, blobs });
const emptyStudio = (): StudioView => ({ items: new Map(), ids: { checkpoint: new Set(), run: new Set(), corpus: new Set(), suite: new Set(), evaluation: new Set(), experiment: new Set(), tokenizer: new Set() }, blobKeys: new Set() });
const recordOf = (writes: PlannedWrite[], store: string, key: string) => (writes.find((w) => w.store === store && w.key === key) as { record: unknown } | undefined)?.record;

// A workspace: base a, b trained from a by run r1, m merged from a and b, an evaluation of a and
// m, and an experiment that started from a.
const a = manifestOf('a');
const b = manifestOf('b', { parents: ['a'], origin: { method: 'train', params: { runId: 'r1' } }, training: { runId: 'r1', settings: runOf('r1', 'a').settings as never, steps: 2, tokens: 16, status: 'completed', metrics: [] } });
const m = manifestOf('m', { parents: ['a', 'b'], origin: { method: 'merge:linear', params: {} }, merge: { method: 'linear', base: 'a', models: [{ id: 'a', params: {} }, { id: 'b', params: {} }], global: {}, diagnostics: [] }, fisher: [{ key: 'fisher:m:x', labels: 'sampled', samples: 4, corpus: 'user-1', seqLen: 8, createdAt: 'x' }] });
const r1 = runOf('r1', 'a', { resultId: 'b' });
const evaluation = { id: 'ev', createdAt: 'x', checkpoints: [{ id: 'a', name: 'model a' }, { id: 'm', name: 'model m' }], suites: [], rows: [{ checkpoint: 'a', suite: 's' }], validation: [{ checkpoint: 'm', corpus: 'user-1', language: 'eng', loss: 1, perplexity: 2.7 }] };
const recipe: Recipe = { ...clone(RECIPE_PRESETS.find((p) => p.id === 'quick-demo')!.recipe), base: { from: 'checkpoint', checkpoint: 'a' } };
const plan = planExperiment(recipe, TINY);
const experiment: ExperimentRecord = {
  id: 'ex', name: 'demo', createdAt: 'x', recipe, plan, status: 'interrupted',
  progress: { 'grow:x2': { key: plan.stages[1].key, inputs: { base: 'a' }, checkpointId: 'b' } },
};
const items = [
  item('checkpoint', a, sha('1'), [{ key: 'ckpt:a', sha256: sha('a'), bytes: 16 }]),
  item('checkpoint', b, sha('2'), [{ key: 'ckpt:b', sha256: sha('b'), bytes: 16 }]),
  item('checkpoint', m, sha('3'), [{ key: 'ckpt:m', sha256: sha('c'), bytes: 16 }, { key: 'fisher:m:x', sha256: sha('d'), bytes: 8 }]),
  item('corpus', corpusOf('user-1'), sha('4')),
  item('run', r1, sha('5')),
  item('evaluation', evaluation, sha('6')),
  item('experiment', experiment, sha('7')),
];

/** The studio holds checkpoint a (renamed since the backup: another manifest, the same tensors). */
function studioWithA(): StudioView {
  const s = emptyStudio();
  s.items.set('checkpoint:a', { recordSha: sha('9'), blobKeys: ['ckpt:a'] });
  s.ids.checkpoint.add('a');
  s.blobKeys.add('ckpt:a');
  return s;
}

describe('planRestore', () => {
  it('restores everything into an empty studio, blobs before the records naming them', () => {
    const p = planRestore(items, emptyStudio(), 'rename');
    expect(p.restored.map((r) => r.id)).toEqual(['a', 'b', 'm', 'user-1', 'r1', 'ev', 'ex']);
    expect(p.clashes).toEqual([]);
    const order = p.writes.map((w) => `${w.store}/${w.key}`);
    expect(order).toEqual(['tensors/ckpt:a', 'tensors/ckpt:b', 'tensors/ckpt:m', 'tensors/fisher:m:x', 'corpora/user-1', 'manifests/a', 'manifests/b', 'manifests/m', 'runs/r1', 'evaluations/ev', 'experiments/ex']);
    expect(recordOf(p.writes, 'manifests', 'm')).toEqual(m);
  });

  it('skips an item the studio holds with the same bytes, silently', () => {
    const s = emptyStudio();
    s.items.set('checkpoint:a', { recordSha: sha('1'), blobKeys: ['ckpt:a'], blobShas: [sha('a')] });
    s.ids.checkpoint.add('a');
    s.blobKeys.add('ckpt:a');
    const p = planRestore(items, s, 'rename');
    expect(p.skipped).toEqual([{ kind: 'checkpoint', id: 'a', name: 'model a', why: 'identical' }]);
    expect(p.clashes).toEqual([]);
    expect(p.writes.some((w) => w.key === 'a' || w.key === 'ckpt:a')).toBe(false);
    // Same record but other tensor bytes is a clash, not the same item.
    s.items.set('checkpoint:a', { recordSha: sha('1'), blobKeys: ['ckpt:a'], blobShas: [sha('e')] });
    expect(planRestore(items, s, 'skip').clashes.map((c) => c.id)).toEqual(['a']);
  });

  it('renames a clashing checkpoint and rewrites every reference to it inside the backup', () => {
    const p = planRestore(items, studioWithA(), 'rename');
    expect(p.renamed).toEqual([{ kind: 'checkpoint', id: 'a-restored', from: 'a', name: 'model a' }]);
    const a2 = recordOf(p.writes, 'manifests', 'a-restored') as CheckpointManifest;
    expect(a2).toMatchObject({ id: 'a-restored', name: 'model a (restored)', tensorsKey: 'ckpt:a-restored' });
    expect(p.writes).toContainEqual({ store: 'tensors', key: 'ckpt:a-restored', from: 'ckpt:a' });
    expect(recordOf(p.writes, 'manifests', 'a')).toBeUndefined();
    const b2 = recordOf(p.writes, 'manifests', 'b') as CheckpointManifest;
    expect(b2.parents).toEqual(['a-restored']);
    expect(b2.training!.settings.from).toBe('a-restored');
    const m2 = recordOf(p.writes, 'manifests', 'm') as CheckpointManifest;
    expect(m2.parents).toEqual(['a-restored', 'b']);
    expect(m2.merge).toMatchObject({ base: 'a-restored', models: [{ id: 'a-restored' }, { id: 'b' }] });
    expect(recordOf(p.writes, 'runs', 'r1')).toMatchObject({ settings: { from: 'a-restored' }, resultId: 'b' });
    expect(recordOf(p.writes, 'evaluations', 'ev')).toMatchObject({ checkpoints: [{ id: 'a-restored' }, { id: 'm' }], rows: [{ checkpoint: 'a-restored' }] });
    // The experiment started from a: its recipe and plan name a-restored, its stage records still match.
    const ex = recordOf(p.writes, 'experiments', 'ex') as ExperimentRecord;
    expect(ex.recipe.base).toEqual({ from: 'checkpoint', checkpoint: 'a-restored' });
    expect(ex.plan.stages[0]).toMatchObject({ id: 'base', checkpoint: 'a-restored' });
    expect(ex.plan.stages[1].key).not.toBe(plan.stages[1].key);
    expect(ex.progress['grow:x2']).toEqual({ key: ex.plan.stages[1].key, inputs: { base: 'a-restored' }, checkpointId: 'b' });
    expect(resumePlan(ex.plan, ex.progress).stages.slice(0, 2).map((s) => s.status)).toEqual(['reuse', 'reuse']);
    // The original records are untouched (a second plan gives the same result).
    expect(items[1].record).toEqual(b);
  });

  it('renames runs, corpora, evaluations and blob keys everywhere they are named', () => {
    const s = emptyStudio();
    for (const [kind, id] of [['run', 'r1'], ['corpus', 'user-1'], ['evaluation', 'ev'], ['checkpoint', 'm']] as const) {
      s.items.set(`${kind}:${id}`, { recordSha: sha('0'), blobKeys: kind === 'checkpoint' ? ['ckpt:m'] : [] });
      s.ids[kind].add(id);
    }
    s.ids.run.add('r1-restored'); // taken: the next free id is used
    s.blobKeys.add('ckpt:m').add('fisher:m:x-restored');
    const p = planRestore(items, s, 'rename');
    expect(p.renamed.map((r) => `${r.from}->${r.id}`)).toEqual(['m->m-restored', 'user-1->user-1-restored', 'r1->r1-restored-2', 'ev->ev-restored']);
    expect(recordOf(p.writes, 'manifests', 'b')).toMatchObject({ origin: { params: { runId: 'r1-restored-2' } }, training: { runId: 'r1-restored-2' } });
    const m2 = recordOf(p.writes, 'manifests', 'm-restored') as CheckpointManifest;
    expect(m2.fisher).toMatchObject([{ key: 'fisher:m-restored:x', corpus: 'user-1-restored' }]);
    expect(recordOf(p.writes, 'runs', 'r1-restored-2')).toMatchObject({ id: 'r1-restored-2', resultId: 'b' });
    expect(recordOf(p.writes, 'evaluations', 'ev-restored')).toMatchObject({ checkpoints: [{ id: 'a' }, { id: 'm-restored' }], validation: [{ checkpoint: 'm-restored', corpus: 'user-1-restored' }] });
    expect(recordOf(p.writes, 'corpora', 'user-1-restored')).toMatchObject({ name: 'corpus user-1 (restored)' });
    expect(recordOf(p.writes, 'experiments', 'ex')).toMatchObject({ progress: { 'grow:x2': { checkpointId: 'b' } } });
  });

  it('skip keeps the studio item and the references; replace writes new blob keys and frees the old ones after', () => {
    const skip = planRestore(items, studioWithA(), 'skip');
    expect(skip.skipped).toEqual([{ kind: 'checkpoint', id: 'a', name: 'model a', why: 'clash' }]);
    expect((recordOf(skip.writes, 'manifests', 'b') as CheckpointManifest).parents).toEqual(['a']);
    expect(skip.writes.some((w) => w.key === 'a')).toBe(false);

    const rep = planRestore(items, studioWithA(), 'replace');
    expect(rep.replaced.map((r) => r.id)).toEqual(['a']);
    expect(rep.writes).toContainEqual({ store: 'tensors', key: 'ckpt:a~2', from: 'ckpt:a' });
    expect(recordOf(rep.writes, 'manifests', 'a')).toMatchObject({ id: 'a', name: 'model a', tensorsKey: 'ckpt:a~2' });
    expect(rep.obsoleteBlobs).toEqual(['ckpt:a']);
  });

  it('refuses a checkpoint whose tokenizer is neither in the backup nor in the studio', () => {
    const hf = manifestOf('h', { tokenizer: { kind: 'hf', id: 'f'.repeat(64), vocabSize: 259, bos: 1, eos: 2, pad: 0, description: 'x' } });
    const it1 = item('checkpoint', hf, sha('1'), [{ key: 'ckpt:h', sha256: sha('a'), bytes: 16 }]);
    expect(() => planRestore([it1], emptyStudio(), 'rename')).toThrow(/checkpoint h \(model h\) needs tokenizer ffffffffffff…, which is neither in the backup nor in this studio/);
    const s = emptyStudio();
    s.ids.tokenizer.add('f'.repeat(64));
    expect(planRestore([it1], s, 'rename').restored.map((r) => r.id)).toEqual(['h']);
    expect(() => planRestore(items, emptyStudio(), 'merge' as never)).toThrow(/onClash must be one of rename, skip, replace, got "merge"/);
  });
});
