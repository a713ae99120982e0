// The probe client's clock: a step that outruns its budget terminates the worker and refuses the
// tokenizer naming the regex; one that ends within the grace after its deadline does not; a
// failure names its step. The worker here is a stand-in that replays serveProbe's messages and
// can stop mid-step; the real worker and a real catastrophic regex run in e2e/tokenizer.spec.ts.
import { describe, expect, it } from 'vitest';
import { type ProbeEvent, probePlan, stepBudgetMs } from '../core/tokenizer/probe';
import { bpeTokenizerFiles } from '../core/testing/bpeFixture';
import { probeTokenizer, type ProbeWorker } from './tokenizerProbe';

type Json = Record<string, unknown>;
const SAMPLE = 'the cat sat on the mat . the dog sat on the log .\n'.repeat(4);

function poisonedFiles(): { tokenizer: string; json: Json } {
  const json = JSON.parse(bpeTokenizerFiles(SAMPLE, 20).tokenizer) as Json;
  json.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated', invert: false }, { type: 'ByteLevel', add_prefix_space: false, use_regex: true }] };
  return { tokenizer: JSON.stringify(json), json };
}

/**
 * Sends serveProbe's messages asynchronously, as a worker would; from step `hangAt` on it goes
 * silent (the thread is stuck in that step), or delays that step's end by `lateMs`.
 */
function standIn(options: { hangAt?: number; lateMs?: number } = {}): ProbeWorker & { terminated: boolean } {
  const w = {
    terminated: false,
    onmessage: null as ProbeWorker['onmessage'],
    onerror: null as ProbeWorker['onerror'],
    terminate() {
      w.terminated = true;
    },
    postMessage(req: unknown) {
      // The messages serveProbe sends, without running the steps (the poisoned one would hang this thread).
      const plan = probePlan(JSON.parse((req as { files: { tokenizer: string } }).files.tokenizer) as Json);
      const events: ProbeEvent[] = [-1, ...plan.steps.keys()].map((index) => ({ type: 'step', index }));
      events.push({ type: 'done', steps: plan.steps.length, ms: 0 });
      let at = 0;
      for (const e of events) {
        if (e.type === 'step' && options.hangAt !== undefined && e.index > options.hangAt) {
          if (options.lateMs === undefined) break; // never ends: nothing after it arrives
          at += options.lateMs;
        }
        setTimeout(() => !w.terminated && w.onmessage?.({ data: e }), at);
      }
    },
  };
  return w;
}

describe('probeTokenizer (client)', () => {
  it('resolves for an ordinary tokenizer and terminates its worker', async () => {
    const files = bpeTokenizerFiles(SAMPLE, 20);
    const w = standIn();
    const r = await probeTokenizer(files, JSON.parse(files.tokenizer) as Json, { spawn: () => w });
    expect(r.steps).toBe(probePlan(JSON.parse(files.tokenizer) as Json).steps.length);
    expect(w.terminated).toBe(true);
  });

  it('refuses within the step budget when a step never ends, naming the regex, and terminates the worker', async () => {
    const { tokenizer, json } = poisonedFiles();
    const plan = probePlan(json);
    const hangAt = plan.steps.findIndex((s) => s.kind === 'regex' && s.text.startsWith('aaaa') && s.text.endsWith('!'));
    const w = standIn({ hangAt });
    const t0 = performance.now();
    const err = await probeTokenizer({ tokenizer }, json, { spawn: () => w }).then(() => undefined, (e: Error) => e);
    const took = performance.now() - t0;
    expect(err?.message).toMatch(/^tokenizer.json pre_tokenizer.pretokenizers\[0\].pattern.Regex "\(a\+\)\+\$" took more than \d+ ms on a text of 2049 characters, "aaaaaa"…"a!"/);
    expect(w.terminated).toBe(true);
    expect(took).toBeGreaterThanOrEqual(stepBudgetMs(2049) - 5);
    expect(took).toBeLessThan(stepBudgetMs(2049) + 1000);
  });

  it('does not refuse a step whose end arrives within the grace after its deadline', async () => {
    const { tokenizer, json } = poisonedFiles();
    const plan = probePlan(json);
    const hangAt = plan.steps.length - 2;
    const late = stepBudgetMs(plan.steps[hangAt].text.length) + 50; // past the deadline, inside the 150 ms grace
    const r = await probeTokenizer({ tokenizer }, json, { spawn: () => standIn({ hangAt, lateMs: late }) });
    expect(r.steps).toBe(plan.steps.length);
  });

  it('names the step that failed and the worker that did not start', async () => {
    const { tokenizer, json } = poisonedFiles();
    const failing: ProbeWorker = {
      onmessage: null,
      onerror: null,
      terminate: () => undefined,
      postMessage() {
        setTimeout(() => this.onmessage?.({ data: { type: 'failed', index: 0, error: 'boom' } }), 0);
      },
    };
    await expect(probeTokenizer({ tokenizer }, json, { spawn: () => failing })).rejects.toThrow(/^tokenizer.json pre_tokenizer.pretokenizers\[0\] failed on a text of \d+ characters, .*: boom$/);
    const silent: ProbeWorker = { onmessage: null, onerror: null, terminate: () => undefined, postMessage: () => undefined };
    await expect(probeTokenizer({ tokenizer }, json, { spawn: () => silent, startMs: 50 })).rejects.toThrow('the tokenizer check did not start within 0.05 s');
  });
});
