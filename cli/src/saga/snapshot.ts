import amqplib from 'amqplib';
import type { LabAccess } from './lab-access.js';

export interface OrderRow {
  id: string;
  userId: string;
  status: string;
  totalCents: number;
  items: { sku: string; qty: number }[];
}

/** What the invariant checker reads, from the services' reports (saga_report views), their outboxes and the broker, at one moment. */
export interface LabSnapshot {
  orders: OrderRow[];
  stock: { sku: string; onHand: number; reserved: number; stocked: number; committed: number; conserved: boolean }[];
  reservations: { id: string; orderId: string; status: string }[];
  /** Units that left the stock for an order (`stock_movements` of kind commit), per order and SKU. */
  commits: { orderId: string; sku: string; units: number }[];
  payments: { id: string; orderId: string; status: string; failureReason: string | null; captures: number; capturedCents: number; refundedCents: number }[];
  deliveries: { orderId: string; status: string }[];
  /** sales_fact summed per order. */
  sales: { orderId: string; totalCents: number }[];
  undispatched: { service: string; id: string; eventType: string }[];
  queues: { queue: string; messages: number | null }[];
}

const int = (value: unknown) => Number(value);

export async function takeSnapshot(access: LabAccess): Promise<LabSnapshot> {
  const report = async <T extends Record<string, unknown>>(view: string, sql: string) => (await access.report(view).query<T>(sql)).rows;
  const [orders, stock, reservations, commits, payments, deliveries, sales, undispatched, queues] = await Promise.all([
    report<{ id: string; user_id: string; status: string; total_cents: string; items: { sku: string; qty: number }[] | null }>(
      'orders',
      'SELECT id::text, user_id::text, status, total_cents::text, items FROM saga_report.orders',
    ),
    report<{ sku: string; on_hand: number; reserved: number; stocked: number; committed: number; conserved: boolean }>(
      'stock',
      'SELECT sku, on_hand, reserved, stocked, committed, conserved FROM saga_report.stock',
    ),
    report<{ id: string; order_id: string; status: string }>('reservations', 'SELECT id::text, order_id, status FROM saga_report.reservations'),
    report<{ order_id: string; sku: string; units: string }>('commits', 'SELECT order_id, sku, units::text FROM saga_report.commits'),
    report<{ id: string; order_id: string; status: string; failure_reason: string | null; captures: number; captured: string; refunded: string }>(
      'payments',
      'SELECT id::text, order_id, status, failure_reason, captures, captured_cents::text AS captured, refunded_cents::text AS refunded FROM saga_report.payments',
    ),
    report<{ order_id: string; status: string }>('deliveries', 'SELECT order_id, status FROM saga_report.deliveries'),
    report<{ order_id: string; total: string }>('sales', 'SELECT order_id, total_cents::text AS total FROM saga_report.sales'),
    Promise.all(
      access.saga.participants.map(async (service) =>
        (
          await access
            .db(service)
            .query<{ id: string; event_type: string }>('SELECT id::text, event_type FROM saga_coord.outbox WHERE dispatched_at IS NULL ORDER BY created_at')
        ).rows.map((r) => ({ service, id: r.id, eventType: r.event_type })),
      ),
    ),
    queueDepths(
      access.amqpUrl,
      access.saga.queues.flatMap((q) => [q, `${q}.dlq`]),
    ),
  ]);
  return {
    orders: orders.map((o) => ({ id: o.id, userId: o.user_id, status: o.status, totalCents: int(o.total_cents), items: o.items ?? [] })),
    stock: stock.map((s) => ({ sku: s.sku, onHand: s.on_hand, reserved: s.reserved, stocked: s.stocked, committed: s.committed, conserved: s.conserved })),
    reservations: reservations.map((r) => ({ id: r.id, orderId: r.order_id, status: r.status })),
    commits: commits.map((c) => ({ orderId: c.order_id, sku: c.sku, units: int(c.units) })),
    payments: payments.map((p) => ({
      id: p.id,
      orderId: p.order_id,
      status: p.status,
      failureReason: p.failure_reason,
      captures: p.captures,
      capturedCents: int(p.captured),
      refundedCents: int(p.refunded),
    })),
    deliveries: deliveries.map((d) => ({ orderId: d.order_id, status: d.status })),
    sales: sales.map((s) => ({ orderId: s.order_id, totalCents: int(s.total) })),
    undispatched: undispatched.flat(),
    queues,
  };
}

/** Ready messages per queue (`checkQueue`); null for a queue that does not exist. */
export async function queueDepths(amqpUrl: string, queues: readonly string[]): Promise<{ queue: string; messages: number | null }[]> {
  return (await queueStates(amqpUrl, queues)).map(({ queue, state }) => ({ queue, messages: state?.messages ?? null }));
}

export interface QueueState {
  /** Ready messages (not those delivered and unacknowledged). */
  messages: number;
  consumers: number;
}

/** Each queue's ready messages and consumers (passive `checkQueue`); null for a queue that does not exist. */
export async function queueStates(amqpUrl: string, queues: readonly string[]): Promise<{ queue: string; state: QueueState | null }[]> {
  const connection = await amqplib.connect(amqpUrl);
  connection.on('error', () => undefined);
  try {
    const states: { queue: string; state: QueueState | null }[] = [];
    for (const queue of queues) {
      // A missing queue closes the channel (404): one channel per check.
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      try {
        const { messageCount, consumerCount } = await channel.checkQueue(queue);
        states.push({ queue, state: { messages: messageCount, consumers: consumerCount } });
        await channel.close();
      } catch {
        states.push({ queue, state: null });
      }
    }
    return states;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
