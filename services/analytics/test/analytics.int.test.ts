import { deadLetterQueueOf, runService } from '@frank/kit';
import amqplib from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeLabDir } from '../../../cli/test/lab-fixture.js';
import { definition, QUEUE } from '../src/service.js';
import { envelope, freePort, migrate, startLab, tapEvents, until, type EventTap } from '../../../cli/test/service-lab.js';

const LAB = `version: 1
resources:
  analytics-db:
    kind: postgres
    port: 5438
    databases:
      analytics_service: [analytics_domain]
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
`;

describe('analytics against real PostgreSQL and RabbitMQ', () => {
  let dir: string | undefined;
  let amqpUrl: string;
  let db: pg.Pool;
  let tap: EventTap;
  let service: { stop(): Promise<void> } | undefined;
  let base: string;

  beforeAll(async () => {
    const lab = await startLab(LAB);
    dir = lab.dir;
    amqpUrl = lab.env.RABBITMQ_URL!;
    const databaseUrl = lab.env.ANALYTICS_SERVICE_DATABASE_URL!;
    await migrate(databaseUrl, 'analytics');
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    tap = await tapEvents(amqpUrl, 'analytics-test.tap');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = await runService(definition, { PORT: String(port), DATABASE_URL: databaseUrl, AMQP_URL: amqpUrl, ANALYTICS_REFRESH_INTERVAL_MS: '300' });
    await until(async () => (await fetch(`${base}/health/ready`)).ok);
  });

  afterAll(async () => {
    await service?.stop();
    await tap?.close();
    await db?.end();
    if (dir) await removeLabDir(dir);
  });

  const recordedFor = (orderId: string) => tap.seen.filter((e) => e.type === 'analytics.recorded' && e.aggregateId === orderId);
  const factsOf = async (orderId: string) =>
    (
      await db.query<{ line_no: number; qty: number; total_cents: string }>(
        'SELECT line_no, qty, total_cents FROM analytics_domain.sales_fact WHERE order_id = $1 ORDER BY line_no',
        [orderId],
      )
    ).rows;
  const staged = async (orderId: string) => (await db.query('SELECT * FROM analytics_domain.orders_staging WHERE order_id = $1', [orderId])).rows[0];
  /** Every message the queue took is processed: the inbox holds these ids. */
  const processed = async (...ids: string[]) =>
    until(async () => (await db.query('SELECT count(*)::int AS n FROM saga_coord.inbox WHERE message_id = ANY($1)', [ids])).rows[0].n === ids.length);
  const created = (orderId: string, userId = 'u-1') =>
    envelope('order.created', orderId, {
      orderId,
      userId,
      customer: { email: `${userId}@frank.lab`, name: `Name ${userId}`, phone: null },
      items: [
        { sku: 'SKU-A', qty: 2, priceCents: 1250 },
        { sku: 'SKU-B', qty: 1, priceCents: 499 },
      ],
      totalCents: 2999,
      currency: 'EUR',
    });

  it('loads a confirmed order line by line once, however often its events come, and records it once', async () => {
    const orderId = 'o-confirmed';
    const events = [
      envelope('user.registered', 'u-1', { userId: 'u-1', email: 'u-1@frank.lab', name: 'Name u-1' }),
      created(orderId),
      envelope('inventory.reserved', orderId, { orderId, reservationId: 'r-1', items: [] }),
      envelope('payment.completed', orderId, { orderId, paymentId: 'p-1', amountCents: 2999, providerRef: 'x' }),
      envelope('order.confirmed', orderId, { orderId, userId: 'u-1', totalCents: 2999 }),
    ];
    for (const event of events) await tap.publish(event);
    // The same messages again, and the same facts under new message ids.
    for (const event of events) await tap.publish(event);
    const again = [
      envelope('order.created', orderId, created(orderId).data),
      envelope('payment.completed', orderId, events[3]!.data),
      envelope('order.confirmed', orderId, events[4]!.data),
    ];
    for (const event of again) await tap.publish(event);
    await processed(...[...events, ...again].map((e) => e.id));
    expect(await factsOf(orderId)).toEqual([
      { line_no: 1, qty: 2, total_cents: '2500' },
      { line_no: 2, qty: 1, total_cents: '499' },
    ]);
    expect(recordedFor(orderId)).toHaveLength(0); // not before the notification outcome

    const notified = envelope('customer.notified', orderId, { orderId, channel: 'email', deliveryId: 'd-1', attempts: 1 });
    await tap.publish(notified);
    const [recorded] = await until(async () => recordedFor(orderId).length > 0 && recordedFor(orderId));
    expect(recorded).toMatchObject({ source: 'analytics', sagaId: `saga-${orderId}`, causationId: notified.id, data: { orderId, totalCents: 2999 } });
    const failedLater = envelope('notification.failed', orderId, { orderId, channel: 'email', deliveryId: 'd-2', attempts: 3, reason: 'x' });
    await tap.publish(notified);
    await tap.publish(failedLater);
    await processed(failedLater.id);
    await new Promise((r) => setTimeout(r, 500));
    expect(recordedFor(orderId)).toHaveLength(1);
    const activity = await db.query(
      "SELECT activity, count(*)::int AS n FROM analytics_domain.user_activity_fact WHERE user_id = 'u-1' GROUP BY activity ORDER BY activity",
    );
    expect(activity.rows).toEqual([
      { activity: 'confirmed', n: 2 }, // two order.confirmed messages with different ids: two activity events
      { activity: 'ordered', n: 2 },
      { activity: 'registered', n: 1 },
    ]);
  });

  it('never loads a cancelled order, even when a confirmation or a notification arrives late', async () => {
    const orderId = 'o-cancelled';
    const saga = [
      created(orderId, 'u-2'),
      envelope('inventory.reservation-failed', orderId, { orderId, reason: 'out-of-stock', sku: 'SKU-A' }),
      envelope('order.cancelled', orderId, { orderId, userId: 'u-2', reason: 'out-of-stock' }),
    ];
    for (const event of saga) await tap.publish(event);
    await processed(...saga.map((e) => e.id));
    // Late: after the cancellation was taken in (the consumer handles messages side by side, so
    // only what was processed earlier is "before").
    const late = [
      envelope('payment.completed', orderId, { orderId, paymentId: 'p-2', amountCents: 2999, providerRef: 'x' }),
      envelope('customer.notified', orderId, { orderId, channel: 'email', deliveryId: 'd-3', attempts: 1 }),
      saga[0]!,
    ];
    for (const event of late) await tap.publish(event);
    await processed(...late.map((e) => e.id));
    expect(await factsOf(orderId)).toEqual([]);
    expect(await staged(orderId)).toMatchObject({ loaded_at: null, recorded_at: null });
    expect(recordedFor(orderId)).toHaveLength(0);
  });

  it('loads an order whose confirmation and notification came before order.created', async () => {
    const orderId = 'o-late';
    const early = [
      envelope('payment.completed', orderId, { orderId, paymentId: 'p-3', amountCents: 2999, providerRef: 'x' }),
      envelope('customer.notified', orderId, { orderId, channel: 'sms', deliveryId: 'd-4', attempts: 1 }),
    ];
    for (const event of early) await tap.publish(event);
    await processed(...early.map((e) => e.id));
    expect(await factsOf(orderId)).toEqual([]);
    await tap.publish(created(orderId, 'u-3'));
    await until(async () => recordedFor(orderId).length === 1);
    expect(await factsOf(orderId)).toHaveLength(2);
  });

  it('refreshes the cubes after loads, and they agree with the facts and the reports', async () => {
    const facts = await db.query<{ revenue: string; orders: number }>(
      'SELECT sum(total_cents) AS revenue, count(DISTINCT order_id)::int AS orders FROM analytics_domain.sales_fact',
    );
    expect(facts.rows[0]).toEqual({ revenue: String(2 * 2999), orders: 2 });
    await until(async () => {
      const cube = await db.query("SELECT sum(revenue_cents)::int AS revenue FROM analytics_domain.monthly_sales_cube WHERE sku = '*'");
      return cube.rows[0].revenue === 2 * 2999;
    });
    const months = (await (await fetch(`${base}/reports/sales-by-month`)).json()) as {
      month: string;
      orders: number;
      revenueCents: number;
      products: { sku: string; units: number }[];
    }[];
    expect(months).toHaveLength(1);
    expect(months[0]).toMatchObject({ month: new Date().toISOString().slice(0, 7), orders: 2, revenueCents: 5998 });
    expect(months[0]!.products).toEqual([expect.objectContaining({ sku: 'SKU-A', units: 4 }), expect.objectContaining({ sku: 'SKU-B', units: 2 })]);
    await until(async () => ((await (await fetch(`${base}/reports/customer-ltv`)).json()) as unknown[]).length === 2);
    const ltv = (await (await fetch(`${base}/reports/customer-ltv?limit=5`)).json()) as { userId: string; orders: number; ltvCents: number }[];
    expect(ltv.map((c) => [c.userId, c.orders, c.ltvCents])).toEqual([
      ['u-1', 1, 2999],
      ['u-3', 1, 2999],
    ]);
    const summary = (await (await fetch(`${base}/reports/summary`)).json()) as {
      sales: { revenueCents: number; orders: number };
      ordersStaged: Record<string, number>;
      cubesRefreshedAt: string | null;
    };
    expect(summary.sales).toMatchObject({ orders: 2, revenueCents: 5998 });
    expect(summary.ordersStaged).toMatchObject({ loaded: 2, cancelled: 1, recorded: 2 });
    expect(summary.cubesRefreshedAt).not.toBeNull();
  });

  it("counts an event type no handler names (a new service's), dead-letters only what is not an envelope, and goes on", async () => {
    const stranger = envelope('shipping.scheduled', 'm-1', { orderId: 'm-1' });
    await tap.publish(stranger);
    await until(
      async () => (await db.query('SELECT type FROM analytics_domain.events_seen WHERE event_id = $1', [stranger.id])).rows[0]?.type === 'shipping.scheduled',
    );
    const connection = await amqplib.connect(amqpUrl);
    try {
      const channel = await connection.createConfirmChannel();
      expect((await channel.checkQueue(deadLetterQueueOf(QUEUE))).messageCount).toBe(0);
      channel.publish('frank.events', 'shipping.scheduled', Buffer.from('{"not": "an envelope"'), { persistent: true });
      await channel.waitForConfirms();
      await until(async () => (await channel.checkQueue(deadLetterQueueOf(QUEUE))).messageCount === 1);
    } finally {
      await connection.close();
    }
  });

  it('answers a bad report parameter with a 400 naming it', async () => {
    const response = await fetch(`${base}/reports/customer-ltv?limit=0`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { field: string } }).error).toMatchObject({ code: 'validation-failed', field: 'limit' });
  });
});
