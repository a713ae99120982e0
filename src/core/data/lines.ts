// Line by line reading of text files of any size: a file is read in chunks and each line is
// handed on as soon as it ends, so no caller holds the file's text and an array of its lines at
// once, and nothing grows with the file but what the caller keeps. Lines end at CRLF, LF or CR
// alike (as split(/\r\n|\r|\n/) numbers them), also where a CRLF falls across two chunks.

/** Receives lines in order; `n` is the 1-based line number. */
export interface LineSink {
  line(text: string, n: number): void;
  /** A line longer than the limit was dropped unread (never held whole). */
  tooLong(n: number, limit: number): void;
}

/**
 * Characters a line may hold. A minimal pair or a corpus paragraph is far shorter; a file without
 * line breaks would otherwise be held whole as one line.
 */
export const MAX_LINE_CHARS = 1 << 20;

/** Bytes decoded (or characters split) at a time: a chunk's text is all that is held besides the current line. */
const MAX_CHUNK_BYTES = 1 << 20;

const LF = 10;

export class LineSplitter {
  private carry = '';
  private n = 1;
  /** The previous chunk ended in CR: an LF at the start of the next one belongs to it. */
  private afterCr = false;
  /** The current line passed the limit: its characters are dropped up to its end. */
  private dropping = false;

  constructor(private readonly sink: LineSink, private readonly limit = MAX_LINE_CHARS) {}

  push(chunk: string): void {
    // A chunk of only part of a UTF-8 sequence decodes to nothing; a pending CR must wait on.
    if (chunk === '') return;
    let start = 0;
    if (this.afterCr && chunk.charCodeAt(0) === LF) start = 1;
    this.afterCr = false;
    // The next LF and the next CR, each found by the engine's native search (a loop over every
    // character in JavaScript is several times slower on a 100 MB text).
    let lf = chunk.indexOf('\n', start);
    let cr = chunk.indexOf('\r', start);
    while (lf >= 0 || cr >= 0) {
      let i: number;
      if (cr < 0 || (lf >= 0 && lf < cr)) {
        i = lf;
        this.emit(chunk.slice(start, i));
      } else {
        i = cr;
        this.emit(chunk.slice(start, i));
        if (i + 1 === chunk.length) this.afterCr = true;
        else if (chunk.charCodeAt(i + 1) === LF) i++;
        cr = chunk.indexOf('\r', i + 1);
      }
      start = i + 1;
      if (lf >= 0 && lf < start) lf = chunk.indexOf('\n', start);
    }
    this.keep(chunk.slice(start));
  }

  /** The last line (empty when the text ends in a line break, as split gives it). */
  end(): void {
    this.emit('');
  }

  private keep(part: string): void {
    if (this.dropping) return;
    this.carry += part;
    if (this.carry.length > this.limit) {
      this.dropping = true;
      this.carry = '';
    }
  }

  private emit(last: string): void {
    this.keep(last);
    if (this.dropping) this.sink.tooLong(this.n, this.limit);
    else this.sink.line(this.carry, this.n);
    this.n++;
    this.carry = '';
    this.dropping = false;
  }
}

/**
 * Every line of a text already in memory, without an array of them. A leading BOM is dropped.
 * `progress` gets the characters read so far, every MAX_CHUNK_BYTES of them and at the end.
 */
export function forEachLine(text: string, sink: LineSink, limit = MAX_LINE_CHARS, progress?: (chars: number) => void): void {
  const split = new LineSplitter(sink, limit);
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (!progress) split.push(start ? text.slice(start) : text);
  for (let at = start; progress && at < text.length; at += MAX_CHUNK_BYTES) {
    split.push(text.slice(at, at + MAX_CHUNK_BYTES));
    progress(Math.min(text.length, at + MAX_CHUNK_BYTES));
  }
  split.end();
}

/**
 * Every line of a file, read in the chunks its stream gives (at most 1 MB each), decoded as
 * UTF-8 as File.text() does (a leading BOM dropped, bad bytes as U+FFFD). `progress` gets the bytes
 * read so far after each chunk; after each chunk the event loop runs a task, so a page paints.
 */
export async function readLines(file: Pick<Blob, 'stream'>, sink: LineSink, progress?: (bytes: number) => void, limit = MAX_LINE_CHARS): Promise<void> {
  const reader = file.stream().getReader();
  const decoder = new TextDecoder();
  const split = new LineSplitter(sink, limit);
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      // Browsers hand a File out in about 64 KB; a Blob made from one string may come whole.
      for (let at = 0; at < value.byteLength; at += MAX_CHUNK_BYTES) {
        const part = value.subarray(at, at + MAX_CHUNK_BYTES);
        bytes += part.byteLength;
        split.push(decoder.decode(part, { stream: true }));
        progress?.(bytes);
        // A task boundary: a stream's chunks may all be ready at once, and without one the page
        // would paint neither the progress nor anything else until the last of them.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
  } finally {
    reader.releaseLock();
  }
  split.push(decoder.decode());
  split.end();
}
