// The tokenizer probe: texts that make a backtracking regex blow up, a time budget proportional to
// each text's length, and the steps a terminable worker runs to show that a tokenizer.json stays
// within it. A regex in a normalizer or pre-tokenizer (a Replace or Split pattern) is run on its
// own first, so a timeout names its JSON path and pattern; then the whole tokenizer encodes
// ordinary text in several scripts and the same adversarial runs. Pure: the worker that runs the
// steps and the clock that times them live in src/worker/tokenizerProbe*.ts.
import { ReplaceNormalizer, ReplacePreTokenizer, SplitPreTokenizer, type Tokenizer as LibraryTokenizer } from '@huggingface/tokenizers';
import { regexOf, tokenizerComponents } from './validate';

type Json = Record<string, unknown>;

/** Milliseconds every step may take whatever its length: worker start-up, garbage collection, JIT. */
export const STEP_FLOOR_MS = 500;
/**
 * Milliseconds per character of a probe text. A linear tokenizer needs about a microsecond per
 * character (Llama 3's pre-tokenizer regex, the quadratic \s*[\r\n]+ included, on 2 000 spaces:
 * well under 1 ms), so this leaves two hundred times headroom while a pattern whose time grows
 * exponentially, or as the cube of a run's length, runs out of it on the first long run.
 */
export const PER_CHAR_MS = 0.2;
/** Building the library tokenizer: a floor plus a share per byte of tokenizer.json (vocab, merges). */
export const BUILD_FLOOR_MS = 5000;
export const BUILD_PER_BYTE_MS = 0.002;

/** How long a probe text may take: proportional to its length, above a floor. */
export function stepBudgetMs(chars: number): number {
  return STEP_FLOOR_MS + PER_CHAR_MS * chars;
}

export function buildBudgetMs(tokenizerBytes: number): number {
  return BUILD_FLOOR_MS + BUILD_PER_BYTE_MS * tokenizerBytes;
}

/** A regex of a normalizer or pre-tokenizer, located in tokenizer.json. */
export interface RegexEntry {
  /** JSON path of the component, e.g. `pre_tokenizer.pretokenizers[0]`. */
  path: string;
  pattern: string;
  /** The component's configuration, as the library constructs it. */
  node: Json;
}

/** The Replace and Split regexes that run on input text (decoders run on tokens, not input). */
export function locateRegexes(json: Json): RegexEntry[] {
  return tokenizerComponents(json)
    .filter((c) => (c.section === 'normalizer' || c.section === 'pre_tokenizer') && (c.node.type === 'Replace' || c.node.type === 'Split'))
    .flatMap((c) => {
      const pattern = regexOf(c.node);
      return pattern === undefined ? [] : [{ path: c.path, pattern, node: c.node }];
    });
}

/** Length of each adversarial run: long enough that exponential or cubic backtracking cannot finish within its budget. */
export const RUN_LENGTH = 2048;

/** Characters of every class a pattern is likely to quantify: letters, digits, spaces, marks, scripts. */
const PUMP_UNITS = ['a', 'A', '0', ' ', '\t', '\n', '.', "'", '-', 'é', 'ж', '中', '😀', '\u2581', 'ab', 'a '];
/** What follows a run to make the match fail at its end and the engine backtrack. */
const BREAKERS = ['!', 'x', ''];

/** Literal characters and two-character units a pattern names, so its own runs are tried too. */
function patternUnits(pattern: string): string[] {
  const chars: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const n = pattern[++i];
      if (n !== undefined && /[^A-Za-z0-9]/.test(n)) chars.push(n); // \. \- \( are literals; \s \d are classes the pumps cover
      continue;
    }
    if (/[\p{L}\p{N}\p{P}\p{S}\s]/u.test(c) && !'()[]{}|*+?^$.'.includes(c)) chars.push(c);
  }
  const unique = [...new Set(chars)].slice(0, 12);
  const pairs = unique.slice(0, 4).flatMap((a, i) => unique.slice(i + 1, 5).map((b) => a + b));
  return [...unique, ...pairs];
}

/** A run of `unit` of about RUN_LENGTH characters, then `breaker`. */
function run(unit: string, breaker: string): string {
  return unit.repeat(Math.ceil(RUN_LENGTH / unit.length)) + breaker;
}

/** Ordinary text in several scripts, with the spacing real corpora have. */
export const SAMPLE_TEXTS = [
  'The cat sat on the mat. "Is it?" she asked — it\'s 3.14, or 42%.',
  'Þetta er íslenska, ekki satt? Föroyskt og svenska: åäö ÅÄÖ ðþæ.',
  'Русский текст, ελληνικά, עברית, العربية, हिन्दी, 日本語のテキスト, 한국어 문장.',
  'emoji 😀👍🏽 and symbols ∑∫√ → ← © ® ™ … \u00a0nbsp\u200bzero-width',
  'tabs\tand\t\ttabs, lines\nand\r\nbreaks\n\n\n   indented   spaces      many',
  'numbers 0123456789 1,000,000.00 1e-9 0x1F #hash @at $dollar ^caret ~tilde `tick`',
];

export type ProbeStep =
  | { kind: 'regex'; entry: number; text: string }
  | { kind: 'encode'; text: string };

export interface ProbePlan {
  regexes: RegexEntry[];
  steps: ProbeStep[];
}

/**
 * The steps of a probe: every located regex alone on adversarial runs (its own literal units and
 * the common pumps, each followed by every breaker), then the whole tokenizer on the samples and
 * on one run per pump.
 */
