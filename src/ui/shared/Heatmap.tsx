// Checkpoints × languages accuracy as a grid of coloured cells (plain CSS grid, no chart library):
// red at chance (50 % or below), white halfway, green at 100 %, with a legend.

type Rgb = [number, number, number];

const RED: Rgb = [230, 124, 115];
const WHITE: Rgb = [255, 255, 255];
const GREEN: Rgb = [87, 187, 138];

/** Accuracy 0..1 → background colour; chance (0.5) and below are full red. */
export function heatColor(value: number): string {
  const t = Math.min(1, Math.max(0, (value - 0.5) / 0.5));
  const [from, to, u] = t < 0.5 ? [RED, WHITE, t / 0.5] : [WHITE, GREEN, (t - 0.5) / 0.5];
  const c = from.map((x, i) => Math.round(x + (to[i] - x) * u));
  return `rgb(${c.join(' ')})`;
}

/** `titles`: each cell's tooltip (accuracies with pair counts and 95 % intervals); by default name, language and value. */
export function Heatmap({ checkpoints, languages, cells, titles }: { checkpoints: { id: string; name: string }[]; languages: string[]; cells: Record<string, Record<string, number>>; titles?: Record<string, Record<string, string>> }) {
  return (
    <div className="heatmap-box">
      <h3>Accuracy by language <span className="muted">(mean over the language's suites; hover a cell for pair counts and 95 % intervals)</span></h3>
      <div className="heatmap" data-testid="eval-heatmap" style={{ gridTemplateColumns: `minmax(90px, max-content) repeat(${languages.length}, minmax(52px, 80px))` }}>
        <div />
        {languages.map((l) => <div key={l} className="heat-head">{l}</div>)}
        {checkpoints.map((c) => [
          <div key={c.id} className="heat-row" title={c.id}>{c.name}</div>,
          ...languages.map((l) => {
            const v = cells[c.id]?.[l];
            return v === undefined || !Number.isFinite(v) ? (
              <div key={`${c.id}-${l}`} className="heat-cell empty">—</div>
            ) : (
              <div key={`${c.id}-${l}`} className="heat-cell" data-testid="heat-cell" data-checkpoint={c.id} data-language={l} data-value={v.toFixed(4)} style={{ background: heatColor(v) }} title={titles?.[c.id]?.[l] ?? `${c.name}, ${l}: ${(100 * v).toFixed(1)} %`}>
                {(100 * v).toFixed(1)}
              </div>
            );
          }),
        ])}
      </div>
      <HeatLegend />
    </div>
  );
}

function HeatLegend() {
  const stops = [0.5, 0.625, 0.75, 0.875, 1].map((v) => `${heatColor(v)} ${((v - 0.5) / 0.5) * 100}%`).join(', ');
  return (
    <div className="heat-legend muted small-text">
      <span>≤ 50 % (chance)</span>
      <div className="heat-scale" style={{ background: `linear-gradient(to right, ${stops})` }} />
      <span>100 %</span>
    </div>
  );
}
