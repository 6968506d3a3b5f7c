import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['300ms', 300],
    ['10s', 10_000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    [' 5s ', 5000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text, { what: '--for' })).toBe(ms);
  });

  it.each([
    ['10x', '--for takes a duration such as 500ms, 10s or 2m, not "10x".'],
    ['-5s', '--for takes a duration such as 500ms, 10s or 2m, not "-5s" (durations are not negative).'],
    ['10', '--for takes a duration such as 500ms, 10s or 2m, not "10" (add a unit: 10ms or 10s).'],
    ['', '--for takes a duration such as 500ms, 10s or 2m, not "".'],
    ['s', '--for takes a duration such as 500ms, 10s or 2m, not "s".'],
    ['0s', '--for must be longer than 0, not "0s".'],
    ['25h', '--for must be at most 24h, not "25h".'],
  ])('refuses %j as a usage error', (text, message) => {
    expect(() => parseDuration(text, { what: '--for' })).toThrow(UsageError);
    expect(() => parseDuration(text, { what: '--for' })).toThrow(message);
  });

  it('allows 0 where it means something (a jitter, a timeout that never closes)', () => {
    expect(parseDuration('0ms', { what: '--jitter', zero: true })).toBe(0);
  });
});

describe('formatDuration', () => {
  it.each([
    [300, '300ms'],
    [1500, '1.5s'],
    [10_000, '10s'],
    [90_000, '1.5m'],
    [7_200_000, '2h'],
  ])('%d ms is %s, which reads back the same', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text, { what: 'x' })).toBe(ms);
  });
});
