// A list that is one tab stop: only the active row's controls are in the tab order, and the
// arrow keys (Home, End) move focus from row to row. Used where every row would otherwise add
// its buttons to the tab order before the forms that follow (the checkpoint list beside every
// view, the runs list, the stored experiments). Each row's first control carries
// `data-roving="<row id>"`; the active row is the one last focused, else `preferred` (the
// selected row), else the first.
import { type KeyboardEvent, useState } from 'react';

const MOVES: Record<string, (at: number, n: number) => number> = {
  ArrowDown: (at, n) => Math.min(at + 1, n - 1),
  ArrowUp: (at) => Math.max(at - 1, 0),
  Home: () => 0,
  End: (_, n) => n - 1,
};

/** The row a key moves focus to from `active` (clamped at the ends), or undefined for any other key. */
export function rovingTarget(ids: readonly string[], active: string | undefined, key: string): string | undefined {
  const move = MOVES[key];
  if (!move || ids.length === 0) return undefined;
  return ids[move(Math.max(0, active === undefined ? 0 : ids.indexOf(active)), ids.length)];
}

export interface RovingFocus {
  /** The row whose controls are in the tab order. */
  active: string | undefined;
  /** For each row's onFocus: the row focused becomes the active one. */
  focusRow: (id: string) => void;
  /** For the list's onKeyDown. */
  onKeyDown: (e: KeyboardEvent<HTMLElement>) => void;
}

export function useRovingFocus(ids: readonly string[], preferred?: string): RovingFocus {
  const [focused, setFocused] = useState<string>();
  const active = focused !== undefined && ids.includes(focused) ? focused : preferred !== undefined && ids.includes(preferred) ? preferred : ids[0];
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    // Arrow keys inside a text field or a select belong to that control.
    if ((e.target as HTMLElement).closest('input, textarea, select')) return;
    const next = rovingTarget(ids, active, e.key);
    if (next === undefined) return;
    const target = e.currentTarget.querySelector<HTMLElement>(`[data-roving="${CSS.escape(next)}"]`);
    if (!target) return;
    e.preventDefault();
    setFocused(next);
    target.focus();
  };
  return { active, focusRow: setFocused, onKeyDown };
}
