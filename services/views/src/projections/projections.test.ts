import type { EventEnvelope } from '@frank/kit';
import { describe, expect, it } from 'vitest';
import { reduceReservation, reduceStockLevel, seedStockLevel, stockDeltaOf, type StockLevel } from './inventory-views.js';
import { deliveryFigures, reduceDeliveryStatus } from './notification-views.js';
import { historyEntryOf, reduceOrderDetails, reducePaymentInfo, type OrderDetails } from './order-views.js';
import { ACTIVITY_KEPT, reduceUserActivity, reduceUserOrder, reduceUserProfile, summarizeUser, type UserActivity, type UserOrder } from './user-views.js';

let n = 0;
function event(
  type: string,
  source: string,
  version: number,
  data: Record<string, unknown>,
  time = `2025-01-01T00:00:${String(10 + version).padStart(2, '0')}.000Z`,
): EventEnvelope {
  n++;
  return {
    id: `e-${n}`,
    type,
    source,
    time,
    sagaId: 's-1',
    correlationId: 'c-1',
    causationId: null,
    aggregateId: String(data.orderId ?? data.userId ?? 'x'),
    version,
    data,
  };
}

/** Applies events in order, as the projector does: undefined from a reducer leaves the document as it is. */
function fold<T>(reduce: (doc: T | undefined, e: EventEnvelope) => T | undefined, events: EventEnvelope[], start?: T): T | undefined {
  return events.reduce<T | undefined>((doc, e) => reduce(doc, e) ?? doc, start);
}

const created = event('order.created', 'order', 1, {
  orderId: 'o-1',
  userId: 'u-1',
  customer: { email: 'a@b', name: 'A' },
  items: [{ sku: 'S-1', qty: 2, priceCents: 500 }],
  totalCents: 1000,
  currency: 'EUR',
});
const confirmed = event('order.confirmed', 'order', 2, { orderId: 'o-1', userId: 'u-1', totalCents: 1000 });
const reserved = event('inventory.reserved', 'inventory', 1, { orderId: 'o-1', reservationId: 'r-1', items: [{ sku: 'S-1', qty: 2 }] });
const committed = event('inventory.committed', 'inventory', 2, { orderId: 'o-1', reservationId: 'r-1' });

describe('order_details', () => {
  it('follows the order through its events, and the same event again changes nothing', () => {
    const doc = fold(reduceOrderDetails, [created, reserved, committed, confirmed])!;
    expect(doc).toMatchObject({
      orderId: 'o-1',
      userId: 'u-1',
      status: 'CONFIRMED',
      totalCents: 1000,
      reservation: { status: 'COMMITTED', reservationId: 'r-1' },
      versions: { order: 2, inventory: 2 },
    });
    for (const again of [created, reserved, committed, confirmed]) expect(reduceOrderDetails(doc, again)).toBeUndefined();
  });

  it('never lets an older version overwrite a newer one, yet a late order.created fills in the lines', () => {
    const late = fold(reduceOrderDetails, [confirmed, committed, reserved, created])!;
    expect(late).toMatchObject({
      status: 'CONFIRMED',
      reservation: { status: 'COMMITTED' },
      items: [{ sku: 'S-1', qty: 2, priceCents: 500 }],
      customer: { email: 'a@b' },
    });
    const inOrder = fold(reduceOrderDetails, [created, reserved, committed, confirmed])!;
    expect({ ...late, updatedAt: null, createdAt: null }).toEqual({ ...inOrder, updatedAt: null, createdAt: null });
  });

  it('keeps the cancellation reason and the failed reservation', () => {
    const failed = event('inventory.reservation-failed', 'inventory', 1, { orderId: 'o-2', reason: 'out-of-stock', sku: 'S-9' });
    const cancelled = event('order.cancelled', 'order', 2, { orderId: 'o-2', userId: 'u-1', reason: 'out-of-stock' });
    expect(fold(reduceOrderDetails, [failed, cancelled])).toMatchObject({
      status: 'CANCELLED',
      cancelReason: 'out-of-stock',
      reservation: { status: 'FAILED', sku: 'S-9' },
    });
  });

  it('derives the order_history line from order_details', () => {
    const details = fold(reduceOrderDetails, [created, confirmed]) as OrderDetails;
    expect(historyEntryOf(details)).toEqual({
      _id: 'o-1',
      orderId: 'o-1',
      userId: 'u-1',
      status: 'CONFIRMED',
      itemCount: 2,
      totalCents: 1000,
      createdAt: created.time,
      updatedAt: confirmed.time,
    });
  });
});

