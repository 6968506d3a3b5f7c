import { describe, expect, it } from 'vitest';
import { formatDuration, readDuration } from './duration.js';

const ms = (text: string, zero = false) => {
  const read = readDuration(text, { zero });
  return 'ms' in read ? read.ms : read.problem;
};

describe('readDuration', () => {
  it.each([
    ['300ms', 300],
    ['10s', 10_000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    [' 5s ', 5000],
  ])('reads %s as %d ms', (text, expected) => {
    expect(ms(text)).toBe(expected);
  });

  it.each([
    ['10x', 'takes a duration such as 500ms, 10s or 2m, not "10x"'],
    ['-5s', 'takes a duration such as 500ms, 10s or 2m, not "-5s" (durations are not negative)'],
    ['10', 'takes a duration such as 500ms, 10s or 2m, not "10" (add a unit: 10ms or 10s)'],
    ['', 'takes a duration such as 500ms, 10s or 2m, not ""'],
    ['s', 'takes a duration such as 500ms, 10s or 2m, not "s"'],
    ['5 s', 'takes a duration such as 500ms, 10s or 2m, not "5 s"'],
    ['0s', 'must be longer than 0, not "0s"'],
    ['25h', 'must be at most 24h, not "25h"'],
  ])('refuses %j, saying why', (text, problem) => {
    expect(ms(text)).toBe(problem);
  });

  it('allows 0 where it means something (a jitter, a timeout that never closes)', () => {
    expect(ms('0ms', true)).toBe(0);
  });
});

describe('formatDuration', () => {
  it.each([
    [300, '300ms'],
    [1500, '1.5s'],
    [10_000, '10s'],
    [90_000, '1.5m'],
    [7_200_000, '2h'],
  ])('%d ms is %s, which reads back the same', (value, text) => {
    expect(formatDuration(value)).toBe(text);
    expect(ms(text)).toBe(value);
  });
});
