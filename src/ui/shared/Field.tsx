// A labelled form field: the caption above its control, one markup for every form.
import type { ReactNode } from 'react';

export function Field({ label, grow, title, children }: { label: ReactNode; grow?: boolean; title?: string; children: ReactNode }) {
  return (
    <label className={grow ? 'field grow' : 'field'} title={title}>
      <span>{label}</span>
      {children}
    </label>
  );
}
