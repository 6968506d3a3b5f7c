import { describe, expect, it } from 'vitest';
import { inventoryAdvice } from './analytics-report.js';

describe('inventoryAdvice', () => {
  const now = new Date('2026-11-10T12:00:00Z');
  const sales = [
    {
      month: '2026-11',
      orders: 5,
      units: 30,
      revenueCents: 0,
      products: [
        { sku: 'A', orders: 3, units: 20, revenueCents: 0 },
        { sku: 'B', orders: 2, units: 10, revenueCents: 0 },
      ],
    },
  ];

  it("divides the available stock by this month's daily pace, and suggests reordering under 14 days", () => {
    const advice = inventoryAdvice(
      sales,
      [
        { sku: 'A', name: 'a', available: 10 },
        { sku: 'B', name: 'b', available: 100 },
        { sku: 'C', name: 'c', available: 5 },
      ],
      now,
    );
    expect(advice.map((a) => [a.sku, a.unitsPerDay, a.daysOfCover, a.reorder])).toEqual([
      ['A', 2, 5, true],
      ['B', 1, 100, false],
    ]);
  });

  it('lists what is out of stock even when nothing sold this month, and ignores other months', () => {
    const advice = inventoryAdvice(
      [{ ...sales[0]!, month: '2026-10' }],
      [
        { sku: 'A', name: 'a', available: 0 },
        { sku: 'B', name: 'b', available: 3 },
      ],
      now,
    );
    expect(advice).toEqual([{ sku: 'A', name: 'a', available: 0, unitsPerDay: 0, daysOfCover: null, reorder: false }]);
  });
});
