import { describe, expect, it } from 'vitest';
import {
  evaluateInvariants,
  moneyBalanced,
  oneCapturePerOrder,
  ordersSettled,
  reservationsMatchOrders,
  salesMatchConfirmed,
  stockConserved,
  nothingReserved,
  outboxDispatched,
  queuesEmpty,
  deadLetterQueuesEmpty,
} from './invariants.js';
import { outcomeCounts, percentile } from './run.js';
import type { LabSnapshot } from './snapshot.js';

/** A lab at rest: one confirmed order (2 × SKU-A at 500), one rejected, one compensated after a late success. */
function atRest(): LabSnapshot {
  return {
    orders: [
      { id: 'o-confirmed', userId: 'u-1', status: 'CONFIRMED', totalCents: 1000, items: [{ sku: 'SKU-A', qty: 2 }] },
      { id: 'o-rejected', userId: 'u-1', status: 'CANCELLED', totalCents: 500, items: [{ sku: 'SKU-B', qty: 1 }] },
      { id: 'o-refunded', userId: 'u-1', status: 'CANCELLED', totalCents: 500, items: [{ sku: 'SKU-A', qty: 1 }] },
    ],
    stock: [
      { sku: 'SKU-A', onHand: 8, reserved: 0, stocked: 10, committed: 2, conserved: true },
      { sku: 'SKU-B', onHand: 0, reserved: 0, stocked: 0, committed: 0, conserved: true },
    ],
    reservations: [
      { id: 'r1', orderId: 'o-confirmed', status: 'COMMITTED' },
      { id: 'r2', orderId: 'o-rejected', status: 'REJECTED' },
      { id: 'r3', orderId: 'o-refunded', status: 'RELEASED' },
    ],
    commits: [{ orderId: 'o-confirmed', sku: 'SKU-A', units: 2 }],
    payments: [
      { id: 'p1', orderId: 'o-confirmed', status: 'CAPTURED', failureReason: null, captures: 1, capturedCents: 1000, refundedCents: 0 },
      { id: 'p3', orderId: 'o-refunded', status: 'REFUNDED', failureReason: 'timeout', captures: 1, capturedCents: 500, refundedCents: 500 },
    ],
    deliveries: [{ orderId: 'o-confirmed', status: 'FAILED' }],
    sales: [{ orderId: 'o-confirmed', totalCents: 1000 }],
    undispatched: [],
    queues: [
      { queue: 'order.saga', messages: 0 },
      { queue: 'order.saga.dlq', messages: 0 },
    ],
  };
}

