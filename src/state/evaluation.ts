// Evaluation actions behind window.studio: list, import and delete minimal-pair suites; evaluate
// checkpoints on suites (batched scoring in the engine, progress in the store) by the rule of
// lm-eval's own task for each suite's format, with per-language validation loss; export results
// as CSV or JSON. Results are saved with per-pair verdicts, so they survive a reload and two
// checkpoints can be compared on the same pairs later.
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import { newId } from '../core/checkpoint/manifest';
import type { CorpusInfo } from '../core/data/corpusSplit';
import { ENGLISH_CORPUS } from '../core/data/corpusIds';
import { defaultRule, isPairRule, PAIR_RULES, type PairRule, ruleTexts, samplePairs, scorePairs } from '../core/eval/minimalPairs';
import { needsWindows } from '../core/eval/score';
import { type EvaluationResult, evaluationCsv, pairSetOf, type SuiteResultRow, type ValidationRow } from '../core/eval/report';
import { forEachLine, MAX_LINE_CHARS, readLines } from '../core/data/lines';
import { describeLoadErrors, type LoadError, MAX_LOAD_ERRORS, type SuiteFormat, suiteReader } from '../core/eval/suites/loaders';
import { type MinimalPair, type Suite, type SuiteInfo, suiteInfo } from '../core/eval/suites/types';
import { isImported, type SuiteLibrary } from './suiteLibrary';
import type { EngineCache, Services } from './services';
import { StorageFullError } from '../storage/kv';
import { checkSetting, specOf } from '../core/params';
import { EVALUATION_SETTINGS } from '../core/eval/settings';
import { useStudio } from './store';

export type { SuiteFormat };

/** A suite file: a File (read as it streams, never whole) or a name and its text. */
export type SuiteFile = File | { name: string; text: string };

/** How much of the suite's files is read, of all of them: bytes of a File, characters of a text; `file` is the one being read. */
export interface SuiteImportProgress {
  done: number;
  total: number;
  file: string;
}

export interface ImportSuiteOptions {
  /** ISO 639-3 code; default: read from the files (MultiBLiMP) or English (BLiMP). */
  language?: string;
  /** Called after every chunk read (about 64 KB) and once at the end. */
  onProgress?: (p: SuiteImportProgress) => void;
}

export interface ImportSuiteResult {
  id: string;
  pairs: number;
  /** The first MAX_LOAD_ERRORS (100) problems of all files, as file:line and a message. */
  errors: LoadError[];
  /** Every problem, also those `errors` does not list. */
  errorCount: number;
}

export interface EvaluateOptions {
  checkpoints: string[];
  suites: string[];
  /** Also measure validation loss and perplexity per language (default true). */
  validation?: boolean;
  /** At most this many pairs per suite, spread over its paradigms (default: all). */
  maxPairs?: number;
  /** Validation tokens per checkpoint and language (default 4096). */
  validationTokens?: number;
  /**
   * Score every suite by this rule instead of the rule of lm-eval's task for its format
   * ('lm-eval blimp' for BLiMP files and the built-in suites, 'lm-eval multiblimp' for MultiBLiMP).
   */
  rule?: PairRule;
}

export interface EvaluationActions {
  suites(): Promise<SuiteInfo[]>;
  importSuite(name: string, files: string | SuiteFile[], format: SuiteFormat, options?: ImportSuiteOptions): Promise<ImportSuiteResult>;
  deleteSuite(id: string): Promise<void>;
  evaluate(options: EvaluateOptions): Promise<EvaluationResult>;
  evaluations(): Promise<EvaluationResult[]>;
  exportEvaluation(id: string, format: 'csv' | 'json'): Promise<string>;
}

/** Texts per engine call: few round trips, yet the progress bar moves. */
const SCORE_CHUNK = 512;

/** The corpus whose validation split stands for a language: English is Brown, others UDHR. */
export function corpusForLanguage(language: string, corpora: CorpusInfo[]): CorpusInfo | undefined {
  if (language === 'eng') return corpora.find((c) => c.id === ENGLISH_CORPUS);
  const same = corpora.filter((c) => c.language === language);
  return same.find((c) => c.featured && c.source !== 'user') ?? same.find((c) => c.source !== 'user') ?? same[0];
}