export function probePlan(json: Json): ProbePlan {
  const regexes = locateRegexes(json);
  const steps: ProbeStep[] = [];
  regexes.forEach((r, entry) => {
    const units = [...new Set([...patternUnits(r.pattern), ...PUMP_UNITS])];
    for (const unit of units) for (const b of BREAKERS) steps.push({ kind: 'regex', entry, text: run(unit, b) });
  });
  for (const text of SAMPLE_TEXTS) steps.push({ kind: 'encode', text });
  for (const unit of PUMP_UNITS) steps.push({ kind: 'encode', text: run(unit, '!') });
  return { regexes, steps };
}

/** Runs probe steps against one library tokenizer and the plan's regex components. */
export class ProbeRunner {
  private components = new Map<number, (text: string) => unknown>();

  constructor(private readonly lib: LibraryTokenizer, private readonly plan: ProbePlan) {}

  run(step: ProbeStep): void {
    if (step.kind === 'encode') {
      this.lib.encode(step.text, { add_special_tokens: false });
      return;
    }
    this.component(step.entry)(step.text);
  }

  /** The component alone, built by the library's own class, so its regex compiles as in the tokenizer. */
  private component(entry: number): (text: string) => unknown {
    let f = this.components.get(entry);
    if (!f) {
      const { node, path } = this.plan.regexes[entry];
      if (node.type === 'Split') {
        const c = new SplitPreTokenizer(node as never);
        f = (t) => c.pre_tokenize_text(t);
      } else if (path.startsWith('normalizer')) {
        const c = new ReplaceNormalizer(node as never);
        f = (t) => c.normalize(t);
      } else {
        const c = new ReplacePreTokenizer(node as never);
        f = (t) => c.pre_tokenize_text(t);
      }
      this.components.set(entry, f);
    }
    return f;
  }
}

/** A text for a message: its length and how it starts and ends. */
export function describeText(text: string): string {
  const cps = [...text];
  const head = cps.slice(0, 6).join('');
  const tail = cps.length > 8 ? cps.slice(-2).join('') : '';
  return `${cps.length} characters, ${JSON.stringify(head)}${tail ? `…${JSON.stringify(tail)}` : ''}`;
}

/** The refusal when step `index` (-1: building the tokenizer) ran past its budget. */
export function timeoutMessage(plan: ProbePlan, index: number, budgetMs: number): string {
  const limit = `${Math.round(budgetMs)} ms`;
  if (index < 0) return `tokenizer.json took more than ${limit} to load in the tokenizer library; the studio refuses it`;
  const step = plan.steps[index];
  if (step.kind === 'regex') {
    const r = plan.regexes[step.entry];
    return `tokenizer.json ${r.path}.pattern.Regex ${JSON.stringify(r.pattern)} took more than ${limit} on a text of ${describeText(step.text)} (the limit grows with the text: ${STEP_FLOOR_MS} ms + ${PER_CHAR_MS} ms per character); a pattern that backtracks this much would hang tokenization, so the tokenizer is refused`;
  }
  return `tokenizer.json took more than ${limit} to tokenize a text of ${describeText(step.text)} (the limit grows with the text: ${STEP_FLOOR_MS} ms + ${PER_CHAR_MS} ms per character); the tokenizer is refused`;
}

/** The refusal when step `index` threw. */
export function failureMessage(plan: ProbePlan, index: number, error: string): string {
  if (index < 0) return `tokenizer.json could not be loaded: ${error}`;
  const step = plan.steps[index];
  const where = step.kind === 'regex' ? ` ${plan.regexes[step.entry].path}` : '';
  return `tokenizer.json${where} failed on a text of ${describeText(step.text)}: ${error}`;
}

/**
 * Watches a probe in flight: which step runs, since when, and when it is overdue. `started(i, now)`
 * on each step the worker begins; `overdue(now)` says whether the step has outrun its budget.
 */
export class ProbeWatch {
  private index = -1;
  private since = 0;
  private budget = 0;

  constructor(private readonly plan: ProbePlan, private readonly tokenizerBytes: number) {}

  started(index: number, now: number): void {
    this.index = index;
    this.since = now;
    this.budget = index < 0 ? buildBudgetMs(this.tokenizerBytes) : stepBudgetMs(this.plan.steps[index].text.length);
  }

  /** Absolute time at which the current step is overdue. */
  deadline(): number {
    return this.since + this.budget;
  }

  overdue(now: number): boolean {
    return now >= this.deadline();
  }

  get step(): number {
    return this.index;
  }

  message(): string {
    return timeoutMessage(this.plan, this.index, this.budget);
  }
}

/** Messages between the probe's client and its worker. */
export type ProbeRequest = { files: { tokenizer: string; config?: string } };
export type ProbeEvent =
  | { type: 'step'; index: number }
  | { type: 'failed'; index: number; error: string }
  | { type: 'done'; steps: number; ms: number };

/**
 * The worker's side: builds the library tokenizer and runs every step, announcing each before it
 * starts so that the client knows which one hangs. `build` makes the library tokenizer.
 */
export function serveProbe(req: ProbeRequest, build: (json: Json, cfg: Json) => LibraryTokenizer, post: (e: ProbeEvent) => void, now: () => number): void {
  const t0 = now();
  let index = -1;
  try {
    post({ type: 'step', index });
    const json = JSON.parse(req.files.tokenizer) as Json;
    const cfg = req.files.config === undefined ? {} : (JSON.parse(req.files.config) as Json);
    const plan = probePlan(json);
    const runner = new ProbeRunner(build(json, cfg), plan);
    for (index = 0; index < plan.steps.length; index++) {
      post({ type: 'step', index });
      runner.run(plan.steps[index]);
    }
    post({ type: 'done', steps: plan.steps.length, ms: now() - t0 });
  } catch (e) {
    post({ type: 'failed', index, error: (e as Error).message });
  }
}
