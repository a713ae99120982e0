// A form generated from a method's parameter schema (growth now, merging later): a number input
// per int/number parameter (with its range and step), a checkbox per boolean, the label on top
// and the help as a tooltip and small text. It holds no values of its own: `values` in, `onChange`
// out; a number field that does not parse reports NaN, which the method's validation names.
import { useEffect, useState } from 'react';
import type { ParamSpec, ParamValues } from '../core/params';

export function defaultParams(specs: ParamSpec[]): ParamValues {
  return Object.fromEntries(specs.map((s) => [s.name, s.default]));
}

export function ParamForm({ specs, values, onChange }: { specs: ParamSpec[]; values: ParamValues; onChange: (v: ParamValues) => void }) {
  if (specs.length === 0) return <p className="muted small-text">This method has no parameters.</p>;
  const set = (name: string, v: number | boolean) => onChange({ ...values, [name]: v });
  return (
    <div className="grid-form param-form">
      {specs.map((s) =>
        s.kind === 'boolean' ? (
          <label key={s.name} className="field" title={s.help}>
            <div className="check-line">
              <input type="checkbox" data-testid={`param-${s.name}`} checked={values[s.name] === true} onChange={(e) => set(s.name, e.target.checked)} />
              {s.label}
            </div>
            <small className="help">{s.help}</small>
          </label>
        ) : (
          <label key={s.name} className="field" title={s.help}>
            <span>{s.label}{rangeText(s.min, s.max)}</span>
            <NumberInput spec={s} value={values[s.name] as number} onChange={(v) => set(s.name, v)} />
            <small className="help">{s.help}</small>
          </label>
        ),
      )}
    </div>
  );
}

function rangeText(min?: number, max?: number): string {
  if (max === undefined) return min === undefined ? '' : ` (≥${min})`;
  return min === undefined ? ` (≤${max})` : ` (${min}–${max})`;
}

/**
 * Keeps the text being typed ("", "-", "1e") while the value it stands for goes out as a number,
 * and follows the value when it changes from outside (a reset to defaults).
 */
function NumberInput({ spec, value, onChange }: { spec: Extract<ParamSpec, { kind: 'int' | 'number' }>; value: number; onChange: (v: number) => void }) {
  const [text, setText] = useState(() => show(value));
  useEffect(() => {
    setText((t) => (sameNumber(parse(t), value) ? t : show(value)));
  }, [value]);
  return (
    <input
      type="number"
      inputMode="decimal"
      data-testid={`param-${spec.name}`}
      min={spec.min}
      max={spec.max}
      step={spec.kind === 'int' ? 1 : 'any'}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parse(e.target.value));
      }}
    />
  );
}

function parse(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}

function show(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? '' : String(v);
}

function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
