import { describe, expect, it } from 'vitest';
import { escapeXml, formatTick, heatmapSvg, lineChartSvg, niceTicks } from './reportSvg';

/** Every opened element is closed, in order (a small XML well-formedness check). */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    if (self) continue;
    if (close) {
      if (stack.pop() !== name) return false;
    } else stack.push(name);
  }
  return stack.length === 0 && svg.startsWith('<svg') && svg.endsWith('</svg>');
}

const noBadNumbers = (svg: string) => !/NaN|Infinity|undefined/.test(svg);

describe('niceTicks and formatTick', () => {
  it('picks round steps that cover the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.5, 1]);
    expect(niceTicks(0, 10)).toEqual([0, 5, 10]);
    expect(niceTicks(1.87, 5.02)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(niceTicks(0, 1.332e9)).toEqual([0, 5e8, 1e9, 1.5e9]);
    expect(niceTicks(-0.013, 0.042)).toEqual([-0.02, 0, 0.02, 0.04, 0.06]);
  });

  it('writes compact labels', () => {
    expect([0, 0.25, 3, 1500, 1.5e9, 2e12, -0.02].map(formatTick)).toEqual(['0', '0.25', '3', '1.5k', '1.5G', '2T', '-0.02']);
  });
});

describe('lineChartSvg', () => {
  const base = { title: 'Loss <vs> FLOPs & "more"', xLabel: 'FLOPs', yLabel: 'loss' };

  it('draws axes, ticks, a legend and one path per series', () => {
    const svg = lineChartSvg({ ...base, series: [{ name: 'isl x1', points: [{ x: 0, y: 5 }, { x: 1e9, y: 4 }, { x: 2e9, y: 3.5 }] }, { name: 'isl x2', dashed: true, color: '#123456', points: [{ x: 0, y: 5 }, { x: 1.8e9, y: 3.2 }] }] });
    expect(wellFormed(svg)).toBe(true);
    expect(noBadNumbers(svg)).toBe(true);
    expect(svg.match(/<path d="M[\d.]+ [\d.]+L/g)).toHaveLength(2);
    expect(svg).toContain('stroke="#123456" stroke-width="2" stroke-dasharray="6 4"');
    expect(svg).toContain('>2G</text>');
    expect(svg).toContain('>isl x2</text>');
    expect(svg).toContain('<title>Loss &lt;vs&gt; FLOPs &amp; &quot;more&quot;</title>');
    expect(lineChartSvg({ ...base, series: [{ name: 'a', points: [{ x: 1, y: 2 }, { x: 3, y: 4 }] }] })).toBe(lineChartSvg({ ...base, series: [{ name: 'a', points: [{ x: 1, y: 2 }, { x: 3, y: 4 }] }] }));
  });

  it('never writes NaN: no series, an empty series, a single point, non-finite values, a log axis', () => {
    const cases = [
      lineChartSvg({ ...base, series: [] }),
      lineChartSvg({ ...base, series: [{ name: 'empty', points: [] }] }),
      lineChartSvg({ ...base, series: [{ name: 'one', points: [{ x: 0, y: 0 }] }] }),
      lineChartSvg({ ...base, series: [{ name: 'one', points: [{ x: 5, y: 2 }] }] }),
      lineChartSvg({ ...base, series: [{ name: 'bad', points: [{ x: NaN, y: 1 }, { x: 1, y: Infinity }, { x: 2, y: 3 }] }] }),
      lineChartSvg({ ...base, logX: true, series: [{ name: 'log', points: [{ x: 0, y: 1 }, { x: 1e6, y: 2 }, { x: 3e8, y: 1.5 }] }] }),
      lineChartSvg({ ...base, logX: true, series: [{ name: 'log', points: [{ x: 0, y: 1 }] }] }),
    ];
    for (const svg of cases) {
      expect(wellFormed(svg)).toBe(true);
      expect(noBadNumbers(svg)).toBe(true);
    }
    expect(cases[0]).toContain('No data yet');
    expect(cases[5]).toContain('>1M</text>');
    expect(cases[5]).toContain('>1G</text>');
  });
});

describe('heatmapSvg', () => {
  it('prints every value in a coloured cell, a dash where none, and a legend', () => {
    const svg = heatmapSvg({ title: 'Loss', rows: ['ties(isl+fao) x2', 'expert <isl>'], cols: ['isl', 'fao'], values: [[3.25, undefined], [3, NaN]] });
    expect(wellFormed(svg)).toBe(true);
    expect(noBadNumbers(svg)).toBe(true);
    expect(svg).toContain('>3.250</text>');
    expect(svg).toContain('>expert &lt;isl&gt;</text>');
    expect(svg.match(/>–<\/text>/g)).toHaveLength(2);
    expect(svg).toContain('(lower is better)');
    // The lowest value is green, the highest orange-red.
    expect(svg).toMatch(/fill="#f46d43"\/><text[^>]*>3\.250</);
    expect(svg).toMatch(/fill="#66bd63"\/><text[^>]*>3\.000</);
  });

  it('handles no values, equal values and higher-is-better', () => {
    for (const svg of [
      heatmapSvg({ title: 'x', rows: [], cols: [], values: [] }),
      heatmapSvg({ title: 'x', rows: ['a'], cols: ['b', 'c'], values: [[1, 1]] }),
      heatmapSvg({ title: 'x', rows: ['a'], cols: ['b'], values: [[undefined]], lowIsGood: false, format: (v) => `${v * 100}%` }),
    ]) {
      expect(wellFormed(svg)).toBe(true);
      expect(noBadNumbers(svg)).toBe(true);
    }
    const acc = heatmapSvg({ title: 'acc', rows: ['a'], cols: ['b', 'c'], values: [[0.9, 0.5]], lowIsGood: false });
    expect(acc).toMatch(/fill="#66bd63"\/><text[^>]*>0\.900</);
    expect(acc).toContain('(higher is better)');
  });

  it('colours each column on its own range when asked', () => {
    const values = [[2.1, 5], [2.2, 3]];
    const all = heatmapSvg({ title: 'x', rows: ['a', 'b'], cols: ['eng', 'isl'], values });
    const col = heatmapSvg({ title: 'x', rows: ['a', 'b'], cols: ['eng', 'isl'], values, colorScale: 'column' });
    // Over all cells 2.2 is near the best; within the English column it is the worst.
    expect(all).not.toMatch(/fill="#f46d43"\/><text[^>]*>2\.200</);
    expect(col).toMatch(/fill="#f46d43"\/><text[^>]*>2\.200</);
    expect(col).toMatch(/fill="#66bd63"\/><text[^>]*>3\.000</);
    expect(col).toContain('best to worst in each column');
  });

  it('escapes XML', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
  });
});
