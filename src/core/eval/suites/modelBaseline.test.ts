// What models score on the built-in suites, under lm-eval's BLiMP rule (" " + sentence after BOS;
// a pair is correct when log p(good) >= log p(bad)): an untrained model is at chance, so nothing
// in how the suites were made (length, a direction, a punctuation mark) decides them. Scoring on
// the tfjs CPU backend is slow (about 1,500 tokens a second for the tiny preset on two cores), so
// the agreement suite is scored on a balanced part of each paradigm and the word-order suites on
// the shortest pair of each, pooled.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCorpora } from '../../../../scripts/build-corpora';
import { buildSuites } from '../../../../scripts/build-suites';
import { MODEL_PRESETS } from '../../model/config';
import type { LlamaModel } from '../../model/llama';
import { initialWeights } from '../../model/init';
import { ByteTokenizer } from '../../tokenizer/byte';
import { scoreTexts } from '../score';
import type { MinimalPair, Suite } from './types';
import { referenceKernels } from '../../kernels';

const tok = new ByteTokenizer();

/** lm-eval's BLiMP verdicts, computed here from scoreTexts so the test checks the suites, not the scorer. */
async function blimpAccuracy(model: LlamaModel, pairs: MinimalPair[]): Promise<number> {
  const s = await scoreTexts(model, tok, [...pairs.map((p) => ` ${p.good}`), ...pairs.map((p) => ` ${p.bad}`)], referenceKernels);
  return pairs.filter((_, i) => s[i] >= s[pairs.length + i]).length / pairs.length;
}

/** The first n pairs of every paradigm: the suite writes directions alternately, so this is balanced. */
export function paradigmPrefix(pairs: MinimalPair[], n: number): MinimalPair[] {
  const taken = new Map<string, number>();
  return pairs.filter((p) => {
    const k = taken.get(p.paradigm) ?? 0;
    taken.set(p.paradigm, k + 1);
    return k < n;
  });
}

function untrainedTiny(seed: number): LlamaModel {
  const config = MODEL_PRESETS.find((p) => p.id === 'tiny')!.config;
  const params: Record<string, tf.Tensor> = {};
  for (const [n, w] of initialWeights(config, seed)) params[n] = tf.tensor(w.data, w.shape);
  return { config, params };
}

let suites: Suite[];

beforeAll(async () => {
  const corpora = mkdtempSync(join(tmpdir(), 'corpora-'));
  await buildCorpora(corpora, () => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'suites-'));
  suites = buildSuites(corpora, dir).suites.map((s) => JSON.parse(readFileSync(join(dir, `${s.id}.json`), 'utf8')) as Suite);
}, 120_000);

describe('an untrained model (tiny preset, seed 0) is at chance on the built-in suites', () => {
  it('agreement-eng: 50 % ± 5 on 40 pairs of each paradigm', async () => {
    const model = untrainedTiny(0);
    const agreement = suites.find((s) => s.id === 'agreement-eng')!;
    const acc = await blimpAccuracy(model, paradigmPrefix(agreement.pairs, 40));
    expect(Math.abs(acc - 0.5)).toBeLessThanOrEqual(0.05);
  }, 300_000);

  it('word order: 50 % ± 5 on the shortest pair of every word-order suite, pooled', async () => {
    const model = untrainedTiny(0);
    const shortest = suites
      .filter((s) => s.source === 'word-order')
      .map((s) => s.pairs.reduce((a, b) => (b.good.length < a.good.length ? b : a)));
    expect(shortest.length).toBeGreaterThan(400);
    const acc = await blimpAccuracy(model, shortest);
    expect(Math.abs(acc - 0.5)).toBeLessThanOrEqual(0.05);
  }, 300_000);
});
