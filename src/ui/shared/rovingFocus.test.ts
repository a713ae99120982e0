import { describe, expect, it } from 'vitest';
import { rovingTarget } from './rovingFocus';

const ROWS = ['a', 'b', 'c'];

describe('rovingTarget', () => {
  it('moves one row down and up, and stops at the ends', () => {
    expect(rovingTarget(ROWS, 'a', 'ArrowDown')).toBe('b');
    expect(rovingTarget(ROWS, 'c', 'ArrowDown')).toBe('c');
    expect(rovingTarget(ROWS, 'b', 'ArrowUp')).toBe('a');
    expect(rovingTarget(ROWS, 'a', 'ArrowUp')).toBe('a');
  });

  it('jumps to the first and last row', () => {
    expect(rovingTarget(ROWS, 'b', 'Home')).toBe('a');
    expect(rovingTarget(ROWS, 'a', 'End')).toBe('c');
  });

  it('starts from the first row when the active one is gone', () => {
    expect(rovingTarget(ROWS, 'deleted', 'ArrowDown')).toBe('b');
    expect(rovingTarget(ROWS, undefined, 'ArrowDown')).toBe('b');
  });

  it('ignores other keys and empty lists', () => {
    expect(rovingTarget(ROWS, 'a', 'Enter')).toBeUndefined();
    expect(rovingTarget(ROWS, 'a', 'Tab')).toBeUndefined();
    expect(rovingTarget([], undefined, 'ArrowDown')).toBeUndefined();
  });
});