describe('payment_info', () => {
  it('records a failure then the refund of a late success once', () => {
    const failed = event('payment.failed', 'payment', 1, { orderId: 'o-3', paymentId: 'p-3', reason: 'timeout' });
    const refunded = event('payment.refunded', 'payment', 2, { orderId: 'o-3', paymentId: 'p-3', amountCents: 700, refundId: 'f-1', reason: 'late-success' });
    const doc = fold(reducePaymentInfo, [failed, refunded, refunded, failed])!;
    expect(doc).toMatchObject({ status: 'REFUNDED', refundedCents: 700, versions: { payment: 2 } });
    expect(reducePaymentInfo(doc, failed)).toBeUndefined();
  });
});

describe('stock_levels', () => {
  const seeded = seedStockLevel(undefined, { sku: 'S-1', onHand: 10, reserved: 0 }, '2025-01-01T00:00:00.000Z')!;

  it('reserves, then commits, each event once however often it comes', () => {
    const apply = (doc: StockLevel, e: EventEnvelope) => reduceStockLevel(doc, 'S-1', e, stockDeltaOf(e.type, 2)!) ?? doc;
    const afterReserve = apply(seeded, reserved);
    expect(afterReserve).toMatchObject({ onHand: 10, reserved: 2, available: 8 });
    expect(reduceStockLevel(afterReserve, 'S-1', reserved, stockDeltaOf(reserved.type, 2)!)).toBeUndefined();
    const afterCommit = apply(apply(afterReserve, committed), committed);
    expect(afterCommit).toMatchObject({ onHand: 8, reserved: 0, available: 8 });
  });

  it('ignores an event the snapshot already holds, and a second snapshot', () => {
    const old = { ...reserved, id: 'old', time: '2024-12-31T23:59:59.000Z' };
    expect(reduceStockLevel(seeded, 'S-1', old, { onHand: 0, reserved: 2 })).toBeUndefined();
    expect(seedStockLevel(seeded, { sku: 'S-1', onHand: 99, reserved: 0 }, '2025-02-01T00:00:00.000Z')).toBeUndefined();
  });

  it('remembers what a reservation holds; released and committed only follow it', () => {
    const released = event('inventory.released', 'inventory', 2, { orderId: 'o-1', reservationId: 'r-1' });
    expect(reduceReservation(undefined, released)).toBeUndefined();
    const held = reduceReservation(undefined, reserved)!;
    expect(held).toMatchObject({ status: 'RESERVED', items: [{ sku: 'S-1', qty: 2 }] });
    const done = reduceReservation(held, released)!;
    expect(done.status).toBe('RELEASED');
    expect(reduceReservation(done, released)).toBeUndefined();
    expect(reduceReservation(done, reserved)).toBeUndefined();
  });
});

describe('user_orders and user_summary', () => {
  const created2 = event('order.created', 'order', 1, { orderId: 'o-2', userId: 'u-1', totalCents: 300, items: [], customer: {}, currency: 'EUR' });
  const cancelled2 = event('order.cancelled', 'order', 2, { orderId: 'o-2', userId: 'u-1', reason: 'declined' });

  it('keeps each order line by its newest event, each event once, the same in any order', () => {
    for (const events of [
      [created, confirmed],
      [created2, cancelled2],
    ]) {
      const line = fold(reduceUserOrder, events) as UserOrder;
      for (const again of events) expect(reduceUserOrder(line, again)).toBeUndefined();
      expect(fold(reduceUserOrder, [...events].reverse())).toEqual(line);
    }
    expect(fold(reduceUserOrder, [cancelled2, created2])).toMatchObject({ status: 'CANCELLED', totalCents: 300, createdAt: created2.time });
  });

  it('sums a user from their profile and order lines', () => {
    const lines = [fold(reduceUserOrder, [created, confirmed])!, fold(reduceUserOrder, [created2, cancelled2])!];
    const summary = summarizeUser('u-1', { email: 'a@b', name: 'A', registeredAt: '2025-01-01T00:00:00.000Z' }, lines);
    expect(summary).toEqual({
      _id: 'u-1',
      userId: 'u-1',
      email: 'a@b',
      name: 'A',
      registeredAt: '2025-01-01T00:00:00.000Z',
      orderCount: 2,
      confirmedCount: 1,
      cancelledCount: 1,
      totalSpentCents: 1000,
      lastOrderAt: created2.time,
    });
    expect(summarizeUser('u-2', null, [])).toMatchObject({ email: null, orderCount: 0, totalSpentCents: 0, lastOrderAt: null });
  });
});

