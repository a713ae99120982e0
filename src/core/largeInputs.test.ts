// Input size never reaches a call-stack or argument limit (issue 16, item 5): minimal-pair files of
// 300,000 pairs stream in line by line, 300,000 bad lines give a count and 100 kept errors, a line
// nested thousands deep is refused before anything recurses over it, and a 100 MB corpus of a
// million lines is read in linear time.
import { describe, expect, it } from 'vitest';
import { parseUserCorpus, splitUnits } from './data/corpusSplit';
import { forEachLine, type LineSink, LineSplitter, MAX_LINE_CHARS, readLines } from './data/lines';
import { pairsFingerprint } from './eval/report';
import { describeLoadErrors, jsonNesting, MAX_JSON_DEPTH, MAX_LOAD_ERRORS, parseBlimpJsonl, parseMultiBlimpTsv, suiteReader } from './eval/suites/loaders';
import { hashString } from './rng';
import { blimpJsonl, multiBlimpTsv } from './testing/largeSuites';

const N = 300_000;

/** Lines as a sink sees them, overlong ones as null. */
function collect(): LineSink & { got: [number, string | null][] } {
  const got: [number, string | null][] = [];
  return { got, line: (t, n) => void got.push([n, t]), tooLong: (n) => void got.push([n, null]) };
}

/** A Blob-like stream that hands out `bytes` in chunks of the given sizes, cycling. */
function chunked(bytes: Uint8Array, sizes: number[]): Pick<Blob, 'stream'> {
  return {
    stream: () => {
      let at = 0;
      let k = 0;
      return new ReadableStream<Uint8Array>({
        pull(c) {
          if (at >= bytes.length) return c.close();
          const size = sizes[k++ % sizes.length];
          c.enqueue(bytes.slice(at, at + size));
          at += size;
        },
      }) as ReturnType<Blob['stream']>;
    },
  };
}

describe('line splitting', () => {
  it('numbers lines exactly as split(/\\r\\n|\\r|\\n/) does, whatever the chunks', async () => {
    const text = '\uFEFFa\r\nb\rc\n\nþú\r\r\n€ end\r';
    const expected = text.slice(1).split(/\r\n|\r|\n/).map((t, i) => [i + 1, t]);
    const whole = collect();
    forEachLine(text, whole);
    expect(whole.got).toEqual(expected);
    // Every way of cutting the UTF-8 bytes (a CRLF or a three-byte € across chunks) reads the same.
    for (const sizes of [[1], [2], [3], [1, 4], [5, 1, 2], [64]]) {
      const sink = collect();
      await readLines(chunked(new TextEncoder().encode(text), sizes), sink);
      expect(sink.got, `chunks of ${sizes}`).toEqual(expected);
    }
  });

  it('drops a line past the limit without holding it, and reads on', () => {
    const sink = collect();
    const split = new LineSplitter(sink, 10);
    split.push('short\n0123456');
    split.push('789abcdef and more');
    split.push(' still\nnext');
    split.end();
    expect(sink.got).toEqual([[1, 'short'], [2, null], [3, 'next']]);
  });
});

