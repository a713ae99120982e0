// Suites of 300,000 pairs through the studio's own import and evaluation actions (issue 16, item
// 5): files stream in with byte progress, nothing reaches the argument limit (a spread of 150,000
// pairs did), and a stored suite of that size evaluates and trains; the engine is a stand-in that
// scores by length, so the accuracies are known.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import { tinyConfig } from '../core/testing/fixtures';
import { blimpJsonl, multiBlimpTsv } from '../core/testing/largeSuites';
import { initialWeights } from '../core/model/init';
import { encodeSafetensors } from '../core/checkpoint/safetensors';
import { validateTrainSettings } from '../core/train/settings';
import { memoryStore } from '../storage/kv';
import { EvaluationStore, SuiteStore } from '../storage/suites';
import { EngineSession } from '../worker/session';
import type { EngineEvent } from '../worker/protocol';
import { createEvaluationActions, type SuiteImportProgress } from './evaluation';
import type { EngineCache, Services } from './services';
import { SuiteLibrary } from './suiteLibrary';

const N = 300_000;
const bytes = (t: string) => new TextEncoder().encode(t).length;

/** The actions as the studio builds them, over memory stores and an engine that prefers the shorter text. */
function studioActions() {
  const calls: string[] = [];
  const engine = {
    call: async (type: string, args: { texts: string[] }) => {
      calls.push(type);
      if (type === 'scoreTexts') return args.texts.map((t) => -bytes(t));
      if (type === 'tokenCounts') return args.texts.map((t) => bytes(t) + 1);
      throw new Error(`unexpected engine call ${type}`);
    },
  };
  const s = { engine, suites: new SuiteStore(memoryStore()), evaluations: new EvaluationStore(memoryStore()) } as unknown as Services;
  const cache = { ensureModel: async () => {}, ensureCorpus: async () => true } as unknown as EngineCache;
  const model = { id: 'm', name: 'length scorer', config: tinyConfig({ max_position_embeddings: 64 }) } as CheckpointManifest;
  const lib = new SuiteLibrary(s);
  return { actions: createEvaluationActions(s, cache, lib, async () => model, Promise.resolve()), lib, calls };
}

