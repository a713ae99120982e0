// Evaluation results as the studio keeps and exports them: per checkpoint and suite the macro
// accuracy with its paradigms, per checkpoint and language the validation loss and perplexity.
// CSV is long ("tidy") format, one value a row, so it loads straight into pandas or R.
import type { ParadigmScore } from './minimalPairs';
import type { SuiteInfo } from './suites/types';

export interface SuiteResultRow {
  checkpoint: string;
  suite: string;
  language: string;
  accuracy: number;
  pairAccuracy: number;
  pairs: number;
  paradigms: ParadigmScore[];
}

export interface ValidationRow {
  checkpoint: string;
  language: string;
  corpus: string;
  loss: number;
  perplexity: number;
}

export interface EvaluationResult {
  id: string;
  createdAt: string;
  checkpoints: { id: string; name: string }[];
  suites: SuiteInfo[];
  rows: SuiteResultRow[];
  validation: ValidationRow[];
}

/** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. */
export function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function evaluationCsv(r: EvaluationResult): string {
  const name = new Map(r.checkpoints.map((c) => [c.id, c.name]));
  const out = [['checkpoint_id', 'checkpoint_name', 'suite', 'language', 'paradigm', 'metric', 'value', 'correct', 'total']];
  for (const row of r.rows) {
    out.push([row.checkpoint, name.get(row.checkpoint) ?? '', row.suite, row.language, '', 'accuracy_macro', String(row.accuracy), '', String(row.pairs)]);
    for (const p of row.paradigms) out.push([row.checkpoint, name.get(row.checkpoint) ?? '', row.suite, row.language, p.paradigm, 'accuracy', String(p.accuracy), String(p.correct), String(p.total)]);
  }
  for (const v of r.validation) {
    out.push([v.checkpoint, name.get(v.checkpoint) ?? '', v.corpus, v.language, '', 'valid_loss', String(v.loss), '', '']);
    out.push([v.checkpoint, name.get(v.checkpoint) ?? '', v.corpus, v.language, '', 'perplexity', String(v.perplexity), '', '']);
  }
  return out.map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

/**
 * One checkpoint's macro accuracy per language: the mean of the accuracies of that language's
 * suites, in the order the language's first row appears; a language with no row is absent.
 */
export function languageAccuracy(r: Pick<EvaluationResult, 'rows'>, checkpoint: string): Map<string, number> {
  const by = new Map<string, number[]>();
  for (const x of r.rows) {
    if (x.checkpoint !== checkpoint) continue;
    const xs = by.get(x.language);
    if (xs) xs.push(x.accuracy);
    else by.set(x.language, [x.accuracy]);
  }
  return new Map([...by].map(([language, xs]) => [language, xs.reduce((a, v) => a + v, 0) / xs.length]));
}

/** Checkpoints x languages matrix of macro accuracy (mean over a language's suites). */
export function accuracyMatrix(r: EvaluationResult): { languages: string[]; cells: Record<string, Record<string, number>> } {
  const languages = [...new Set(r.rows.map((x) => x.language))].sort();
  const cells: Record<string, Record<string, number>> = {};
  for (const c of r.checkpoints) {
    const acc = languageAccuracy(r, c.id);
    cells[c.id] = Object.fromEntries(languages.filter((l) => acc.has(l)).map((l) => [l, acc.get(l)!]));
  }
  return { languages, cells };
}
