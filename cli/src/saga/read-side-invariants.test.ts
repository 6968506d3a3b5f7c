import { describe, expect, it } from 'vitest';
import type { ViewDocuments } from '../views/read-side.js';
import { checkReadSide } from './read-side-invariants.js';
import type { LabSnapshot } from './snapshot.js';

function writeSide(): LabSnapshot {
  const snapshot: LabSnapshot = {
    orders: [
      { id: 'o-1', userId: 'u-1', status: 'CONFIRMED', totalCents: 1000, items: [{ sku: 'S-1', qty: 2 }] },
      { id: 'o-2', userId: 'u-1', status: 'CANCELLED', totalCents: 300, items: [{ sku: 'S-1', qty: 1 }] },
    ],
    stock: [{ sku: 'S-1', onHand: 8, reserved: 0, stocked: 10, committed: 2, conserved: true }],
    reservations: [],
    commits: [],
    payments: [
      { id: 'p-1', orderId: 'o-1', status: 'CAPTURED', failureReason: null, captures: 1, capturedCents: 1000, refundedCents: 0 },
      { id: 'p-2', orderId: 'o-2', status: 'FAILED', failureReason: 'declined', captures: 0, capturedCents: 0, refundedCents: 0 },
    ],
    deliveries: [{ orderId: 'o-1', status: 'SENT' }],
    sales: [],
    undispatched: [],
    queues: [],
  };
  return snapshot;
}

function views(): ViewDocuments {
  return {
    'order_views.order_details': [
      { _id: 'o-1', status: 'CONFIRMED', totalCents: 1000 },
      { _id: 'o-2', status: 'CANCELLED', totalCents: 300 },
    ],
    'order_views.order_history': [
      { _id: 'o-1', status: 'CONFIRMED' },
      { _id: 'o-2', status: 'CANCELLED' },
    ],
    'order_views.payment_info': [
      { _id: 'o-1', status: 'COMPLETED', refundedCents: 0 },
      { _id: 'o-2', status: 'FAILED', refundedCents: 0 },
    ],
    'inventory_views.stock_levels': [{ _id: 'S-1', onHand: 8, reserved: 0 }],
    'user_views.user_summary': [{ _id: 'u-1', orderCount: 2, confirmedCount: 1, cancelledCount: 1, totalSpentCents: 1000 }],
    'notification_views.delivery_status': [{ _id: 'd-1', orderId: 'o-1', status: 'SENT' }],
  };
}

const failing = (write: LabSnapshot, docs: ViewDocuments) => checkReadSide(write, docs).filter((c) => !c.ok);

describe('checkReadSide', () => {
  it('passes when the views say what the databases say', () => {
    const checks = checkReadSide(writeSide(), views());
    expect(checks.map((c) => c.ok)).toEqual([true, true, true, true, true]);
  });

  it('names the order whose view lags or is missing, and one the write side never had', () => {
    const docs = views();
    docs['order_views.order_details']![0]!.status = 'PENDING';
    docs['order_views.order_details']!.push({ _id: 'o-ghost', status: 'CONFIRMED', totalCents: 1 });
    expect(failing(writeSide(), docs)).toMatchObject([{ name: 'views-orders-match', ids: ['o-1', 'o-ghost'] }]);
  });

  it('names the user whose totals differ, the SKU whose stock differs, the payment and the delivery', () => {
    const docs = views();
    docs['user_views.user_summary']![0]!.totalSpentCents = 1300;
    docs['inventory_views.stock_levels']![0]!.onHand = 48;
    docs['order_views.payment_info']![1]!.status = 'COMPLETED';
    docs['notification_views.delivery_status'] = [];
    expect(failing(writeSide(), docs).map((c) => [c.name, c.ids])).toEqual([
      ['views-users-match', ['u-1']],
      ['views-stock-match', ['S-1']],
      ['views-payments-match', ['o-2']],
      ['views-deliveries-match', ['o-1']],
    ]);
  });

  it('does not hold a pending payment or delivery against the views', () => {
    const write = writeSide();
    write.payments.push({ id: 'p-3', orderId: 'o-3', status: 'PENDING', failureReason: null, captures: 0, capturedCents: 0, refundedCents: 0 });
    write.deliveries.push({ orderId: 'o-2', status: 'PENDING' });
    expect(failing(write, views())).toEqual([]);
  });
});
