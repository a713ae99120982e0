// EngineCache with a scripted engine: a few models stay loaded, the least recently used is
// unloaded first, a model being loaded is loaded once however many callers ask, a failed load
// is forgotten so the next call tries again, and a corpus's training text is sent once.
import { describe, expect, it } from 'vitest';
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import type { CorpusInfo } from '../core/data/corpusSplit';
import { CheckpointStore } from '../storage/checkpoints';
import { memoryStore } from '../storage/kv';
import { UserCorpusStore } from '../storage/corpora';
import type { EngineClient } from '../worker/client';
import { EngineCache, type Services } from './services';

const config = { vocab_size: 259, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 16, rms_norm_eps: 1e-5, rope_theta: 10000, tie_word_embeddings: true } as CheckpointManifest['config'];

function setup(failLoads = new Set<string>()) {
  const calls: string[] = [];
  const engine = {
    call: async (name: string, args: { modelId?: string; corpusId?: string; train?: ArrayBuffer }) => {
      calls.push(`${name}:${args.modelId ?? args.corpusId}${name === 'loadCorpus' ? (args.train ? '+train' : '') : ''}`);
      if (name === 'loadModel' && failLoads.has(args.modelId!)) throw new Error(`load of ${args.modelId} failed`);
      return null;
    },
  } as unknown as EngineClient;
  const checkpoints = new CheckpointStore(memoryStore(), memoryStore());
  const userCorpora = new UserCorpusStore(memoryStore());
  const s = { engine, checkpoints, userCorpora } as unknown as Services;
  return { s, cache: new EngineCache(s), calls };
}

async function save(s: Services, id: string): Promise<void> {
  await s.checkpoints.save({ formatVersion: 1, id, name: id, createdAt: '2026-01-01', config, tokenizer: { kind: 'byte' }, parents: [], origin: { method: 'init', params: {} }, parameterCount: 1 }, new Uint8Array(8));
}

describe('EngineCache', () => {
  it('keeps three models, unloading the least recently used', async () => {
    const { s, cache, calls } = setup();
    for (const id of ['a', 'b', 'c', 'd']) await save(s, id);
    await cache.ensureModel('a');
    await cache.ensureModel('b');
    await cache.ensureModel('c');
    await cache.ensureModel('a'); // a is now the most recent
    await cache.ensureModel('d'); // b goes
    expect(calls).toEqual(['loadModel:a', 'loadModel:b', 'loadModel:c', 'loadModel:d', 'unloadModel:b']);
    calls.length = 0;
    await cache.ensureModel('a');
    await cache.ensureModel('b');
    expect(calls).toEqual(['loadModel:b', 'unloadModel:c']);
  });

  it('loads a model once for concurrent callers and forgets a failed load', async () => {
    const fail = new Set(['x']);
    const { s, cache, calls } = setup(fail);
    await save(s, 'x');
    const both = await Promise.allSettled([cache.ensureModel('x'), cache.ensureModel('x')]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toEqual(['loadModel:x']);
    fail.clear();
    await cache.ensureModel('x');
    expect(calls).toEqual(['loadModel:x', 'loadModel:x']);
    await expect(cache.ensureModel('missing')).rejects.toThrow(/no checkpoint with id missing/);
  });

  it('sends a corpus once, and again only to add its training text', async () => {
    const { s, cache, calls } = setup();
    await s.userCorpora.put({ id: 'user-1', name: 'mine', language: 'eng', createdAt: '', train: 'one\ntwo', valid: 'three' });
    const info = { id: 'user-1', source: 'user' } as CorpusInfo;
    await cache.ensureCorpus(info, false);
    await cache.ensureCorpus(info, false);
    await cache.ensureCorpus(info, true);
    await cache.ensureCorpus(info, false);
    await cache.ensureCorpus(info, true);
    expect(calls).toEqual(['loadCorpus:user-1', 'loadCorpus:user-1+train']);
  });
});
