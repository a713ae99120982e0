// The x-axis picker shared by the adaptation and comparison charts: steps, tokens or FLOPs.
import { X_KINDS, type XKind } from './chartStyle';

export function CurveXSelect({ value, onChange, testId }: { value: XKind; onChange: (x: XKind) => void; testId: string }) {
  return (
    <label className="field inline curve-x">
      <span>x axis</span>
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value as XKind)}>
        {X_KINDS.map((k) => <option key={k.id} value={k.id}>{k.label}</option>)}
      </select>
    </label>
  );
}
