// A chart as one standalone SVG document for its PNG export: the title on top, the chart's own
// SVG (recharts draws axes, titles and lines there) and a legend drawn as SVG below (recharts'
// legend is HTML, so it would otherwise be lost). Pure string work; the page rasterises it
// (state/svgToPng.ts).

export interface LegendItem {
  name: string;
  color: string;
  dash?: string;
}

const TITLE_HEIGHT = 26;
const LEGEND_ROW = 18;
/** Rough width of a character of 11 px sans-serif, to wrap the legend into rows. */
const CHAR_WIDTH = 6.2;
const SWATCH = 22;

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Legend items placed left to right, wrapping at `width`: x, row and item. */
export function legendLayout(items: LegendItem[], width: number): { x: number; row: number; item: LegendItem }[] {
  const out: { x: number; row: number; item: LegendItem }[] = [];
  let x = 8;
  let row = 0;
  for (const item of items) {
    const w = SWATCH + 6 + item.name.length * CHAR_WIDTH + 16;
    if (x + w > width && x > 8) {
      row += 1;
      x = 8;
    }
    out.push({ x, row, item });
    x += w;
  }
  return out;
}

/** The export document: `chartSvg` is the serialised chart (an <svg> element of width × height). */
export function composeChartSvg({ title, chartSvg, width, height, legend }: { title: string; chartSvg: string; width: number; height: number; legend: LegendItem[] }): string {
  const placed = legendLayout(legend, width);
  const rows = placed.length ? placed[placed.length - 1].row + 1 : 0;
  const total = TITLE_HEIGHT + height + rows * LEGEND_ROW + (rows ? 6 : 0);
  const legendTop = TITLE_HEIGHT + height + 4;
  const items = placed.map(({ x, row, item }) => {
    const y = legendTop + row * LEGEND_ROW + LEGEND_ROW / 2;
    const dash = item.dash ? ` stroke-dasharray="${escapeXml(item.dash)}"` : '';
    return `<line x1="${x}" y1="${y}" x2="${x + SWATCH}" y2="${y}" stroke="${escapeXml(item.color)}" stroke-width="2"${dash}/><text x="${x + SWATCH + 6}" y="${y + 4}" font-size="11" fill="#374151">${escapeXml(item.name)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="18" font-size="13" font-weight="600" fill="#111827">${escapeXml(title)}</text>`,
    `<g transform="translate(0, ${TITLE_HEIGHT})">${chartSvg}</g>`,
    ...items,
    '</svg>',
  ].join('');
}
