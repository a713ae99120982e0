// Forms generated from parameter schemas (core/params.ts). ParamForm: a method's parameters
// (growth, merging) as a number input per int/number parameter (with its range and step), a
// checkbox per boolean, the label on top and the help as a tooltip and small text. SpecFields:
// settings typed as text (training, adaptation), a text field per number and a select per enum,
// the help as a tooltip and a context bound ("≤32") beside the label. Neither holds values of
// its own: values in, onChange out; what does not parse goes on as NaN for validation to name.
// Both show each field's problem beside it as it is typed (settingErrors / paramErrors), the
// control marked aria-invalid and described by its message; neither ever changes a value.
import { useEffect, useId, useState } from 'react';
import { type ParamSpec, type ParamValues, paramErrors, type Spec } from '../../core/params';
import { parseCount } from './format';

/** A field's message under its control; `id` is what the control's aria-describedby names. */
export function FieldError({ id, message, testId }: { id: string; message?: string; testId?: string }) {
  if (!message) return null;
  // A narrow field breaks a long schema name (max_position_embeddings) after an underscore, not mid-word.
  const parts = message.split('_');
  return <small className="field-error" id={id} data-testid={testId}>{parts.map((p, i) => (i ? <span key={i}>_<wbr />{p}</span> : p))}</small>;
}

/** The attributes that tie a control to its message: aria-invalid and aria-describedby while it has one. */
export function invalidProps(id: string, message?: string): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  return message ? { 'aria-invalid': true, 'aria-describedby': id } : {};
}

/** A setting the text form renders: a number typed as text, or an enum picked from its values. */
export type TextSpec = Extract<Spec, { kind: 'int' | 'number' | 'enum' }>;

export const isTextSpec = (s: Spec): s is TextSpec => s.kind === 'int' || s.kind === 'number' || s.kind === 'enum';

/** The text a form starts with for a setting: its form default (null: empty), else its default, else empty. */
export function startText(s: TextSpec): string {
  const v = 'formDefault' in s && s.formDefault !== undefined ? s.formDefault : s.default;
  return v === undefined || v === null ? '' : String(v);
}

/** The typed text as the API's value: numbers parsed ("1,000,000", "1e6"; empty is NaN so validation names it), enum values as picked. */
export function textValue(s: TextSpec, text: string): number | string {
  return s.kind === 'enum' ? text : parseCount(text);
}

/** " (≤32)" where a bound comes from the context (a model's max_position_embeddings) and is known. */
function contextBound(s: TextSpec, context: Record<string, number | undefined>): string {
  if (s.kind === 'enum' || typeof s.max !== 'object') return '';
  const v = context[s.max.ref];
  return v === undefined ? '' : ` (≤${v})`;
}

/**
 * Text fields for settings: `values` holds the text typed per setting name. A setting with a
 * default may be left empty when `optional` (its placeholder says "default"); the API fills it.
 * `errors` holds each field's problem (settingErrors), shown under it.
 */
export function SpecFields({ specs, values, onChange, testIdPrefix, context = {}, optional = false, errors = {} }: {
  specs: readonly TextSpec[];
  values: { readonly [name: string]: unknown };
  onChange: (name: string, text: string) => void;
  testIdPrefix: string;
  context?: Record<string, number | undefined>;
  optional?: boolean;
  errors?: Readonly<Record<string, string>>;
}) {
  const uid = useId();
  return (
    <>
      {specs.map((s) => {
        const errorId = `${uid}-${s.name}-error`;
        const aria = invalidProps(errorId, errors[s.name]);
        return (
          <label key={s.name} className="field" title={s.help}>
            <span>{s.label}{contextBound(s, context)}</span>
            {s.kind === 'enum' ? (
              <select data-testid={`${testIdPrefix}-${s.name}`} {...aria} value={String(values[s.name] ?? '')} onChange={(e) => onChange(s.name, e.target.value)}>
                {s.values.map((k) => <option key={k} value={k}>{k}</option>)}
              </select>
            ) : (
              <input inputMode="decimal" data-testid={`${testIdPrefix}-${s.name}`} {...aria} placeholder={optional && s.default !== undefined ? 'default' : ''} value={String(values[s.name] ?? '')} onChange={(e) => onChange(s.name, e.target.value)} />
            )}
            <FieldError id={errorId} message={errors[s.name]} testId={`${testIdPrefix}-${s.name}-error`} />
          </label>
        );
      })}
    </>
  );
}

export function defaultParams(specs: ParamSpec[]): ParamValues {
  return Object.fromEntries(specs.map((s) => [s.name, s.default]));
}

/** A method's parameter form; each value's problem (paramErrors) shows under it as it is typed. */
export function ParamForm({ specs, values, onChange }: { specs: ParamSpec[]; values: ParamValues; onChange: (v: ParamValues) => void }) {
  const uid = useId();
  if (specs.length === 0) return <p className="muted small-text">This method has no parameters.</p>;
  const set = (name: string, v: number | boolean) => onChange({ ...values, [name]: v });
  const errors = paramErrors(specs, values);
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
            <NumberInput spec={s} value={values[s.name] as number} onChange={(v) => set(s.name, v)} {...invalidProps(`${uid}-${s.name}-error`, errors[s.name])} />
            <FieldError id={`${uid}-${s.name}-error`} message={errors[s.name]} testId={`param-${s.name}-error`} />
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
function NumberInput({ spec, value, onChange, ...aria }: { spec: Extract<ParamSpec, { kind: 'int' | 'number' }>; value: number; onChange: (v: number) => void } & ReturnType<typeof invalidProps>) {
  const [text, setText] = useState(() => show(value));
  useEffect(() => {
    setText((t) => (sameNumber(parse(t), value) ? t : show(value)));
  }, [value]);
  return (
    <input
      type="number"
      inputMode="decimal"
      data-testid={`param-${spec.name}`}
      {...aria}
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
