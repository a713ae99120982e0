// The growth record of a grown checkpoint: method and parameters, its check against the parent,
// and for methods that restack layers, where each new layer came from.
import type { GrowthRecord } from '../../core/checkpoint/manifest';
import { GrowthCheck, paramsText } from './GrowthCheck';

export function GrowthDetails({ growth: g }: { growth: GrowthRecord }) {
  return (
    <div className="growth-details" data-testid="checkpoint-growth">
      <dl className="kv">
        <div><dt>grown with</dt><dd>{g.method}</dd></div>
        <div><dt>params</dt><dd>{paramsText(g.params)}</dd></div>
        <div><dt>function-preserving</dt><dd>{g.functionPreserving ? 'yes' : 'no'}</dd></div>
      </dl>
      <p className="small-text"><GrowthCheck growth={g} testId="checkpoint-preservation" /></p>
      {g.layerMap && (
        <p className="small-text" data-testid="checkpoint-layer-map">
          <span className="muted">layers from parent: </span>
          <span className="mono">{g.layerMap.map((src, i) => `${i}←${src < 0 ? 'new' : src}`).join('  ')}</span>
        </p>
      )}
    </div>
  );
}
