// The runs table's columns, sort and filter, apart from drawing: status, steps, final loss and
// duration, then every hyperparameter of a run's settings as a column, named as TRAIN_SETTINGS
// and ADAPT_SETTINGS name them (adding a setting adds its column). Pure, tested in runsTable.test.ts.
import { ADAPT_SETTINGS } from '../../core/train/adapt';
import { TRAIN_SETTINGS } from '../../core/train/settings';
import type { RunView } from '../../state/store';
import { formatDuration, formatFlops, formatLoss, formatTime } from '../shared/format';

export type Cell = string | number | undefined;

export interface RunsColumn {
  id: string;
  label: string;
  help?: string;
  /** Numbers sort as numbers and sit right-aligned. */
  numeric: boolean;
  value: (v: RunView, ctx: RunsContext) => Cell;
  /** The cell as shown (and as the filter reads it); the value as text unless given. */
  show?: (value: Cell) => string;
}

export interface RunsContext {
  /** A checkpoint's name for its id (runs start from checkpoints). */
  checkpointName: (id: string) => string | undefined;
}

export type SortDirection = 'ascending' | 'descending';

export interface RunsSort {
  column: string;
  direction: SortDirection;
}

const last = (v: RunView) => v.metrics[v.metrics.length - 1];

/** The final training loss: the last step's (the evaluation-only point at step 0 has none). */
function finalLoss(v: RunView): number | undefined {
  for (let i = v.metrics.length - 1; i >= 0; i--) {
    const l = v.metrics[i].loss;
    if (l !== null) return l;
  }
  return undefined;
}

const list = (x: unknown): string => (Array.isArray(x) ? x.join(', ') : '');

const SUMMARY: RunsColumn[] = [
  { id: 'status', label: 'status', numeric: false, value: (v) => (v.elsewhere ? `${v.status} in another tab` : v.status) },
  { id: 'done', label: 'steps done', help: 'optimizer steps taken', numeric: true, value: (v) => last(v)?.step ?? 0 },
  { id: 'finalLoss', label: 'final loss', help: 'training loss of the last step', numeric: true, value: finalLoss, show: (x) => (x === undefined ? '' : formatLoss(x as number)) },
  { id: 'duration', label: 'duration', help: 'wall-clock time of the run so far', numeric: true, value: (v) => last(v)?.elapsed, show: (x) => (x === undefined ? '' : formatDuration(x as number)) },
  { id: 'createdAt', label: 'started', numeric: false, value: (v) => v.record.createdAt, show: (x) => (x === undefined ? '' : formatTime(String(x))) },
];

/** A training setting's cell: numbers as numbers, lists and data mixes as text. */
function settingColumn(spec: (typeof TRAIN_SETTINGS)[number]): RunsColumn {
  const numeric = spec.kind === 'int' || spec.kind === 'number';
  const value = (v: RunView, ctx: RunsContext): Cell => {
    const x = (v.record.settings as unknown as Record<string, unknown>)[spec.name];
    if (spec.kind === 'mix') return (x as { corpus: string; weight: number }[] | undefined)?.map((d) => `${d.corpus} ×${d.weight}`).join(', ');
    if (spec.kind === 'refs') return list(x);
    if (spec.name === 'from') return ctx.checkpointName(String(x)) ?? String(x);
    return typeof x === 'number' || typeof x === 'string' ? x : undefined;
  };
  return { id: spec.name, label: spec.label, help: spec.help, numeric, value };
}

const TRAIN_NAMES = new Set<string>(TRAIN_SETTINGS.map((s) => s.name));

/** Adaptation's own settings (target, replay, replay corpus) and its budget; empty for plain training runs. */
const ADAPT_COLUMNS: RunsColumn[] = [
  ...ADAPT_SETTINGS.filter((s) => !TRAIN_NAMES.has(s.name)).map((s): RunsColumn => ({
    id: `adapt.${s.name}`,
    label: s.label,
    help: s.help,
    numeric: s.kind === 'number',
    value: (v) => {
      const x = (v.record.settings.adapt as unknown as Record<string, unknown> | undefined)?.[s.name];
      return typeof x === 'number' || typeof x === 'string' ? x : undefined;
    },
  })),
  {
    id: 'adapt.budget',
    label: 'budget',
    help: 'adaptation budget as given: steps, tokens or FLOPs',
    numeric: false,
    value: (v) => {
      const b = v.record.settings.adapt?.budget;
      if (!b) return undefined;
      return b.kind === 'flops' ? formatFlops(b.value) : `${b.value} ${b.kind}`;
    },
  },
];

/** Every column after the run's name, in order. */
export const RUN_COLUMNS: RunsColumn[] = [...SUMMARY, ...TRAIN_SETTINGS.filter((s) => s.name !== 'name').map(settingColumn), ...ADAPT_COLUMNS];

export function cellText(column: RunsColumn, value: Cell): string {
  if (column.show) return column.show(value);
  return value === undefined ? '' : String(value);
}

function compareCells(a: Cell, b: Cell): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** Runs sorted by a column (the run's name when the column is 'name'); empty cells last either way. */
export function sortRuns(views: RunView[], sort: RunsSort, ctx: RunsContext): RunView[] {
  const column = RUN_COLUMNS.find((c) => c.id === sort.column);
  const value = (v: RunView): Cell => (column ? column.value(v, ctx) : v.record.settings.name);
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...views].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    const [ex, ey] = [x === undefined || x === '', y === undefined || y === ''];
    if (ex || ey) return ex === ey ? 0 : ex ? 1 : -1;
    return sign * compareCells(x, y);
  });
}

/** Runs whose name or any cell, as shown, holds every word of `text` (case-insensitive). */
export function filterRuns(views: RunView[], text: string, ctx: RunsContext): RunView[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return views;
  return views.filter((v) => {
    const hay = [v.record.settings.name, ...RUN_COLUMNS.map((c) => cellText(c, c.value(v, ctx)))].join('\n').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** Clicking a header: a new column sorts ascending (newest first for the start time), the same column flips. */
export function nextSort(current: RunsSort, column: string): RunsSort {
  if (current.column === column) return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  return { column, direction: column === 'createdAt' ? 'descending' : 'ascending' };
}
