import { readViews } from '../views/read-side.js';
import { invariantResult as result, type InvariantResult } from './invariant-result.js';
import type { LabAccess } from './lab-access.js';
import { checkReadSide } from './read-side-invariants.js';
import { takeSnapshot, type LabSnapshot } from './snapshot.js';

export { MAX_IDS, type InvariantResult } from './invariant-result.js';

/*
 * The invariants of DESIGN.md, checked at rest against every service's database, the broker and
 * the read side. Each gives pass or fail with the offending ids.
 */

export interface InvariantOptions {
  /** Orders the run was answered 202 for: each must exist. */
  placedOrderIds?: string[];
  /** The scenario injected poison: dead-letter queues may hold messages. */
  allowDeadLetters?: boolean;
}

const TERMINAL = new Set(['CONFIRMED', 'CANCELLED']);

/** Every order answered 202 exists and is CONFIRMED or CANCELLED. */
export function ordersSettled(snapshot: LabSnapshot, placedOrderIds: string[] = []): InvariantResult {
  const known = new Set(snapshot.orders.map((o) => o.id));
  const offenders = [
    ...placedOrderIds.filter((id) => !known.has(id)).map((id) => ({ id, why: "answered 202 but not in order-service's orders" })),
    ...snapshot.orders.filter((o) => !TERMINAL.has(o.status)).map((o) => ({ id: o.id, why: o.status })),
  ];
  return result('orders-settled', offenders, `${snapshot.orders.length} orders, every one CONFIRMED or CANCELLED`);
}

/**
 * Stock is conserved per SKU (stocked = on_hand + committed, from inventory's ledger), never
 * negative, and the units that left equal the units of confirmed orders, order by order.
 */
export function stockConserved(snapshot: LabSnapshot): InvariantResult {
  const offenders: { id: string; why: string }[] = [];
  for (const s of snapshot.stock) {
    if (!s.conserved) offenders.push({ id: s.sku, why: `stocked ${s.stocked} ≠ on_hand ${s.onHand} + committed ${s.committed}` });
    if (s.onHand < 0 || s.reserved < 0) offenders.push({ id: s.sku, why: `negative: on_hand ${s.onHand}, reserved ${s.reserved}` });
  }
  const committed = new Map<string, number>();
  for (const c of snapshot.commits) committed.set(`${c.orderId} ${c.sku}`, (committed.get(`${c.orderId} ${c.sku}`) ?? 0) + c.units);
  const ordered = new Map<string, number>();
  for (const o of snapshot.orders.filter((o) => o.status === 'CONFIRMED')) for (const i of o.items) ordered.set(`${o.id} ${i.sku}`, i.qty);
  for (const key of new Set([...committed.keys(), ...ordered.keys()])) {
    const [orderId, sku] = key.split(' ') as [string, string];
    const units = committed.get(key) ?? 0;
    const qty = ordered.get(key) ?? 0;
    if (units !== qty) offenders.push({ id: orderId, why: `${sku}: ${units} units left the stock, the confirmed order has ${qty}` });
  }
  return result('stock-conserved', offenders, `${snapshot.stock.length} SKUs conserved, none negative; committed units = units of confirmed orders`);
}

/** Nothing reserved at rest: no HELD reservation, no SKU with reserved ≠ 0. */
export function nothingReserved(snapshot: LabSnapshot): InvariantResult {
  const offenders = [
    ...snapshot.reservations.filter((r) => r.status === 'HELD').map((r) => ({ id: r.orderId, why: `reservation ${r.id} still HELD` })),
    ...snapshot.stock.filter((s) => s.reserved !== 0).map((s) => ({ id: s.sku, why: `reserved ${s.reserved}` })),
  ];
  return result('nothing-reserved-at-rest', offenders, 'no reservation HELD, reserved = 0 on every SKU');
}

/** Every settled order has the reservation outcome its state implies: CONFIRMED → COMMITTED, CANCELLED → RELEASED or REJECTED. */
export function reservationsMatchOrders(snapshot: LabSnapshot): InvariantResult {
  const byOrder = new Map(snapshot.reservations.map((r) => [r.orderId, r]));
  const offenders: { id: string; why: string }[] = [];
  for (const o of snapshot.orders) {
    const reservation = byOrder.get(o.id);
    if (o.status === 'CONFIRMED' && reservation?.status !== 'COMMITTED')
      offenders.push({ id: o.id, why: `CONFIRMED but reservation ${reservation ? reservation.status : 'missing'}` });
    if (o.status === 'CANCELLED' && reservation?.status !== 'RELEASED' && reservation?.status !== 'REJECTED')
      offenders.push({ id: o.id, why: `CANCELLED but reservation ${reservation ? reservation.status : 'missing'}` });
  }
  const orders = new Set(snapshot.orders.map((o) => o.id));
  for (const r of snapshot.reservations)
    if (!orders.has(r.orderId)) offenders.push({ id: r.orderId, why: `reservation ${r.id} for an order order-service does not know` });
  return result('reservations-match-orders', offenders, 'every confirmed order committed its reservation, every cancelled one released or was rejected');
}

