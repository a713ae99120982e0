import { describe, expect, it } from 'vitest';
import { corpusColor, languageColor } from './languageColors';

describe('one colour per language', () => {
  it('gives the featured languages their fixed colours, whatever the case', () => {
    expect(languageColor('eng')).toBe('#2563eb');
    expect(languageColor('ISL')).toBe(languageColor('isl'));
    expect(languageColor('isl')).not.toBe(languageColor('eng'));
  });

  it('colours a corpus by its language, so two corpora of one language match', () => {
    const corpora = [{ id: 'eng-brown', language: 'eng' }, { id: 'udhr-eng', language: 'eng' }, { id: 'udhr-isl', language: 'isl' }];
    expect(corpusColor('udhr-eng', corpora)).toBe(corpusColor('eng-brown', corpora));
    expect(corpusColor('udhr-isl', { 'udhr-isl': { language: 'isl' } })).toBe(languageColor('isl'));
  });

  it('gives any other code a stable colour that is not a featured one', () => {
    expect(languageColor('fin')).toBe(languageColor('fin'));
    expect(['#2563eb', '#dc2626']).not.toContain(languageColor('fin'));
  });
});
