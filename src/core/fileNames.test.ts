import { describe, expect, it } from 'vitest';
import { dayOf, evaluationFileName, joinSlugs, slugify } from './fileNames';

describe('file names', () => {
  it('slugs checkpoint names into safe, readable names', () => {
    expect(slugify('ties ×2 fao r20 ×2 isl r20 ')).toBe('ties-x2-fao-r20-x2-isl-r20');
    expect(slugify('Þórður á Ísafirði')).toBe('thordur-a-isafirdi');
    expect(slugify('TIES: fao + isl')).toBe('ties-fao-isl');
    expect(slugify('///', 'model')).toBe('model');
    expect(slugify('a'.repeat(50) + ' ' + 'b'.repeat(50))).toBe('a'.repeat(50) + '-' + 'b'.repeat(29));
    expect(slugify('ab cd', 'x', 3)).toBe('ab');
  });

  it('names an evaluation export after its models, suites and day', () => {
    const r = { createdAt: '2026-11-22T13:04:00.000Z', checkpoints: [{ name: 'base' }, { name: 'TIES fao+isl' }], suites: [{ name: 'BLiMP lite' }] };
    expect(evaluationFileName(r, 'csv')).toBe('eval-base+ties-fao-isl-on-blimp-lite-2026-11-22.csv');
    expect(evaluationFileName({ ...r, suites: [] }, 'json')).toBe('eval-base+ties-fao-isl-on-validation-2026-11-22.json');
    const many = Array.from({ length: 12 }, (_, i) => `model number ${i}`);
    const name = joinSlugs(many, 60);
    expect(name.length).toBeLessThanOrEqual(60);
    expect(name).toMatch(/^model-number-0\+model-number-1\+.*\+and-\d+-more$/);
    expect(dayOf('not a date')).toBe('not-a-date');
  });
});
