import { describe, expect, it } from 'vitest';
import type { MetricPoint, TrainSettings } from '../../core/train/settings';
import { TRAIN_SETTINGS } from '../../core/train/settings';
import type { RunView } from '../../state/store';
import { cellText, filterRuns, nextSort, RUN_COLUMNS, sortRuns } from './runsTable';
import { continuedOffset, parentRun, producingRuns, runSeries } from './CompareSeries';

const point = (step: number, loss: number | null, extra: Partial<MetricPoint> = {}): MetricPoint => ({ step, tokens: step * 64, flops: step * 1e6, loss, lr: 0, gradNorm: 0, elapsed: step * 0.5, numTensors: 0, ...extra });

function run(id: string, name: string, settings: Partial<TrainSettings>, metrics: MetricPoint[], extra: Partial<RunView['record']> = {}): RunView {
  const s = { from: 'ck-base', name, data: [{ corpus: 'eng-brown', weight: 1 }], steps: 10, batchSize: 8, seqLen: 32, lr: 0.003, warmupSteps: 0, schedule: 'wsd', decayFraction: 0.2, weightDecay: 0.01, beta1: 0.9, beta2: 0.95, clip: 1, seed: 0, evalEvery: 0, watch: ['eng-brown'], evalTokens: 4096, evalSuites: [], evalPairs: 256, checkpointEvery: 0, ...settings } as TrainSettings;
  return { record: { id, createdAt: `2026-05-0${id.length}T00:00:00Z`, settings: s, status: 'completed', metrics, ...extra }, status: 'completed', metrics, version: 1 };
}

const ctx = { checkpointName: (id: string) => (id === 'ck-base' ? 'tiny base' : undefined) };
const a = run('a', 'alpha', { lr: 0.01 }, [point(0, null), point(10, 2.5)], { resultId: 'ck-a' });
const b = run('bb', 'beta', { lr: 0.001, from: 'ck-a', adapt: { target: 'isl', replay: 0.25, replayCorpus: 'eng-brown', budget: { kind: 'steps', value: 4 }, flopsPerStep: 1e6 } }, [point(0, null, { valid: { isl: 4 } }), point(4, 3.1, { valid: { isl: 3 } })]);
const c = run('ccc', 'gamma', { lr: 0.003 }, [point(5, 1.9)]);

describe('runs table columns', () => {
  it('has status, steps, final loss, duration and a column for every training setting', () => {
    const ids = RUN_COLUMNS.map((col) => col.id);
    expect(ids.slice(0, 4)).toEqual(['status', 'done', 'finalLoss', 'duration']);
    for (const s of TRAIN_SETTINGS) if (s.name !== 'name') expect(ids).toContain(s.name);
    expect(ids).toEqual(expect.arrayContaining(['adapt.target', 'adapt.replay', 'adapt.replayCorpus', 'adapt.budget']));
  });

  it('reads final loss from the last step with a loss, duration from wall time, from as the checkpoint name', () => {
    const col = (id: string) => RUN_COLUMNS.find((x) => x.id === id)!;
    expect(col('finalLoss').value(a, ctx)).toBe(2.5);
    expect(cellText(col('duration'), col('duration').value(a, ctx))).toBe('5s');
    expect(col('from').value(a, ctx)).toBe('tiny base');
    expect(col('from').value(b, ctx)).toBe('ck-a');
    expect(col('data').value(a, ctx)).toBe('eng-brown ×1');
    expect(col('adapt.replay').value(b, ctx)).toBe(0.25);
    expect(col('adapt.replay').value(a, ctx)).toBeUndefined();
  });
});

describe('sort and filter', () => {
  it('sorts numbers as numbers both ways, empty cells last', () => {
    expect(sortRuns([a, b, c], { column: 'lr', direction: 'ascending' }, ctx).map((v) => v.record.settings.name)).toEqual(['beta', 'gamma', 'alpha']);
    expect(sortRuns([a, b, c], { column: 'lr', direction: 'descending' }, ctx).map((v) => v.record.settings.name)).toEqual(['alpha', 'gamma', 'beta']);
    expect(sortRuns([a, b, c], { column: 'adapt.replay', direction: 'descending' }, ctx)[0]).toBe(b);
    expect(sortRuns([b, a, c], { column: 'adapt.replay', direction: 'ascending' }, ctx)[0]).toBe(b);
    expect(sortRuns([c, a, b], { column: 'name', direction: 'ascending' }, ctx).map((v) => v.record.settings.name)).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('filters on every word, in any cell as shown, ignoring case', () => {
    expect(filterRuns([a, b, c], 'ISL', ctx)).toEqual([b]);
    expect(filterRuns([a, b, c], 'tiny 0.003', ctx)).toEqual([c]);
    expect(filterRuns([a, b, c], '  ', ctx)).toHaveLength(3);
    expect(filterRuns([a, b, c], 'nothing-like-this', ctx)).toEqual([]);
  });

  it('flips the direction on the same header, starts ascending on a new one', () => {
    expect(nextSort({ column: 'lr', direction: 'ascending' }, 'lr')).toEqual({ column: 'lr', direction: 'descending' });
    expect(nextSort({ column: 'lr', direction: 'descending' }, 'seed')).toEqual({ column: 'seed', direction: 'ascending' });
  });
});

describe('a child run continues its parent axis', () => {
  it('finds the parent as the run that produced the checkpoint the child started from', () => {
    const runs = { a, bb: b, ccc: c };
    const byResult = producingRuns(runs, []);
    expect(parentRun(b, runs, byResult)).toBe(a);
    expect(parentRun(a, runs, byResult)).toBeUndefined();
    // The page's run views may not carry the result id: the checkpoint's training record names its run.
    const noResult = { ...runs, a: { ...a, record: { ...a.record, resultId: undefined } } };
    expect(parentRun(b, noResult, producingRuns(noResult, [{ id: 'ck-a', training: { runId: 'a' } as never }]))?.record.id).toBe('a');
  });

  it('offsets by the sum of the ancestors\' last step, tokens, FLOPs and time', () => {
    const grand = run('dddd', 'delta', { from: 'ck-b' }, [point(2, 1)]);
    const runs = { a, bb: { ...b, record: { ...b.record, resultId: 'ck-b' } }, dddd: grand };
    const producedBy = producingRuns(runs, []);
    expect(continuedOffset(grand, runs, producedBy)).toEqual({ step: 14, tokens: 14 * 64, flops: 14e6, elapsed: 7 });
    expect(continuedOffset(a, runs, producedBy)).toEqual({ step: 0, tokens: 0, flops: 0, elapsed: 0 });
  });

  it('gives every x column of each point, accuracy in percent', () => {
    expect(runSeries(b, 'valid:isl')).toEqual([{ step: 0, tokens: 0, flops: 0, elapsed: 0, y: 4 }, { step: 4, tokens: 256, flops: 4e6, elapsed: 2, y: 3 }]);
    expect(runSeries(a, 'loss').map((p) => p.y)).toEqual([2.5]);
  });
});
