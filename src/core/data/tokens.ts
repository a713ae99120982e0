// A corpus split as the model sees it: token ids of its lines joined by newlines, with the
// offset where each line starts. Training windows and evaluation windows start at line starts,
// right after BOS, so the model learns what follows BOS as the minimal-pair scoring uses it.
import type { Tokenizer } from '../tokenizer/tokenizer';

export interface TokenizedText {
  ids: Uint8Array | Uint16Array | Int32Array;
  lineStarts: Int32Array;
}

/** Tokenizes newline-separated text (one sentence or paragraph a line); the text wraps around. */
export function tokenizeLines(tokenizer: Tokenizer, text: string): TokenizedText {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const newline = tokenizer.encode('\n');
  const chunks: number[][] = [];
  const starts: number[] = [];
  let total = 0;
  for (const line of lines) {
    const ids = tokenizer.encode(line);
    starts.push(total);
    chunks.push(ids, newline);
    total += ids.length + newline.length;
  }
  const ids = tokenizer.vocabSize <= 256 ? new Uint8Array(total) : tokenizer.vocabSize <= 65536 ? new Uint16Array(total) : new Int32Array(total);
  let o = 0;
  for (const c of chunks) {
    ids.set(c, o);
    o += c.length;
  }
  return { ids, lineStarts: Int32Array.from(starts) };
}

/** As tokenizeLines, but byte-level text goes straight from UTF-8 without a number[] per line. */
export function tokenizeBytes(bytes: Uint8Array): TokenizedText {
  const starts: number[] = [];
  let lineStart = true;
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 10) {
      if (!lineStart) out.push(10);
      lineStart = true;
      continue;
    }
    if (lineStart) starts.push(out.length);
    lineStart = false;
    out.push(b);
  }
  if (!lineStart) out.push(10);
  return { ids: Uint8Array.from(out), lineStarts: Int32Array.from(starts) };
}

export interface Batch {
  /** (B, T) row-major: BOS then the first T-1 tokens of each window. */
  inputs: Int32Array;
  /** (B, T): the T tokens of each window, so targets[t] follows inputs[..t]. */
  targets: Int32Array;
  /** (B, T): 1 where the target counts in the loss. */
  mask: Float32Array;
  batchSize: number;
  seqLen: number;
}

/** Writes the window of `seqLen` tokens starting at `start` (wrapping) into row `row`. */
export function fillWindow(text: TokenizedText, start: number, bos: number, batch: Batch, row: number): void {
  const { ids } = text;
  const T = batch.seqLen;
  const o = row * T;
  batch.inputs[o] = bos;
  for (let t = 0; t < T; t++) {
    const tok = ids[(start + t) % ids.length];
    batch.targets[o + t] = tok;
    if (t + 1 < T) batch.inputs[o + t + 1] = tok;
    batch.mask[o + t] = 1;
  }
}

export function emptyBatch(batchSize: number, seqLen: number): Batch {
  const n = batchSize * seqLen;
  return { inputs: new Int32Array(n), targets: new Int32Array(n), mask: new Float32Array(n), batchSize, seqLen };
}

/** How many windows evaluationWindows takes: maxTokens' worth, at least one, at most the text's. */
export function evaluationWindowCount(text: TokenizedText, seqLen: number, maxTokens: number): number {
  return Math.max(1, Math.min(Math.floor(maxTokens / seqLen), Math.ceil(text.ids.length / seqLen)));
}

/**
 * Deterministic evaluation windows: `count` windows spread evenly over the text, each snapped to
 * the next line start, so the same model always gets the same validation number.
 */
export function evaluationWindows(text: TokenizedText, seqLen: number, maxTokens: number, bos: number): Batch {
  const count = evaluationWindowCount(text, seqLen, maxTokens);
  const batch = emptyBatch(count, seqLen);
  const starts = text.lineStarts;
  let li = 0;
  for (let w = 0; w < count; w++) {
    const pos = Math.floor((w * text.ids.length) / count);
    while (li < starts.length - 1 && starts[li] < pos) li++;
    fillWindow(text, starts.length ? starts[li] : 0, bos, batch, w);
    // A text shorter than one window would wrap onto itself; only its own tokens count once.
    if (text.ids.length < seqLen) for (let t = text.ids.length; t < seqLen; t++) batch.mask[w * seqLen + t] = 0;
  }
  return batch;
}