describe('300,000-pair suites through importSuite and evaluate', () => {
  beforeAll(() => {
    // The built-in index is served by the page; here there are no built-in suites.
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ version: 1, suites: [] })));
  });
  afterAll(() => vi.unstubAllGlobals());

  it('imports a MultiBLiMP TSV of 300,000 pairs given as text and evaluates all of them', async () => {
    const { actions } = studioActions();
    const r = await actions.importSuite('isl big', [{ name: 'isl.tsv', text: multiBlimpTsv(N) }], 'multiblimp');
    expect([r.pairs, r.errorCount, r.errors]).toEqual([N, 0, []]);
    const info = (await actions.suites()).find((x) => x.id === r.id)!;
    expect([info.pairCount, info.language, info.paradigms]).toEqual([N, 'isl', ['SV-#']]);
    // Every pair: 600,000 texts in engine calls of 512; the good sentence ("er") is the shorter.
    const result = await actions.evaluate({ checkpoints: ['m'], suites: [r.id], validation: false });
    expect(result.rows[0]).toMatchObject({ pairs: N, correct: N, accuracy: 1 });
    expect(result.pairSets![0].pairs).toBe(N);
  });

  it('streams a 300,000-pair BLiMP File with byte progress, then evaluates a sample of it', async () => {
    const { actions } = studioActions();
    const file = new File([blimpJsonl(N)], 'big_blimp.jsonl');
    const seen: SuiteImportProgress[] = [];
    const t = performance.now();
    const r = await actions.importSuite('blimp big', [file], 'blimp', { onProgress: (p) => seen.push(p) });
    console.log(`importSuite: ${N} BLiMP pairs (${(file.size / 1e6).toFixed(1)} MB) in ${(performance.now() - t).toFixed(0)} ms, ${seen.length} progress reports`);
    expect([r.pairs, r.errorCount]).toEqual([N, 0]);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.every((p, i) => p.total === file.size && p.file === 'big_blimp.jsonl' && (i === 0 || p.done >= seen[i - 1].done))).toBe(true);
    expect(seen[seen.length - 1].done).toBe(file.size);
    const result = await actions.evaluate({ checkpoints: ['m'], suites: [r.id], validation: false, maxPairs: 670 });
    // The good sentence ("sleeps") is the longer: a length scorer gets every sampled pair wrong.
    expect(result.rows[0]).toMatchObject({ pairs: 670, correct: 0 });
    expect(result.rows[0].paradigms).toHaveLength(67);
  });

  it('keeps 100 of 300,000 line errors and names three and the count when nothing loads', async () => {
    const { actions } = studioActions();
    const broken = new File(['{"sentence_good": broken\n'.repeat(N)], 'broken.jsonl');
    await expect(actions.importSuite('broken', [broken], 'blimp')).rejects.toThrow(/^no pairs could be read: broken\.jsonl:1 not valid JSON .*; broken\.jsonl:3 not valid JSON [^;]*; and 299997 more$/);
    const mixed = await actions.importSuite('mixed', [broken, new File([blimpJsonl(5)], 'ok.jsonl')], 'blimp');
    expect([mixed.pairs, mixed.errorCount, mixed.errors.length]).toEqual([5, N, 100]);
    await expect(actions.importSuite('x', [{ name: 'a.jsonl' }] as never, 'blimp')).rejects.toThrow('files must be the file text, or a non-empty list of Files or {name, text}');
    await expect(actions.importSuite('x', 'a', 'blimp', { onProgress: 5 } as never)).rejects.toThrow('options.onProgress must be a function');
  });
});

describe('the engine holds a 300,000-pair suite for evaluation while training', () => {
  it('loads it and scores a sample of it at the evaluation steps', async () => {
    const events: EngineEvent[] = [];
    const session = new EngineSession((e) => events.push(e));
    await session.init({ backend: 'cpu' });
    const config = tinyConfig({ vocab_size: 259, max_position_embeddings: 32 });
    const tensors = encodeSafetensors([...initialWeights(config, 1)].map(([name, w]) => ({ name, shape: w.shape, data: w.data })), {});
    await session.loadModel({ modelId: 'm', config, tokenizer: { kind: 'byte' }, tensors: new Blob([tensors as Uint8Array<ArrayBuffer>]) });
    const text = new TextEncoder().encode('the cat sat on the mat. '.repeat(40)).buffer as ArrayBuffer;
    await session.loadCorpus({ corpusId: 'c', train: text, valid: text });
    const { parseBlimpJsonl } = await import('../core/eval/suites/loaders');
    session.loadSuite({ suiteId: 's', pairs: parseBlimpJsonl('big.jsonl', blimpJsonl(N)).pairs, rule: 'lm-eval blimp' });
    const settings = validateTrainSettings({ from: 'm', data: [{ corpus: 'c', weight: 1 }], steps: 2, batchSize: 2, seqLen: 8, lr: 1e-3, evalSuites: ['s'], evalPairs: 16 }, { corpusIds: ['c'], maxPositionEmbeddings: 32, suiteIds: ['s'] });
    await session.train({ runId: 'r', modelId: 'm', settings });
    const deadline = Date.now() + 60_000;
    while (!events.some((e) => e.type === 'trainFinished' || e.type === 'trainFailed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(events.find((e) => e.type === 'trainFailed')).toBeUndefined();
    const accuracies = events.flatMap((e) => (e.type === 'trainMetrics' ? e.points.flatMap((p) => (p.pairs ? [p.pairs.s] : [])) : []));
    expect(accuracies.length).toBeGreaterThanOrEqual(2);
    for (const a of accuracies) expect(a).toBeGreaterThanOrEqual(0);
  });
});
