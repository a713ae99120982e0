// The probe's pure parts: where the regexes are, which texts attack them, how long each may take,
// and that an ordinary tokenizer (the fixture, and one of 49k ids) runs every step quickly.
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';
import { buildBudgetMs, locateRegexes, PER_CHAR_MS, ProbeRunner, probePlan, ProbeWatch, RUN_LENGTH, STEP_FLOOR_MS, stepBudgetMs, timeoutMessage } from './probe';
import { bpeTokenizerFiles } from '../testing/bpeFixture';
import { bytesToUnicode } from './byte';
import { validateTokenizerJson } from './validate';

type Json = Record<string, unknown>;
const SAMPLE = 'the cat sat on the mat . the dog sat on the log .\n'.repeat(4);
export const CATASTROPHIC = '(a+)+$';

/** The fixture with `(a+)+$` in a Replace normalizer inside a Sequence. */
function poisoned(): Json {
  const j = JSON.parse(bpeTokenizerFiles(SAMPLE, 20).tokenizer) as Json;
  j.normalizer = { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: CATASTROPHIC }, content: 'b' }] };
  return j;
}

/** A byte-level BPE tokenizer.json of `size` ids (SmolLM2 has 49152): bytes, then merges of earlier tokens with a byte. */
export function largeBpe(size: number): string {
  const chars = bytesToUnicode();
  const vocab: Record<string, number> = {};
  chars.forEach((c, i) => (vocab[c] = i));
  const tokens = [...chars];
  const merges: string[] = [];
  let seed = 1;
  const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), (seed >>> 8) % n); // 32-bit LCG, exact in integers
  while (tokens.length < size) {
    const a = tokens[rand(Math.min(tokens.length, 4000))];
    const b = chars[rand(94)]; // printable ASCII, as real merges mostly are
    if (a.length > 12 || (a + b) in vocab) continue;
    vocab[a + b] = tokens.length;
    tokens.push(a + b);
    merges.push(`${a} ${b}`);
  }
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return JSON.stringify({ version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: byteLevel, post_processor: byteLevel, decoder: byteLevel, model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, vocab, merges } });
}

describe('tokenizer probe', () => {
  it('locates the regexes of normalizers and pre-tokenizers, Sequences unfolded, with their paths', () => {
    const j = poisoned();
    j.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: '\\s+' }, behavior: 'Isolated', invert: false }, { type: 'Split', pattern: { String: ' ' }, behavior: 'Isolated' }, { type: 'ByteLevel' }] };
    j.decoder = { type: 'Replace', pattern: { Regex: 'x+' }, content: '' }; // runs on tokens, not on input
    expect(locateRegexes(j).map((r) => [r.path, r.pattern])).toEqual([
      ['normalizer.normalizers[1]', CATASTROPHIC],
      ['pre_tokenizer.pretokenizers[0]', '\\s+'],
    ]);
  });

  it('attacks each regex with long runs of its own characters and common pumps, each followed by a breaker', () => {
    const plan = probePlan(poisoned());
    const regexTexts = plan.steps.filter((s) => s.kind === 'regex').map((s) => s.text);
    expect(regexTexts).toContain(`${'a'.repeat(RUN_LENGTH)}!`); // (a+)+$ backtracks exponentially on this
    expect(regexTexts).toContain(' '.repeat(RUN_LENGTH));
    expect(regexTexts.some((t) => t.startsWith('😀😀'))).toBe(true);
    // The whole tokenizer runs after every regex alone, on ordinary text in several scripts too.
    const encodes = plan.steps.filter((s) => s.kind === 'encode').map((s) => s.text);
    expect(encodes.some((t) => /[Þð]/.test(t)) && encodes.some((t) => /日本語/.test(t))).toBe(true);
    expect(plan.steps.findIndex((s) => s.kind === 'encode')).toBeGreaterThan(plan.steps.findLastIndex((s) => s.kind === 'regex'));
  });

  it('gives each step a budget proportional to its text and names the regex that outran it', () => {
    expect(stepBudgetMs(0)).toBe(STEP_FLOOR_MS);
    expect(stepBudgetMs(10_000) - stepBudgetMs(0)).toBeCloseTo(10_000 * PER_CHAR_MS);
    expect(buildBudgetMs(2e6)).toBeGreaterThan(buildBudgetMs(1e3));
    const plan = probePlan(poisoned());
    const watch = new ProbeWatch(plan, 1000);
    const i = plan.steps.findIndex((s) => s.kind === 'regex' && s.text.startsWith('aaa'));
    watch.started(i, 1000);
    const budget = stepBudgetMs(plan.steps[i].text.length);
    expect(watch.deadline()).toBe(1000 + budget);
    expect(watch.overdue(1000 + budget - 1)).toBe(false);
    expect(watch.overdue(1000 + budget)).toBe(true);
    expect(watch.message()).toBe(timeoutMessage(plan, i, budget));
    expect(watch.message()).toMatch(/^tokenizer.json normalizer.normalizers\[1\].pattern.Regex "\(a\+\)\+\$" took more than 910 ms on a text of 2049 characters, "aaaaaa"…"a!"/);
    watch.started(-1, 0);
    expect(watch.deadline()).toBe(buildBudgetMs(1000));
  });

  it('the catastrophic run really backtracks: its time doubles with each character', () => {
    const plan = probePlan(poisoned());
    const runner = new ProbeRunner(new Tokenizer(poisoned(), {}), plan);
    const time = (n: number) => {
      const t0 = performance.now();
      runner.run({ kind: 'regex', entry: 0, text: `${'a'.repeat(n)}!` });
      return performance.now() - t0;
    };
    time(16);
    const t18 = time(18);
    const t22 = time(22);
    expect(t22).toBeGreaterThan(4 * t18); // 2^4 = 16 in theory; a linear regex would take the same
  });

  it('runs every step of an ordinary tokenizer in well under its budgets, a 49k-id one included', () => {
    for (const text of [bpeTokenizerFiles(SAMPLE, 40).tokenizer, largeBpe(49_152)]) {
      const json = JSON.parse(text) as Json;
      validateTokenizerJson(json);
      const t0 = performance.now();
      const lib = new Tokenizer(json, {});
      const built = performance.now() - t0;
      const plan = probePlan(json);
      const runner = new ProbeRunner(lib, plan);
      let slowest = 0;
      for (const step of plan.steps) {
        const s = performance.now();
        runner.run(step);
        slowest = Math.max(slowest, (performance.now() - s) / stepBudgetMs(step.text.length));
      }
      const total = performance.now() - t0;
      console.log(`probe: ${text.length} bytes, ${plan.steps.length} steps, build ${built.toFixed(0)} ms, total ${total.toFixed(0)} ms, slowest step at ${(100 * slowest).toFixed(1)} % of its budget`);
      expect(built).toBeLessThan(buildBudgetMs(text.length) / 5);
      expect(slowest).toBeLessThan(0.2);
    }
  });
});