/** Captured − refunded = the total for a confirmed order, 0 otherwise. */
export function moneyBalanced(snapshot: LabSnapshot): InvariantResult {
  const byOrder = new Map<string, { captured: number; refunded: number }>();
  for (const p of snapshot.payments) {
    const sum = byOrder.get(p.orderId) ?? { captured: 0, refunded: 0 };
    byOrder.set(p.orderId, { captured: sum.captured + p.capturedCents, refunded: sum.refunded + p.refundedCents });
  }
  const offenders: { id: string; why: string }[] = [];
  const seen = new Set<string>();
  for (const o of snapshot.orders) {
    seen.add(o.id);
    const money = byOrder.get(o.id) ?? { captured: 0, refunded: 0 };
    const expected = o.status === 'CONFIRMED' ? o.totalCents : 0;
    const net = money.captured - money.refunded;
    if (net !== expected)
      offenders.push({ id: o.id, why: `${o.status}: captured ${money.captured} − refunded ${money.refunded} = ${net}, expected ${expected}` });
  }
  for (const [orderId, money] of byOrder) {
    if (!seen.has(orderId) && money.captured - money.refunded !== 0)
      offenders.push({ id: orderId, why: `payment for an unknown order keeps ${money.captured - money.refunded}` });
  }
  return result('money-balanced', offenders, 'captured − refunded = total for every confirmed order and 0 for every other');
}

/** At most one capture per order. */
export function oneCapturePerOrder(snapshot: LabSnapshot): InvariantResult {
  const captures = new Map<string, number>();
  for (const p of snapshot.payments) captures.set(p.orderId, (captures.get(p.orderId) ?? 0) + p.captures);
  const offenders = [...captures].filter(([, n]) => n > 1).map(([id, n]) => ({ id, why: `${n} captures` }));
  return result('at-most-one-capture', offenders, 'no order captured twice');
}

export function outboxDispatched(snapshot: LabSnapshot): InvariantResult {
  const offenders = snapshot.undispatched.map((r) => ({ id: `${r.service}:${r.id}`, why: r.eventType }));
  return result('outbox-dispatched', offenders, 'every outbox row of every service dispatched');
}

export function queuesEmpty(snapshot: LabSnapshot): InvariantResult {
  const offenders = snapshot.queues
    .filter((q) => !q.queue.endsWith('.dlq'))
    .filter((q) => q.messages !== 0)
    .map((q) => ({ id: q.queue, why: q.messages === null ? 'does not exist (is its service running?)' : `${q.messages} messages` }));
  return result('queues-empty', offenders, 'every consumer queue empty');
}

export function deadLetterQueuesEmpty(snapshot: LabSnapshot, allowDeadLetters = false): InvariantResult {
  const offenders = snapshot.queues
    .filter((q) => q.queue.endsWith('.dlq'))
    .filter((q) => q.messages === null || (!allowDeadLetters && q.messages > 0))
    .map((q) => ({ id: q.queue, why: q.messages === null ? 'does not exist' : `${q.messages} dead letters` }));
  return result(
    'dead-letter-queues-empty',
    offenders,
    allowDeadLetters ? 'dead letters allowed: the scenario injected poison' : 'every dead-letter queue empty',
  );
}

/** analytics' sales_fact holds exactly the confirmed orders' totals, order by order. */
export function salesMatchConfirmed(snapshot: LabSnapshot): InvariantResult {
  const sales = new Map(snapshot.sales.map((s) => [s.orderId, s.totalCents]));
  const offenders: { id: string; why: string }[] = [];
  let confirmedTotal = 0;
  for (const o of snapshot.orders) {
    const sold = sales.get(o.id) ?? 0;
    sales.delete(o.id);
    const expected = o.status === 'CONFIRMED' ? o.totalCents : 0;
    confirmedTotal += expected;
    if (sold !== expected) offenders.push({ id: o.id, why: `${o.status}: sales_fact ${sold}, expected ${expected}` });
  }
  for (const [orderId, sold] of sales) offenders.push({ id: orderId, why: `sales_fact ${sold} for an order order-service does not know` });
  const salesTotal = snapshot.sales.reduce((sum, s) => sum + s.totalCents, 0);
  return result('analytics-sales-match', offenders, `sales_fact total ${salesTotal} = confirmed totals ${confirmedTotal}`);
}

export function evaluateInvariants(snapshot: LabSnapshot, options: InvariantOptions = {}): InvariantResult[] {
  return [
    ordersSettled(snapshot, options.placedOrderIds),
    stockConserved(snapshot),
    nothingReserved(snapshot),
    reservationsMatchOrders(snapshot),
    moneyBalanced(snapshot),
    oneCapturePerOrder(snapshot),
    outboxDispatched(snapshot),
    queuesEmpty(snapshot),
    deadLetterQueuesEmpty(snapshot, options.allowDeadLetters),
    salesMatchConfirmed(snapshot),
  ];
}

/** Reads the lab once and checks every invariant. */
export async function checkInvariants(access: LabAccess, options: InvariantOptions = {}): Promise<{ snapshot: LabSnapshot; invariants: InvariantResult[] }> {
  const snapshot = await takeSnapshot(access);
  const invariants = evaluateInvariants(snapshot, options);
  // The read side: the views must say what the databases say (a lab without Mongo has none to check).
  if (access.env.MONGO_URL) invariants.push(...checkReadSide(snapshot, await readViews(access.env.MONGO_URL)));
  return { snapshot, invariants };
}
