// The controls of a series chart, in one row above it: the smoothing slider (TensorBoard's EMA
// weight, 0 = raw), log y (refused, with the reason, when a value is 0 or below), the x axis and
// a reset for a zoomed range. Each has a label a screen reader reads and a test id built from the
// chart's.
import { useId } from 'react';
import type { XKind } from './chartStyle';

export interface ChartToolbarProps {
  testId: string;
  smoothing: number;
  onSmoothing: (w: number) => void;
  logY: boolean;
  onLogY: (on: boolean) => void;
  /** Why the log axis cannot be drawn now (shown while log is asked for). */
  logProblem?: string;
  x: XKind;
  xKinds: { id: XKind; label: string }[];
  onX: (x: XKind) => void;
  zoomed: boolean;
  onResetZoom: () => void;
}

export function ChartToolbar(p: ChartToolbarProps) {
  const id = useId();
  return (
    <>
      <label className="chart-control" title="exponential moving average, debiased as in TensorBoard; the raw line stays faint behind">
        <span>smooth</span>
        <input id={id} type="range" min={0} max={0.99} step={0.01} value={p.smoothing} data-testid={`${p.testId}-smoothing`} aria-valuetext={p.smoothing === 0 ? 'off' : p.smoothing.toFixed(2)} onChange={(e) => p.onSmoothing(Number(e.target.value))} />
        <output className="num" htmlFor={id}>{p.smoothing === 0 ? 'off' : p.smoothing.toFixed(2)}</output>
      </label>
      <label className="chart-control" title={p.logProblem ?? 'logarithmic y axis'}>
        <input type="checkbox" checked={p.logY} data-testid={`${p.testId}-log`} aria-describedby={p.logProblem ? `${id}-log` : undefined} onChange={(e) => p.onLogY(e.target.checked)} />
        <span>log y</span>
      </label>
      {p.xKinds.length > 1 && (
        <label className="chart-control">
          <span>x</span>
          <select value={p.x} data-testid={`${p.testId}-x`} onChange={(e) => p.onX(e.target.value as XKind)}>
            {p.xKinds.map((k) => <option key={k.id} value={k.id}>{k.label}</option>)}
          </select>
        </label>
      )}
      <button type="button" className="small" data-testid={`${p.testId}-zoom-reset`} disabled={!p.zoomed} title="drag across the chart to zoom to a range; this shows the whole range again" onClick={p.onResetZoom}>
        reset zoom
      </button>
      {p.logProblem && <span className="chart-problem muted" id={`${id}-log`} data-testid={`${p.testId}-log-problem`}>{p.logProblem}</span>}
    </>
  );
}
