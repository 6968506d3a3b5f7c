import { describe, expect, it } from 'vitest';
import { planReservation, type StockLevel } from './plan-reservation.js';

const stock = new Map<string, StockLevel>([
  ['A', { onHand: 5, reserved: 3 }],
  ['B', { onHand: 1, reserved: 0 }],
  ['C', { onHand: 0, reserved: 0 }],
]);
const known = new Set(['A', 'B', 'C', 'D']);

describe('planReservation', () => {
  it('reserves when every line fits in on_hand - reserved, to the last unit', () => {
    expect(
      planReservation(
        [
          { sku: 'A', qty: 2 },
          { sku: 'B', qty: 1 },
        ],
        known,
        stock,
      ),
    ).toEqual({
      ok: true,
      lines: [
        { sku: 'A', qty: 2 },
        { sku: 'B', qty: 1 },
      ],
    });
  });

  it('rejects the whole order when one line does not fit: all or nothing', () => {
    expect(
      planReservation(
        [
          { sku: 'A', qty: 3 },
          { sku: 'B', qty: 1 },
        ],
        known,
        stock,
      ),
    ).toEqual({ ok: false, reason: 'out-of-stock', sku: 'A' });
    expect(planReservation([{ sku: 'C', qty: 1 }], known, stock)).toEqual({ ok: false, reason: 'out-of-stock', sku: 'C' });
  });

  it('treats a product without a stock row as having nothing available', () => {
    expect(planReservation([{ sku: 'D', qty: 1 }], known, stock)).toEqual({ ok: false, reason: 'out-of-stock', sku: 'D' });
  });

  it('reports an unknown sku before a shortage, so the same order always fails the same way', () => {
    expect(
      planReservation(
        [
          { sku: 'C', qty: 9 },
          { sku: 'X', qty: 1 },
        ],
        known,
        stock,
      ),
    ).toEqual({ ok: false, reason: 'unknown-sku', sku: 'X' });
  });
});
