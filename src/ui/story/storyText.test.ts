import { describe, expect, it } from 'vitest';
import type { PassNumbers } from '../../core/train/forgetStory';
import { by, englishText, languageName, movement, printable, replayText, targetText } from './storyText';

const names = { english: 'English', target: 'Icelandic' };
const pass = (englishStart: number, englishEnd: number, targetStart: number, targetEnd: number, replay = 0): PassNumbers => ({
  replay, steps: 60, englishStart, englishEnd, englishRise: englishEnd - englishStart, targetStart, targetEnd, targetGain: targetStart - targetEnd, accuracy: {},
});

describe('the story says what the chart shows', () => {
  it('names the direction of a change', () => {
    expect(movement(3.1, 2.4)).toBe('fell from 3.10 to 2.40');
    expect(movement(2.4, 2.95)).toBe('rose from 2.40 to 2.95');
    expect(movement(2.4, 2.4)).toBe('stayed at 2.40');
    expect(by(0.31)).toBe('rose by 0.31');
    expect(by(-0.05)).toBe('fell by 0.05');
  });

  it('calls it forgetting only when English loss rose', () => {
    expect(targetText(pass(2.96, 3.71, 4.22, 2.93), 60, names)).toMatch(/English loss rose from 2.96 to 3.71: it is forgetting English/);
    const kept = targetText(pass(2.96, 2.9, 4.22, 2.93), 60, names);
    expect(kept).toMatch(/English loss fell from 2.96 to 2.90: this time it did not forget/);
    expect(kept).not.toMatch(/forgetting English/);
  });

  it('says whether Icelandic fell while learning English', () => {
    expect(englishText(pass(5.54, 2.96, 5.54, 4.22), 120, names)).toMatch(/Icelandic loss also fell from 5.54 to 4.22/);
    expect(englishText(pass(5.54, 2.96, 5.54, 5.6), 120, names)).toMatch(/Icelandic loss rose from 5.54 to 5.60/);
  });

  it('compares the replay pass with pass 1 in numbers', () => {
    const text = replayText(pass(2.96, 3.71, 4.22, 2.93), pass(2.96, 3.2, 4.22, 3.0, 0.25), 0.25, 60, names);
    expect(text).toMatch(/25 % of every batch is English/);
    expect(text).toMatch(/English loss rose by 0.24 \(without replay it rose by 0.75\)/);
    expect(text).toMatch(/Icelandic loss fell by 1.22 \(without replay it fell by 1.29\)/);
    expect(text).toMatch(/Replay avoided 68 % of the forgetting/);
  });

  it('shows bytes that are no text as dots, keeping line breaks and tabs', () => {
    expect(printable('a\ufffd\u0001b\nc\td')).toBe('a··b\nc\td');
  });

  it('reads a corpus by its language', () => {
    expect(languageName('eng-brown', [{ id: 'eng-brown', name: 'English (Brown corpus)' }])).toBe('English');
    expect(languageName('mine', [])).toBe('mine');
  });
});