describe('300,000-pair suites', () => {
  it('a BLiMP file of 300,000 pairs reads whole, from text and from a stream', async () => {
    const text = blimpJsonl(N);
    const r = parseBlimpJsonl('big.jsonl', text);
    expect(r.pairs).toHaveLength(N);
    expect(r.errorCount).toBe(0);
    expect(r.pairs[N - 1]).toEqual({ good: `The cat number ${N - 1} sleeps here.`, bad: `The cat number ${N - 1} sleep here.`, paradigm: `p${(N - 1) % 67}`, extra: { field: 'morphology', pairID: String(N - 1) } });
    const reader = suiteReader('blimp', 'big.jsonl');
    const seen: number[] = [];
    const blob = new Blob([text]);
    await readLines(blob, reader, (b) => seen.push(b));
    expect(reader.result().pairs).toHaveLength(N);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen[seen.length - 1]).toBe(blob.size);
    expect(seen.every((b, i) => i === 0 || b > seen[i - 1])).toBe(true);
    // What the studio derives from a suite's pairs meets no argument limit either.
    expect(pairsFingerprint(r.pairs)).toMatch(/^[0-9a-f]{8}$/);
  });

  it('a MultiBLiMP file of 300,000 pairs (CRLF) reads whole', () => {
    const r = parseMultiBlimpTsv('isl.tsv', multiBlimpTsv(N));
    expect(r.pairs).toHaveLength(N);
    expect(r.errorCount).toBe(0);
    expect(r.language).toBe('isl');
    expect(r.pairs[7]).toEqual({ good: 'Hann 7 er hér.', bad: 'Hann 7 eru hér.', paradigm: 'SV-#', extra: { phenomenon: 'SV-#', lang: 'isl', grammatical_feature: 'SG' } });
  });

  it('300,000 bad lines are counted; 100 are kept and the message names three and the count', () => {
    const r = parseBlimpJsonl('bad.jsonl', '{"sentence_good": broken\n'.repeat(N));
    expect(r.pairs).toEqual([]);
    expect(r.errorCount).toBe(N);
    expect(r.errors).toHaveLength(MAX_LOAD_ERRORS);
    expect(r.errors[99].line).toBe(100);
    const message = describeLoadErrors(r.errors, r.errorCount);
    expect(message).toMatch(/^bad\.jsonl:1 not valid JSON \(.*\); bad\.jsonl:2 .*; bad\.jsonl:3 .*; and 299997 more$/);
    expect(message.length).toBeLessThan(1000);
    const tsv = parseMultiBlimpTsv('x.tsv', 'sen\twrong_sen\n' + 'only one column\n'.repeat(N));
    expect([tsv.errorCount, tsv.errors.length, tsv.errors[0]]).toEqual([N, MAX_LOAD_ERRORS, { file: 'x.tsv', line: 2, message: 'has 1 columns, the header has 2' }]);
  });

  it('a line nested thousands deep is refused before it is parsed; the other pairs can be stored', () => {
    const deep = `{"sentence_good": "a b", "sentence_bad": "b a", "x": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    // Storing the object such a line parses to (IndexedDB's structured clone) recurses per level.
    expect(() => structuredClone(JSON.parse(deep))).toThrow(/call stack/);
    const r = parseBlimpJsonl('deep.jsonl', `{"sentence_good": "x y", "sentence_bad": "y x", "n": [[1]]}\n${deep}\n`);
    expect(r.errors).toEqual([{ file: 'deep.jsonl', line: 2, message: `nests 10001 levels deep; a BLiMP line is an object of sentences and labels, read up to ${MAX_JSON_DEPTH} levels` }]);
    expect(structuredClone(r.pairs)).toHaveLength(1);
    // Brackets inside strings, escaped quotes included, do not count.
    expect(jsonNesting('{"a": "[[[\\"[[[", "b": [1, {"c": 2}]}')).toBe(3);
  });

  it('a line longer than the limit is skipped with its number; a header that long refuses the file', () => {
    const long = 'x'.repeat(MAX_LINE_CHARS + 1);
    const r = parseBlimpJsonl('l.jsonl', `{"sentence_good": "a b", "sentence_bad": "b a"}\n${long}\n`);
    expect([r.pairs.length, r.errors]).toEqual([1, [{ file: 'l.jsonl', line: 2, message: `is longer than ${MAX_LINE_CHARS} characters; a line holds one pair` }]]);
    expect(parseMultiBlimpTsv('h.tsv', `${long}\na\tb\n`).errors).toEqual([{ file: 'h.tsv', line: 1, message: `the header is longer than ${MAX_LINE_CHARS} characters` }]);
  });

  it('the fingerprint is FNV-1a of the joined texts, computed without joining them', () => {
    const pairs = parseBlimpJsonl('f.jsonl', blimpJsonl(50)).pairs;
    const joined = hashString(pairs.map((p) => `${p.good}\u0000${p.bad}`).join('\u0001')).toString(16).padStart(8, '0');
    expect(pairsFingerprint(pairs)).toBe(joined);
    expect(pairsFingerprint([])).toBe(hashString('').toString(16).padStart(8, '0'));
  });
});

describe('a 100 MB user corpus', () => {
  /** `n` lines of about 100 bytes. */
  const corpus = (n: number) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(`Line ${i} of a long corpus, with words enough to fill about a hundred bytes of text per line.`);
    return out.join('\n');
  };
  const timed = (text: string) => {
    const t = performance.now();
    const { lines, errors } = parseUserCorpus('big.txt', text);
    const split = splitUnits(lines);
    return { ms: performance.now() - t, lines: lines.length, errors: errors.length, train: split.train.length, valid: split.valid.length };
  };

  it('reads 1,000,000 lines (100 MB) without a stack error, in time linear in its size', () => {
    const small = timed(corpus(100_000));
    const big = timed(corpus(1_000_000));
    console.log(`parseUserCorpus + splitUnits: 100,000 lines ${small.ms.toFixed(0)} ms, 1,000,000 lines ${big.ms.toFixed(0)} ms`);
    expect(big).toMatchObject({ lines: 1_000_000, errors: 0, train: 900_000, valid: 100_000 });
    // Ten times the lines: about ten times the time; a quadratic step would take a hundred.
    expect(big.ms / small.ms).toBeLessThan(30);
  });
});
