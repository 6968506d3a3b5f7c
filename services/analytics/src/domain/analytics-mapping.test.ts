import { describe, expect, it } from 'vitest';
import { nextSteps, type OrderProgress } from './order-progress.js';
import { salesLinesOf } from './sales-lines.js';
import { instantOf, timeDimensionOf } from './time-dimension.js';
import { activityOf } from './user-activity.js';

describe('timeDimensionOf', () => {
  it('derives the date key and calendar fields in UTC', () => {
    expect(timeDimensionOf(new Date('2025-11-30T23:30:00Z'))).toEqual({
      dateKey: 20251130,
      date: '2025-11-30',
      year: 2025,
      quarter: 4,
      month: 11,
      day: 30,
      weekday: 7,
    });
    expect(timeDimensionOf(new Date('2024-02-05T00:00:00Z'))).toMatchObject({ dateKey: 20240205, quarter: 1, weekday: 1 });
    expect(timeDimensionOf(new Date('2024-04-01T10:00:00+02:00'))).toMatchObject({ dateKey: 20240401, quarter: 2 });
  });

  it('takes an unreadable envelope time as now', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    expect(instantOf('not a date', () => now)).toBe(now);
    expect(instantOf('2025-03-04T05:06:07Z').toISOString()).toBe('2025-03-04T05:06:07.000Z');
  });
});

describe('salesLinesOf', () => {
  it('numbers lines from 1 and computes line totals in cents', () => {
    expect(
      salesLinesOf([
        { sku: 'A', qty: 2, priceCents: 1250 },
        { sku: 'B', qty: 1, priceCents: 99 },
      ]),
    ).toEqual([
      { lineNo: 1, sku: 'A', qty: 2, unitPriceCents: 1250, totalCents: 2500 },
      { lineNo: 2, sku: 'B', qty: 1, unitPriceCents: 99, totalCents: 99 },
    ]);
  });
});

describe('activityOf', () => {
  it('maps the events that are a user activity and nothing else', () => {
    expect(activityOf('user.registered')).toBe('registered');
    expect(activityOf('order.created')).toBe('ordered');
    expect(activityOf('order.confirmed')).toBe('confirmed');
    expect(activityOf('order.cancelled')).toBe('cancelled');
    expect(activityOf('payment.completed')).toBeUndefined();
  });
});

describe('nextSteps', () => {
  const fresh: OrderProgress = { hasLines: false, confirmed: false, cancelled: false, notified: false, loaded: false, recorded: false };

  it('loads a confirmed order only once its lines are known, whichever came first', () => {
    expect(nextSteps({ ...fresh, confirmed: true })).toEqual({ load: false, unload: false, record: false });
    expect(nextSteps({ ...fresh, hasLines: true })).toEqual({ load: false, unload: false, record: false });
    expect(nextSteps({ ...fresh, hasLines: true, confirmed: true })).toEqual({ load: true, unload: false, record: false });
    expect(nextSteps({ ...fresh, hasLines: true, confirmed: true, loaded: true })).toEqual({ load: false, unload: false, record: false });
  });

  it('never loads a cancelled order and takes back one already loaded', () => {
    expect(nextSteps({ ...fresh, hasLines: true, confirmed: true, cancelled: true })).toEqual({ load: false, unload: false, record: false });
    expect(nextSteps({ ...fresh, hasLines: true, confirmed: true, cancelled: true, loaded: true })).toEqual({ load: false, unload: true, record: false });
  });

  it('records once after the notification outcome of a loaded sale, even when the outcome came first', () => {
    expect(nextSteps({ ...fresh, notified: true })).toMatchObject({ record: false });
    expect(nextSteps({ ...fresh, hasLines: true, confirmed: true, notified: true })).toEqual({ load: true, unload: false, record: true });
    expect(nextSteps({ ...fresh, hasLines: true, confirmed: true, notified: true, loaded: true, recorded: true })).toEqual({
      load: false,
      unload: false,
      record: false,
    });
  });
});
