import { describe, expect, it } from 'vitest';
import { lastDueAt, readCloudSchedule, readRate } from './schedule.js';

describe('readRate', () => {
  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(1 hour)', 3_600_000],
    ['rate(2 hours)', 7_200_000],
    ['rate(1 day)', 86_400_000],
    [' rate(3 days) ', 259_200_000],
  ])('reads %s as %i ms', (text, everyMs) => {
    expect(readRate(text)).toEqual({ kind: 'rate', everyMs, text: text.trim() });
  });

  it('refuses the forms AWS refuses, saying which form it takes', () => {
    expect(readRate('rate(1 minutes)')).toEqual({ problem: expect.stringContaining('must say rate(1 minute)') });
    expect(readRate('rate(5 minute)')).toEqual({ problem: expect.stringContaining('must say rate(5 minutes)') });
    expect(readRate('rate(0 minutes)')).toEqual({ problem: expect.stringContaining('at least rate(1 minute)') });
    expect(readRate('rate(10 seconds)')).toEqual({ problem: expect.stringContaining('takes rate(1 minute)') });
    expect(readRate('every minute')).toEqual({ problem: expect.stringContaining('not "every minute"') });
    expect(readRate('rate(-1 minutes)')).toHaveProperty('problem');
  });

  it('refuses cron() in the lab, pointing at rate() and cloudSchedule', () => {
    const result = readRate('cron(0 3 * * ? *)');
    expect(result).toEqual({ problem: expect.stringMatching(/cron\(\) expression .*does not fire.*rate\(1 minute\).*cloudSchedule/) });
  });
});

describe('readCloudSchedule', () => {
  it('takes a rate() or a six-field cron()', () => {
    expect(readCloudSchedule('cron(0 3 * * ? *)')).toEqual({ text: 'cron(0 3 * * ? *)' });
    expect(readCloudSchedule('rate(1 day)')).toEqual({ text: 'rate(1 day)' });
  });

  it('refuses a five-field (Unix) cron and anything else', () => {
    expect(readCloudSchedule('cron(0 3 * * *)')).toEqual({ problem: expect.stringContaining('six-field cron') });
    expect(readCloudSchedule('nightly')).toHaveProperty('problem');
  });
});

describe('lastDueAt', () => {
  const everyMinute = { kind: 'rate' as const, everyMs: 60_000, text: 'rate(1 minute)' };
  it('is the latest multiple of the period at or before now', () => {
    expect(lastDueAt(everyMinute, new Date('2026-12-06T07:01:59.999Z')).toISOString()).toBe('2026-12-06T07:01:00.000Z');
    expect(lastDueAt(everyMinute, new Date('2026-12-06T07:02:00.000Z')).toISOString()).toBe('2026-12-06T07:02:00.000Z');
    expect(lastDueAt({ kind: 'rate', everyMs: 86_400_000, text: 'rate(1 day)' }, new Date('2026-12-06T23:59:00Z')).toISOString()).toBe(
      '2026-12-06T00:00:00.000Z',
    );
  });
});
