import { describe, expect, it } from 'vitest';
import { formatViewHash, parseViewHash } from './route';

const VIEWS = ['models', 'train', 'merge', 'forget'];

describe('view hash', () => {
  it('formats a view as #/<id>', () => {
    expect(formatViewHash('merge')).toBe('#/merge');
  });

  it('parses what it formats, for every view', () => {
    for (const v of VIEWS) expect(parseViewHash(formatViewHash(v), VIEWS, 'models')).toBe(v);
  });

  it('accepts #id, a trailing slash, a query and any case', () => {
    expect(parseViewHash('#train', VIEWS, 'models')).toBe('train');
    expect(parseViewHash('#/train/', VIEWS, 'models')).toBe('train');
    expect(parseViewHash('#/Forget?size=gpu', VIEWS, 'models')).toBe('forget');
  });

  it('falls back to the default view for an empty or unknown hash', () => {
    expect(parseViewHash('', VIEWS, 'models')).toBe('models');
    expect(parseViewHash('#', VIEWS, 'models')).toBe('models');
    expect(parseViewHash('#/', VIEWS, 'models')).toBe('models');
    expect(parseViewHash('#/no-such-view', VIEWS, 'train')).toBe('train');
    expect(parseViewHash('#/constructor', VIEWS, 'models')).toBe('models');
  });
});