export function createEvaluationActions(s: Services, cache: EngineCache, lib: SuiteLibrary, manifest: (id: unknown) => Promise<CheckpointManifest>, ready: Promise<void>): EvaluationActions & { reloadEvaluations(): Promise<void> } {
  async function reloadEvaluations(): Promise<void> {
    useStudio.setState({ evaluations: await s.evaluations.list() });
  }
  const loaded = (async () => {
    await lib.loaded;
    await reloadEvaluations();
  })();

  async function scoreAll(modelId: string, texts: string[], progress: (n: number) => void): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < texts.length; i += SCORE_CHUNK) {
      for (const x of await s.engine.call('scoreTexts', { modelId, texts: texts.slice(i, i + SCORE_CHUNK) })) out.push(x);
      progress(Math.min(SCORE_CHUNK, texts.length - i));
    }
    return out;
  }

  return {
    reloadEvaluations,
    async suites() {
      await Promise.all([ready, loaded]);
      return useStudio.getState().suites;
    },

    async importSuite(name, files, format, options = {}) {
      await loaded;
      if (typeof name !== 'string' || !name.trim()) throw new Error('name must be a non-empty string');
      if (format !== 'blimp' && format !== 'multiblimp') throw new Error(`format must be 'blimp' (JSON Lines) or 'multiblimp' (tab-separated), got ${JSON.stringify(format)}`);
      if (typeof options !== 'object' || options === null) throw new Error(`options must be an object {language?, onProgress?}, got ${JSON.stringify(options)}`);
      const { onProgress } = options;
      if (onProgress !== undefined && typeof onProgress !== 'function') throw new Error('options.onProgress must be a function ({done, total, file}) => void');
      const list = typeof files === 'string' ? [{ name: `${name}.${format === 'blimp' ? 'jsonl' : 'tsv'}`, text: files }] : files;
      if (!Array.isArray(list) || list.length === 0 || list.some((f) => typeof f?.name !== 'string' || !(f instanceof Blob || typeof (f as { text?: unknown }).text === 'string'))) {
        throw new Error('files must be the file text, or a non-empty list of Files or {name, text}');
      }
      // A File is read as it streams; text already in memory is split where it lies.
      const size = (f: SuiteFile) => (f instanceof Blob ? f.size : f.text.length);
      const total = list.reduce((a, f) => a + size(f), 0);
      const pairs: MinimalPair[] = [];
      const errors: LoadError[] = [];
      let errorCount = 0;
      let language = options.language;
      let before = 0;
      for (const f of list) {
        const reader = suiteReader(format, f.name);
        const progress = onProgress && ((n: number) => onProgress({ done: before + n, total, file: f.name }));
        if (f instanceof Blob) await readLines(f, reader, progress);
        else forEachLine(f.text, reader, MAX_LINE_CHARS, progress);
        before += size(f);
        const r = reader.result();
        // Appended one by one: a spread of 150,000 pairs exceeds the engine's argument limit.
        for (const p of r.pairs) pairs.push(p);
        for (const e of r.errors) if (errors.length < MAX_LOAD_ERRORS) errors.push(e);
        errorCount += r.errorCount;
        language ??= r.language;
      }
      onProgress?.({ done: total, total, file: list[list.length - 1].name });
      language ??= format === 'blimp' ? 'eng' : undefined;
      if (!language || !/^[a-z]{3}$/.test(language)) throw new Error(`language must be an ISO 639-3 code (three lowercase letters); none was given or found in the files (got ${JSON.stringify(language)})`);
      if (pairs.length === 0) throw new Error(`no pairs could be read: ${describeLoadErrors(errors, errorCount)}`);
      const id = newId('suite');
      const suite: Suite = { ...suiteInfo({ id, name: name.trim(), language, source: format, proxy: false, description: `Imported from ${list.map((f) => f.name).join(', ')}`, pairCount: 0, paradigms: [], pairs }), pairs };
      await s.suites.put(suite);
      await lib.refresh();
      return { id, pairs: pairs.length, errors, errorCount };
    },

    async deleteSuite(id) {
      const info = lib.byId(id);
      if (!isImported(info)) throw new Error(`suite ${id} is built in; only imported suites can be deleted`);
      await s.suites.delete(id);
      await lib.refresh();
    },

    async evaluate(options) {
      await Promise.all([ready, loaded]);
      if (typeof options !== 'object' || options === null) throw new Error('evaluate needs {checkpoints: string[], suites: string[]}');
      const { checkpoints, suites, validation = true, maxPairs, validationTokens = specOf(EVALUATION_SETTINGS, 'validationTokens').default, rule } = options;
      if (rule !== undefined && !isPairRule(rule)) throw new Error(`rule must be one of ${Object.keys(PAIR_RULES).map((r) => JSON.stringify(r)).join(', ')} (or left out for each suite's own), got ${JSON.stringify(rule)}`);
      checkSetting(specOf(EVALUATION_SETTINGS, 'validationTokens'), validationTokens, {});
      if (maxPairs !== undefined) checkSetting(specOf(EVALUATION_SETTINGS, 'maxPairs'), maxPairs, {});
      if (!Array.isArray(checkpoints) || checkpoints.length === 0) throw new Error('checkpoints must be a non-empty list of checkpoint ids');
      if (!Array.isArray(suites) || suites.length === 0) throw new Error('suites must be a non-empty list of suite ids; see studio.suites()');
      const startedAt = Date.now();
      const setProgress = (done: number, total: number, label: string) => useStudio.setState({ evaluationProgress: { done, total, label, startedAt } });
      setProgress(0, 0, 'Loading the models and suites…'); // at once: loading suites and models can take seconds
      let models: CheckpointManifest[], infos: SuiteInfo[], pairSets: MinimalPair[][];
      try {
        models = await Promise.all(checkpoints.map((id) => manifest(id)));
        infos = suites.map((id) => lib.byId(id));
        pairSets = (await Promise.all(infos.map((x) => lib.pairs(x)))).map((p) => (maxPairs ? samplePairs(p, maxPairs) : p));
      } catch (e) {
        useStudio.setState({ evaluationProgress: undefined });
        throw e;
      }
      const rules = infos.map((x) => rule ?? defaultRule(x.source));
      const st = useStudio.getState();
      const languages = [...new Set(infos.map((x) => x.language))];
      const valCorpora = validation ? languages.flatMap((l) => { const c = corpusForLanguage(l, st.corpora); return c ? [{ language: l, corpus: c }] : []; }) : [];
      const total = models.length * (pairSets.reduce((a, p) => a + 2 * p.length, 0) + valCorpora.length);
      let done = 0;
      const progress = (n: number, label: string) => setProgress((done += n), total, label);
      const rows: SuiteResultRow[] = [];
      const valRows: ValidationRow[] = [];
      try {
        for (const m of models) {
          progress(0, `${m.name}: loading the model`);
          await cache.ensureModel(m.id);
          for (let k = 0; k < infos.length; k++) {
            const pairs = pairSets[k];
            const texts = ruleTexts(pairs, rules[k]);
            const scores = await scoreAll(m.id, texts, (n) => progress(n, `${m.name}: ${infos[k].name}`));
            const score = scorePairs(pairs, scores.slice(0, pairs.length), scores.slice(pairs.length), rules[k]);
            const positions = m.config.max_position_embeddings;
            const counts = await s.engine.call('tokenCounts', { modelId: m.id, texts });
            const windowedPairs = pairs.filter((_, i) => needsWindows(Math.max(counts[i], counts[i + pairs.length]), positions)).length;
            rows.push({ checkpoint: m.id, suite: infos[k].id, language: infos[k].language, pairAccuracy: score.overall.value, ...score, windowedPairs, positions });
          }
          for (const { language, corpus } of valCorpora) {
            await cache.ensureCorpus(corpus, false);
            const seqLen = Math.min(128, m.config.max_position_embeddings);
            const loss = await s.engine.call('validationLoss', { modelId: m.id, corpusId: corpus.id, seqLen, maxTokens: validationTokens });
            valRows.push({ checkpoint: m.id, language, corpus: corpus.id, loss, perplexity: Math.exp(loss) });
            progress(1, `${m.name}: validation ${corpus.id}`);
          }
        }
      } finally {
        useStudio.setState({ evaluationProgress: undefined });
      }
      const result: EvaluationResult = { id: newId('eval'), createdAt: new Date().toISOString(), checkpoints: models.map((m) => ({ id: m.id, name: m.name })), suites: infos, rows, validation: valRows, pairSets: infos.map((x, k) => pairSetOf(x.id, pairSets[k])) };
      // Shown first: if the disk is full the result stays on screen (and exportable) until reload.
      useStudio.setState((x) => ({ evaluations: [result, ...x.evaluations] }));
      try {
        await s.evaluations.put(result);
      } catch (e) {
        if (!(e instanceof StorageFullError)) throw e;
        throw new StorageFullError(`${e.message} The result is shown in the Evaluate panel until you reload; export its CSV or JSON to keep it.`);
      }
      return result;
    },

    async evaluations() {
      await loaded;
      return useStudio.getState().evaluations;
    },

    async exportEvaluation(id, format) {
      await loaded;
      const r = useStudio.getState().evaluations.find((e) => e.id === id);
      if (!r) throw new Error(`no evaluation with id ${JSON.stringify(id)}; see studio.evaluations()`);
      if (format === 'csv') return evaluationCsv(r);
      if (format === 'json') return JSON.stringify(r, null, 2);
      throw new Error(`format must be 'csv' or 'json', got ${JSON.stringify(format)}`);
    },
  };
}