describe('the invariant checker', () => {
  it('passes a lab at rest', () => {
    const results = evaluateInvariants(atRest(), { placedOrderIds: ['o-confirmed'] });
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results).toHaveLength(10);
  });

  it('names an order that is not settled, and one answered 202 that does not exist', () => {
    const snapshot = atRest();
    snapshot.orders[0]!.status = 'RESERVED';
    expect(ordersSettled(snapshot, ['o-confirmed', 'o-lost'])).toMatchObject({ ok: false, ids: ['o-lost', 'o-confirmed'] });
  });

  it('names a SKU whose units appeared or vanished, and an order whose committed units differ from its lines', () => {
    const snapshot = atRest();
    snapshot.stock[0] = { ...snapshot.stock[0]!, onHand: 7, conserved: false };
    expect(stockConserved(snapshot)).toMatchObject({ ok: false, ids: ['SKU-A'] });
    const other = atRest();
    other.commits = [
      { orderId: 'o-confirmed', sku: 'SKU-A', units: 1 },
      { orderId: 'o-refunded', sku: 'SKU-A', units: 1 },
    ];
    const result = stockConserved(other);
    expect(result).toMatchObject({ ok: false, ids: ['o-confirmed', 'o-refunded'] });
    expect(result.details).toContain('o-confirmed (SKU-A: 1 units left the stock, the confirmed order has 2)');
  });

  it('names a held reservation and a SKU still reserved', () => {
    const snapshot = atRest();
    snapshot.reservations[2]!.status = 'HELD';
    snapshot.stock[0]!.reserved = 1;
    expect(nothingReserved(snapshot)).toMatchObject({ ok: false, ids: ['o-refunded', 'SKU-A'] });
  });

  it('names an order whose reservation is missing or does not fit its state', () => {
    const snapshot = atRest();
    snapshot.reservations = snapshot.reservations.filter((r) => r.orderId !== 'o-confirmed');
    snapshot.reservations[1]!.status = 'COMMITTED';
    const result = reservationsMatchOrders(snapshot);
    expect(result).toMatchObject({ ok: false, ids: ['o-confirmed', 'o-refunded'] });
    expect(result.details).toContain('o-confirmed (CONFIRMED but reservation missing)');
  });

  it('names an order whose money does not balance, and one captured twice', () => {
    const snapshot = atRest();
    snapshot.payments[1]!.refundedCents = 0;
    expect(moneyBalanced(snapshot)).toMatchObject({ ok: false, ids: ['o-refunded'] });
    const twice = atRest();
    twice.payments[0] = { ...twice.payments[0]!, captures: 2, capturedCents: 2000 };
    expect(oneCapturePerOrder(twice)).toMatchObject({ ok: false, ids: ['o-confirmed'] });
    expect(moneyBalanced(twice).details).toContain('captured 2000 − refunded 0 = 2000, expected 1000');
    const unpaid = atRest();
    unpaid.payments = unpaid.payments.slice(1);
    expect(moneyBalanced(unpaid)).toMatchObject({ ok: false, ids: ['o-confirmed'] });
  });

  it('names undispatched outbox rows, busy queues, missing queues and dead letters', () => {
    const snapshot = atRest();
    snapshot.undispatched = [{ service: 'payment', id: 'row-1', eventType: 'payment.completed' }];
    snapshot.queues = [
      { queue: 'order.saga', messages: 3 },
      { queue: 'payment.saga', messages: null },
      { queue: 'order.saga.dlq', messages: 1 },
    ];
    expect(outboxDispatched(snapshot)).toMatchObject({ ok: false, ids: ['payment:row-1'] });
    expect(queuesEmpty(snapshot)).toMatchObject({ ok: false, ids: ['order.saga', 'payment.saga'] });
    expect(deadLetterQueuesEmpty(snapshot)).toMatchObject({ ok: false, ids: ['order.saga.dlq'] });
    expect(deadLetterQueuesEmpty(snapshot, true).ok).toBe(true);
  });

  it('names orders whose sales in analytics differ from the confirmed totals', () => {
    const snapshot = atRest();
    snapshot.sales = [
      { orderId: 'o-confirmed', totalCents: 900 },
      { orderId: 'o-rejected', totalCents: 500 },
      { orderId: 'o-ghost', totalCents: 1 },
    ];
    expect(salesMatchConfirmed(snapshot)).toMatchObject({ ok: false, ids: ['o-confirmed', 'o-rejected', 'o-ghost'] });
  });

  it('keeps the offending ids to 50', () => {
    const snapshot = atRest();
    snapshot.undispatched = Array.from({ length: 80 }, (_, i) => ({ service: 'order', id: `r${i}`, eventType: 'order.created' }));
    const result = outboxDispatched(snapshot);
    expect(result.ids).toHaveLength(50);
    expect(result.details).toMatch(/^80 offending: /);
  });
});

describe('run figures', () => {
  it("counts outcomes of the run's own orders only", () => {
    expect(outcomeCounts(atRest(), ['o-confirmed', 'o-refunded'])).toEqual({
      confirmed: 1,
      cancelled: 1,
      rejected: 0,
      released: 1,
      refunded: 1,
      notificationsFailed: 1,
    });
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(values, 50), percentile(values, 95), percentile(values, 99), percentile([], 50), percentile([7], 99)]).toEqual([50, 95, 99, 0, 7]);
  });
});
