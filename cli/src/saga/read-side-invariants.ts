import type { Document } from 'mongodb';
import type { ViewDocuments } from '../views/read-side.js';
import { invariantResult as result, type InvariantResult } from './invariant-result.js';
import type { LabSnapshot } from './snapshot.js';

const PAYMENT_STATUS: Record<string, string> = { CAPTURED: 'COMPLETED', FAILED: 'FAILED', REFUNDED: 'REFUNDED' };

const byId = (docs: Document[] | undefined) => new Map((docs ?? []).map((d) => [String(d._id), d]));

/**
 * The read side says what the write side says: per order its status and total (details and
 * history), per user the counts and money of their orders, per product its stock, per payment
 * its outcome, per order its delivered notifications. Only settled facts are compared: a
 * PENDING order or payment may be ahead of its events.
 */
export function checkReadSide(snapshot: LabSnapshot, views: ViewDocuments): InvariantResult[] {
  const details = byId(views['order_views.order_details']);
  const history = byId(views['order_views.order_history']);
  const orderOffenders: { id: string; why: string }[] = [];
  for (const order of snapshot.orders) {
    const doc = details.get(order.id);
    const line = history.get(order.id);
    if (!doc) orderOffenders.push({ id: order.id, why: 'no order_details' });
    else if (doc.status !== order.status) orderOffenders.push({ id: order.id, why: `order_details says ${String(doc.status)}, order-service ${order.status}` });
    else if (doc.totalCents !== order.totalCents) orderOffenders.push({ id: order.id, why: `total ${String(doc.totalCents)} ≠ ${order.totalCents}` });
    else if (!line || line.status !== order.status) orderOffenders.push({ id: order.id, why: `order_history says ${String(line?.status ?? 'nothing')}` });
  }
  const known = new Set(snapshot.orders.map((o) => o.id));
  for (const id of details.keys()) if (!known.has(id)) orderOffenders.push({ id, why: 'in order_details, not in order-service' });

  const expectedUsers = new Map<string, { orders: number; confirmed: number; cancelled: number; spent: number }>();
  for (const order of snapshot.orders) {
    const userId = order.userId;
    const user = expectedUsers.get(userId) ?? { orders: 0, confirmed: 0, cancelled: 0, spent: 0 };
    user.orders++;
    if (order.status === 'CONFIRMED') {
      user.confirmed++;
      user.spent += order.totalCents;
    }
    if (order.status === 'CANCELLED') user.cancelled++;
    expectedUsers.set(userId, user);
  }
  const summaries = byId(views['user_views.user_summary']);
  const userOffenders: { id: string; why: string }[] = [];
  for (const [userId, expected] of expectedUsers) {
    const doc = summaries.get(userId);
    const seen = doc ? { orders: doc.orderCount, confirmed: doc.confirmedCount, cancelled: doc.cancelledCount, spent: doc.totalSpentCents } : undefined;
    if (!seen) userOffenders.push({ id: userId, why: 'no user_summary' });
    else if (JSON.stringify(seen) !== JSON.stringify(expected))
      userOffenders.push({ id: userId, why: `views ${JSON.stringify(seen)}, orders ${JSON.stringify(expected)}` });
  }

  const stock = byId(views['inventory_views.stock_levels']);
  const stockOffenders = snapshot.stock.flatMap((s) => {
    const doc = stock.get(s.sku);
    if (!doc) return [{ id: s.sku, why: 'no stock_levels' }];
    return doc.onHand === s.onHand && doc.reserved === s.reserved
      ? []
      : [{ id: s.sku, why: `views ${String(doc.onHand)}/${String(doc.reserved)}, inventory ${s.onHand}/${s.reserved} (on hand/reserved)` }];
  });

  const payments = byId(views['order_views.payment_info']);
  const paymentOffenders = snapshot.payments.flatMap((p) => {
    const expected = PAYMENT_STATUS[p.status];
    if (!expected) return [];
    const doc = payments.get(p.orderId);
    return doc?.status === expected && doc.refundedCents === p.refundedCents
      ? []
      : [{ id: p.orderId, why: `payment_info says ${String(doc?.status ?? 'nothing')}, payment-service ${p.status}` }];
  });

  const delivered = new Map<string, string[]>();
  for (const d of snapshot.deliveries) if (d.status !== 'PENDING') delivered.set(d.orderId, [...(delivered.get(d.orderId) ?? []), d.status].sort());
  const viewed = new Map<string, string[]>();
  for (const d of views['notification_views.delivery_status'] ?? [])
    viewed.set(String(d.orderId), [...(viewed.get(String(d.orderId)) ?? []), String(d.status)].sort());
  const deliveryOffenders = [...delivered].flatMap(([orderId, statuses]) =>
    JSON.stringify(viewed.get(orderId) ?? []) === JSON.stringify(statuses)
      ? []
      : [{ id: orderId, why: `delivery_status ${JSON.stringify(viewed.get(orderId) ?? [])}, notification ${JSON.stringify(statuses)}` }],
  );

  return [
    result('views-orders-match', orderOffenders, `${snapshot.orders.length} orders in order_details and order_history as in order-service`),
    result('views-users-match', userOffenders, `${expectedUsers.size} users' counts and totals as in order-service`),
    result('views-stock-match', stockOffenders, `${snapshot.stock.length} products' stock as in inventory-service`),
    result('views-payments-match', paymentOffenders, 'every settled payment as in payment-service'),
    result('views-deliveries-match', deliveryOffenders, 'every finished delivery as in notification-service'),
  ];
}
