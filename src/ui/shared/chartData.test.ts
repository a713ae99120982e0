import { describe, expect, it } from 'vitest';
import { chartFileName, chartRows, csvText, emaSmooth, logDomain, logTicks, offsetPoints, plotSeries, seriesCsv, xRange, zoomSeries, type ChartSeries } from './chartData';

const series = (points: [number, number][], extra: Partial<ChartSeries> = {}): ChartSeries => ({
  id: 'a', name: 'loss', color: '#000', points: points.map(([step, y]) => ({ step, tokens: step * 100, flops: step * 1e6, elapsed: step / 2, y })), ...extra,
});

describe('emaSmooth', () => {
  it('is the identity at weight 0', () => {
    expect(emaSmooth([3, 1, 2], 0)).toEqual([3, 1, 2]);
  });

  it('is debiased: the first value is kept, not pulled towards 0', () => {
    const s = emaSmooth([4, 4, 4], 0.9);
    for (const v of s) expect(v).toBeCloseTo(4, 12);
  });

  it('matches TensorBoard: last = w*last + (1-w)*v, divided by 1 - w^n', () => {
    const w = 0.6;
    const s = emaSmooth([1, 3], w);
    expect(s[0]).toBeCloseTo(1, 12);
    const last = (1 - w) * 1 * w + (1 - w) * 3;
    expect(s[1]).toBeCloseTo(last / (1 - w * w), 12);
  });

  it('leaves non-finite values out of the average', () => {
    const s = emaSmooth([2, NaN, 2], 0.5);
    expect(s[0]).toBeCloseTo(2);
    expect(Number.isNaN(s[1])).toBe(true);
    expect(s[2]).toBeCloseTo(2);
  });

  it('smooths a sparse series over its own points', () => {
    const sparse = plotSeries(series([[0, 10], [50, 2]], { sparse: true }), 'step', 0.5);
    expect(sparse.points.map((p) => p.smoothed)).toEqual(emaSmooth([10, 2], 0.5));
  });
});

describe('plotSeries and zoom', () => {
  it('puts each point at its x on the chosen axis; time is elapsed seconds', () => {
    const s = series([[1, 5], [2, 4]]);
    expect(plotSeries(s, 'tokens', 0).points.map((p) => p.x)).toEqual([100, 200]);
    expect(plotSeries(s, 'time', 0).points.map((p) => p.x)).toEqual([0.5, 1]);
  });

  it('leaves out points without that x (reports record no time)', () => {
    const s: ChartSeries = { id: 'r', name: 'r', color: '#000', points: [{ step: 1, tokens: 1, flops: 1, y: 1 }] };
    expect(plotSeries(s, 'time', 0).points).toEqual([]);
  });

  it('zooms to the picked range, either drag direction', () => {
    const p = [plotSeries(series([[1, 1], [2, 2], [3, 3], [4, 4]]), 'step', 0)];
    expect(zoomSeries(p, xRange(3, 2))[0].points.map((q) => q.x)).toEqual([2, 3]);
    expect(xRange(2, 2)).toBeUndefined();
    expect(zoomSeries(p, undefined)).toBe(p);
  });

  it('merges series into one row per x, in x order', () => {
    const a = plotSeries(series([[2, 1], [1, 2]]), 'step', 0);
    const b = plotSeries(series([[2, 7]], { id: 'b' }), 'step', 0);
    expect(chartRows([a, b])).toEqual([{ x: 1, raw0: 2, smooth0: 2 }, { x: 2, raw0: 1, smooth0: 1, raw1: 7, smooth1: 7 }]);
  });
});

describe('logDomain', () => {
  it('refuses values at or below 0 and says why', () => {
    const d = logDomain([0.5, -0.1]);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toMatch(/above 0.*-0.1/);
  });

  it('pads the range and gives ticks inside it', () => {
    const d = logDomain([2, 8]);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.domain[0]).toBeLessThan(2);
    expect(d.domain[1]).toBeGreaterThan(8);
    for (const t of d.ticks) expect(t >= d.domain[0] && t <= d.domain[1]).toBe(true);
  });

  it('uses 1-2-5 ticks when they fit, geometric ones otherwise', () => {
    expect(logTicks(0.9, 60)).toEqual([1, 2, 5, 10, 20, 50]);
    const narrow = logTicks(3.1, 3.9);
    expect(narrow).toHaveLength(5);
    expect(narrow[0]).toBeGreaterThan(3.1);
    expect(narrow[4]).toBeLessThan(3.9);
  });
});

describe('CSV', () => {
  it('quotes fields with commas and quotes, and leaves missing values empty', () => {
    expect(csvText(['a', 'b'], [['x,y', 'say "hi"'], [undefined, NaN]])).toBe('a,b\n"x,y","say ""hi"""\n,\n');
  });

  it('has a header and one row per plotted point, with every x column', () => {
    const p = plotSeries(series([[1, 4], [2, 2]], { name: 'English, Brown' }), 'step', 0.5);
    const lines = seriesCsv([p], 'loss').trim().split('\n');
    expect(lines[0]).toBe('series,step,tokens,flops,elapsed_s,loss,loss_smoothed');
    expect(lines).toHaveLength(3);
    expect(lines[2].startsWith('"English, Brown",')).toBe(true);
    expect(lines[2].slice('"English, Brown",'.length).split(',').slice(0, 5)).toEqual(['2', '200', '2000000', '1', '2']);
  });
});

describe('offsetPoints', () => {
  it('continues a parent run: every x shifted by its last point', () => {
    const [p] = offsetPoints([{ step: 5, tokens: 10, flops: 20, elapsed: 1, y: 3 }], { step: 100, tokens: 1000, flops: 2000, elapsed: 60 });
    expect(p).toEqual({ step: 105, tokens: 1010, flops: 2020, elapsed: 61, y: 3 });
  });
});

describe('chartFileName', () => {
  it('names the run, the chart and the day', () => {
    expect(chartFileName('Tiny ×2 (Íslenska)', 'validation loss', '2026-05-01T10:00:00Z', 'csv')).toBe('tiny-x2-islenska-validation-loss-2026-05-01.csv');
    expect(chartFileName(undefined, 'sign interference', '2026-05-01T10:00:00Z', 'png')).toBe('sign-interference-2026-05-01.png');
  });
});
