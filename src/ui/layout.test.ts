// The UI's shape, checked on the source: feature folders with the names state/ and worker/ use,
// shared/ depending on no feature, and one copy each of the checkpoint picker, the FLOP formatter
// and the error-reporting pattern (before: 87 files flat, six checkpoint <select> copies, two
// formatFlops with different output, hand-written try/catch + setError/notify in nine panels).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const FEATURES = ['models', 'train', 'grow', 'adapt', 'merge', 'evaluate', 'generate', 'experiments', 'gpu', 'nav', 'story', 'shared'];
const UI = join('src', 'ui');

/** Every non-test .ts/.tsx file under dir, as [path relative to src/ui or src, text]. */
function sources(dir: string, base = UI): [string, string][] {
  const out: [string, string][] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...sources(p, base));
    else if (/\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f)) out.push([relative(base, p), readFileSync(p, 'utf8')]);
  }
  return out;
}

describe('ui layout', () => {
  it('holds only feature folders, App.tsx and styles.css at its root', () => {
    const root = readdirSync(UI).filter((f) => !/\.test\.tsx?$/.test(f));
    const stray = root.filter((f) => !(FEATURES.includes(f) && statSync(join(UI, f)).isDirectory()) && f !== 'App.tsx' && f !== 'styles.css');
    expect(stray).toEqual([]);
    for (const f of FEATURES) expect(statSync(join(UI, f)).isDirectory()).toBe(true);
  });

  it('shared/ imports no feature folder (features use shared, not the other way)', () => {
    const offenders = sources(join(UI, 'shared')).flatMap(([file, text]) =>
      [...text.matchAll(/\bfrom\s+'(\.\.\/[^']+)'/g)].map((m) => m[1]).filter((s) => FEATURES.some((f) => f !== 'shared' && s.startsWith(`../${f}/`))).map((s) => `${file}: ${s}`));
    expect(offenders).toEqual([]);
  });

  it('renders checkpoint <option>s in one place, the shared CheckpointSelect', () => {
    const pickers = sources(UI).filter(([, text]) => /<option [^>]*value=\{c\.id\}>\{c\.name\}<\/option>/.test(text)).map(([file]) => file);
    expect(pickers).toEqual([join('shared', 'CheckpointSelect.tsx')]);
  });

  it('defines formatFlops once in src/', () => {
    const defs = sources('src', 'src').filter(([, text]) => /\b(function formatFlops\b|formatFlops\s*=)/.test(text)).map(([file]) => file);
    expect(defs).toEqual([join('core', 'numeric', 'formatFlops.ts')]);
  });

  it('reports an action\'s failure through shared/report.ts only (no hand-written catch into state or a notice)', () => {
    // Allowed: catches that turn a validator's throw into the value a panel shows while the user
    // types (the config check, the recipe's JSON parse and the recipe run's list of problems, the
    // Adapt form's budget).
    const allowed: Record<string, number> = { [join('shared', 'report.ts')]: 1, [join('models', 'CreateModelPanel.tsx')]: 1, [join('experiments', 'ExperimentEditor.tsx')]: 2, [join('adapt', 'AdaptDraft.ts')]: 1 };
    const catches = Object.fromEntries(sources(UI).map(([file, text]) => [file, (text.match(/\bcatch\s*\(/g) ?? []).length] as const).filter(([, n]) => n > 0));
    expect(catches).toEqual(allowed);
  });
});
