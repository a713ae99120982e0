// The frame every chart of the studio sits in: its heading, the toolbar (ChartToolbar) and the
// exports. "PNG" rasterises the chart's own SVG with the title and a legend (chartSvg.ts,
// state/svgToPng.ts); "CSV" saves the data as plotted. File names say what the chart is: the
// run (or subject), the chart and the day.
import { type ReactNode, useRef } from 'react';
import { svgToPng } from '../../state/svgToPng';
import { chartFileName } from './chartData';
import { composeChartSvg, type LegendItem } from './chartSvg';
import { downloadBlob, downloadText } from './download';
import { useReport } from './report';

export interface ChartExport {
  /** What the chart is about (a run's name); first in the file names. */
  subject?: string;
  /** What the chart shows, for file names and the PNG's title: "training loss". */
  chart: string;
  legend: LegendItem[];
  csv: () => string;
}

export interface ChartFrameProps {
  testId: string;
  title: ReactNode;
  exportAs: ChartExport;
  /** The chart's own controls (smoothing, log y, x axis, zoom), before the export buttons. */
  controls?: ReactNode;
  /** data-* attributes that tell tests and styles the chart's state. */
  data?: Record<string, string | number | undefined>;
  className?: string;
  children: ReactNode;
}

export function ChartFrame({ testId, title, exportAs, controls, data, className, children }: ChartFrameProps) {
  const root = useRef<HTMLDivElement>(null);
  const { error, run, near } = useReport();
  const dataAttrs = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  const name = (ext: 'png' | 'csv') => chartFileName(exportAs.subject, exportAs.chart, new Date().toISOString(), ext);

  async function savePng() {
    const svg = root.current?.querySelector<SVGSVGElement>('.recharts-wrapper > svg.recharts-surface');
    if (!svg) throw new Error('nothing is drawn yet to save');
    const { width, height } = svg.getBoundingClientRect();
    const heading = root.current?.querySelector('h3')?.textContent?.trim() || exportAs.chart;
    const title = exportAs.subject ? `${exportAs.subject} — ${heading}` : heading;
    const doc = composeChartSvg({ title, chartSvg: new XMLSerializer().serializeToString(svg), width: Math.round(width), height: Math.round(height), legend: exportAs.legend });
    downloadBlob(name('png'), new Blob([(await svgToPng(doc)) as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
  }

  return (
    <div className={`chart framed${className ? ` ${className}` : ''}`} data-testid={testId} ref={root} {...dataAttrs}>
      <div className="chart-head">
        <h3>{title}</h3>
        <div className="chart-toolbar" role="toolbar" aria-label={`${exportAs.chart} chart controls`}>
          {controls}
          <span className="chart-exports" ref={near}>
            <button type="button" className="small" data-testid={`${testId}-png`} title="save this chart as a PNG image" onClick={() => void run(savePng)}>PNG</button>
            <button type="button" className="small" data-testid={`${testId}-csv`} title="save the plotted data (raw and smoothed, every x column) as CSV" onClick={() => downloadText(name('csv'), exportAs.csv(), 'text/csv')}>CSV</button>
          </span>
        </div>
      </div>
      {children}
      {error && <p className="error-text small-text" data-testid={`${testId}-export-error`}>{error}</p>}
    </div>
  );
}
