import { describe, expect, it } from 'vitest';
import { composeChartSvg, legendLayout } from './chartSvg';

describe('composeChartSvg', () => {
  it('puts the title, the chart and an escaped legend in one document, wrapping the legend', () => {
    const legend = [{ name: 'English <Brown> & co', color: '#2563eb' }, { name: 'Icelandic', color: '#dc2626', dash: '6 3' }];
    const svg = composeChartSvg({ title: 'loss "raw"', chartSvg: '<svg width="300" height="200"></svg>', width: 300, height: 200, legend });
    expect(svg).toContain('English &lt;Brown&gt; &amp; co');
    expect(svg).toContain('loss &quot;raw&quot;');
    expect(svg).toContain('stroke-dasharray="6 3"');
    expect(svg).toMatch(/height="250"/); // title 26 + chart 200 + one legend row 18 + 6 below
    expect(legendLayout(legend, 120).map((p) => p.row)).toEqual([0, 1]);
  });
});