describe('user_profile and user_activity', () => {
  const registered = event('user.registered', 'user', 1, { userId: 'u-1', email: 'a@b', name: 'A' });

  it('keeps the profile of user.registered, once', () => {
    const profile = reduceUserProfile(undefined, registered)!;
    expect(profile).toMatchObject({ _id: 'u-1', email: 'a@b', name: 'A', registeredAt: registered.time });
    expect(reduceUserProfile(profile, registered)).toBeUndefined();
    expect(reduceUserProfile(undefined, created)).toBeUndefined();
  });

  it('lists activity newest first, each event once, the same in any order', () => {
    const events = [registered, created, confirmed];
    const doc = fold(reduceUserActivity, events) as UserActivity;
    expect(doc.activity.map((a) => a.type)).toEqual(['order.confirmed', 'order.created', 'user.registered']);
    expect(doc).toMatchObject({ firstSeenAt: registered.time, lastActiveAt: confirmed.time });
    for (const again of events) expect(reduceUserActivity(doc, again)).toBeUndefined();
    expect(fold(reduceUserActivity, [...events].reverse())).toEqual(doc);
  });

  it(`keeps the newest ${ACTIVITY_KEPT}, and an older event than those changes nothing but the first sighting`, () => {
    const many = Array.from({ length: ACTIVITY_KEPT + 5 }, (_, i) =>
      event('order.created', 'order', 1, { orderId: `o-${i}`, userId: 'u-1' }, new Date(Date.UTC(2025, 0, 2, 0, 0, i)).toISOString()),
    );
    const doc = fold(reduceUserActivity, many) as UserActivity;
    expect(doc.activity).toHaveLength(ACTIVITY_KEPT);
    expect(doc.activity.at(-1)!.orderId).toBe('o-5');
    expect(fold(reduceUserActivity, [...many].reverse())).toEqual(doc);
    const older = event('order.created', 'order', 1, { orderId: 'o-old', userId: 'u-1' }, '2025-01-01T00:00:00.000Z');
    expect(reduceUserActivity(doc, older)).toMatchObject({ firstSeenAt: older.time, activity: doc.activity });
  });
});

describe('delivery_status', () => {
  it('keeps the newest outcome of a delivery', () => {
    const failed = event('notification.failed', 'notification', 2, { orderId: 'o-1', channel: 'email', deliveryId: 'd-1', attempts: 3, reason: 'bounced' });
    const notified = event('customer.notified', 'notification', 1, { orderId: 'o-1', channel: 'email', deliveryId: 'd-1', attempts: 1 });
    const doc = fold(reduceDeliveryStatus, [failed, notified])!;
    expect(doc).toMatchObject({ status: 'FAILED', attempts: 3, reason: 'bounced', template: 'unknown' });
    expect(reduceDeliveryStatus(doc, failed)).toBeUndefined();
  });

  it('derives channel performance and template usage from the deliveries', () => {
    const figures = deliveryFigures([
      { channel: 'email', template: 'order-confirmation', status: 'SENT', deliveries: 3, attempts: 4 },
      { channel: 'email', template: 'order-confirmation', status: 'FAILED', deliveries: 1, attempts: 3 },
      { channel: 'sms', template: 'order-confirmation', status: 'SENT', deliveries: 1, attempts: 1 },
    ]);
    expect(figures.channels).toEqual([
      { _id: 'email', channel: 'email', deliveries: 4, sent: 3, failed: 1, successRate: 0.75, avgAttempts: 1.75 },
      { _id: 'sms', channel: 'sms', deliveries: 1, sent: 1, failed: 0, successRate: 1, avgAttempts: 1 },
    ]);
    expect(figures.templates).toEqual([
      { _id: 'order-confirmation', template: 'order-confirmation', deliveries: 5, sent: 4, failed: 1, byChannel: { email: 4, sms: 1 } },
    ]);
    expect(deliveryFigures([])).toEqual({ channels: [], templates: [] });
  });
});

describe('stock adjustments', () => {
  it('add to or take from on hand, once each', () => {
    const seeded = seedStockLevel(undefined, { sku: 'S-1', onHand: 10, reserved: 2 }, '2025-01-01T00:00:00.000Z')!;
    const adjusted = event('inventory.stock-adjusted', 'inventory', 1, { sku: 'S-1', onHand: 50, delta: 40 });
    const doc = reduceStockLevel(seeded, 'S-1', adjusted, stockDeltaOf(adjusted.type, 40)!)!;
    expect(doc).toMatchObject({ onHand: 50, reserved: 2, available: 48 });
    expect(reduceStockLevel(doc, 'S-1', adjusted, stockDeltaOf(adjusted.type, 40)!)).toBeUndefined();
  });
});
