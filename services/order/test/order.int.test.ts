import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, runService, type DbClient, type EventEnvelope } from '@frank/kit';
import { applySagaEvent } from '../src/messaging/saga-consumer.js';
import { definition } from '../src/service.js';
import { startFakeInventory } from './fake-inventory.js';
import { freePort, migrate, startLab, until, type TestLab } from '../../../cli/test/service-lab.js';
import { signToken } from '@frank/kit';

const LAB = `version: 1
resources:
  order-db:
    kind: postgres
    port: 5434
    databases:
      order_service: [order_domain, saga_coord, event_store]
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
`;
const JWT_SECRET = 'order-test-secret-0123456789';
const DEMO = { sub: '00000000-0000-4000-8000-000000000001', email: 'demo@frank.lab', name: 'Demo Customer', phone: '+4930555010', roles: ['customer'] };
const OTHER = { sub: randomUUID(), email: 'other@frank.lab', name: 'Other', roles: ['customer'] };
const ADMIN = { sub: '00000000-0000-4000-8000-000000000002', email: 'admin@frank.lab', name: 'Lab Admin', roles: ['admin'] };
const demoToken = signToken(DEMO, JWT_SECRET);
const otherToken = signToken(OTHER, JWT_SECRET);
const adminToken = signToken(ADMIN, JWT_SECRET);

interface Answer {
  status: number;
  body: any;
}

describe('order-service against real PostgreSQL and RabbitMQ', () => {
  let lab: TestLab | undefined;
  let db: pg.Client;
  let inventory: Awaited<ReturnType<typeof startFakeInventory>> | undefined;
  let service: Awaited<ReturnType<typeof runService>> | undefined;
  let base: string;
  let broker: amqplib.ChannelModel;
  let publisher: amqplib.ConfirmChannel;
  const published: any[] = [];

  const call = async (method: string, path: string, options: { json?: unknown; raw?: string; token?: string } = {}): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (options.json !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json)),
    });
    return { status: res.status, body: await res.json() };
  };
  const placeOrder = async (items = [{ sku: 'SKU-1', qty: 2 }]) => {
    const answer = await call('POST', '/orders', { json: { items }, token: demoToken });
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    return answer.body as { orderId: string; sagaId: string };
  };
  /** Publishes as another service would: an envelope on frank.events, routing key = type. */
  const emit = async (type: string, orderId: string, sagaId: string | null, data: Record<string, unknown> = {}, id: string = randomUUID()) => {
    const envelope = {
      id,
      type,
      source: 'test',
      time: new Date().toISOString(),
      sagaId,
      correlationId: sagaId ?? id,
      causationId: null,
      aggregateId: orderId,
      version: 1,
      data: { orderId, ...data },
    };
    publisher.publish('frank.events', type, Buffer.from(JSON.stringify(envelope)), { persistent: true });
    await publisher.waitForConfirms();
    return envelope;
  };
  const state = async (orderId: string) =>
    (
      await db.query<{ status: string; saga_status: string; step: string; cancel_reason: string | null }>(
        'SELECT o.status, s.status AS saga_status, s.step, o.cancel_reason FROM order_domain.orders o JOIN saga_coord.saga_state s USING (saga_id) WHERE o.id = $1',
        [orderId],
      )
    ).rows[0];
  const settlesAt = (orderId: string, status: string, sagaStatus: string) =>
    until(async () => {
      const now = await state(orderId);
      return now?.status === status && now.saga_status === sagaStatus ? now : undefined;
    });
  const count = async (sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0]!.n;
  const eventsOf = (orderId: string, type: string) => published.filter((e) => e.aggregateId === orderId && e.type === type);

  beforeAll(async () => {
    lab = await startLab(LAB);
    const dbUrl = lab.env.ORDER_SERVICE_DATABASE_URL!;
    await migrate(dbUrl, 'order');
    db = new pg.Client(dbUrl);
    await db.connect();
    broker = await amqplib.connect(lab.env.RABBITMQ_URL!);
    publisher = await broker.createConfirmChannel();
    const channel = await broker.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    for (const key of ['order.created', 'order.confirmed', 'order.cancelled']) await channel.bindQueue(queue, 'frank.events', key);
    await channel.consume(queue, (m) => m && published.push(JSON.parse(m.content.toString())), { noAck: true });
    inventory = await startFakeInventory({
      'SKU-1': { name: 'Widget', priceCents: 1250, available: 10 },
      'SKU-2': { name: 'Gadget', priceCents: 399, available: 3 },
    });
    const port = await freePort();
    service = await runService(definition, {
      PORT: String(port),
      DATABASE_URL: dbUrl,
      AMQP_URL: lab.env.RABBITMQ_URL!,
      JWT_SECRET,
      INVENTORY_URL: inventory.url,
    });
    base = `http://127.0.0.1:${port}`;
    // Ready means the broker is connected and order.saga is declared and bound.
    await until(async () => (await fetch(`${base}/health/ready`)).ok, 30_000);
  });

  afterAll(async () => {
    await service?.stop();
    await inventory?.close();
    await broker?.close().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await lab?.stop();
  });

  it('takes an order: PENDING, saga STARTED and order.created commit together, with prices from inventory and contact from the token', async () => {
    const { orderId, sagaId } = await placeOrder([
      { sku: 'SKU-1', qty: 2 },
      { sku: 'SKU-2', qty: 1 },
    ]);
    expect(await state(orderId)).toEqual({ status: 'PENDING', saga_status: 'STARTED', step: 'order.created', cancel_reason: null });
    const order = (
      await db.query(
        'SELECT user_id, total_cents::int, currency, customer_email, customer_name, customer_phone, saga_id FROM order_domain.orders WHERE id = $1',
        [orderId],
      )
    ).rows[0];
    expect(order).toEqual({
      user_id: DEMO.sub,
      total_cents: 2 * 1250 + 399,
      currency: 'EUR',
      customer_email: DEMO.email,
      customer_name: DEMO.name,
      customer_phone: DEMO.phone,
      saga_id: sagaId,
    });
    expect((await db.query('SELECT sku, qty, price_cents FROM order_domain.order_items WHERE order_id = $1 ORDER BY sku', [orderId])).rows).toEqual([
      { sku: 'SKU-1', qty: 2, price_cents: 1250 },
      { sku: 'SKU-2', qty: 1, price_cents: 399 },
    ]);
    expect((await db.query('SELECT version, type FROM event_store.events WHERE stream_id = $1', [orderId])).rows).toEqual([
      { version: 1, type: 'order.created' },
    ]);
    const [created] = await until(async () => eventsOf(orderId, 'order.created').length === 1 && eventsOf(orderId, 'order.created'));
    expect(created).toMatchObject({
      source: 'order',
      sagaId,
      aggregateId: orderId,
      data: {
        orderId,
        userId: DEMO.sub,
        customer: { email: DEMO.email, name: DEMO.name, phone: DEMO.phone },
        items: [
          { sku: 'SKU-1', qty: 2, priceCents: 1250 },
          { sku: 'SKU-2', qty: 1, priceCents: 399 },
        ],
        totalCents: 2899,
        currency: 'EUR',
      },
    });
    await until(async () => (await count('saga_coord.outbox WHERE aggregate_id = $1 AND dispatched_at IS NULL', [orderId])) === 0);
    const view = await call('GET', `/orders/${orderId}`, { token: demoToken });
    expect(view).toMatchObject({
      status: 200,
      body: {
        orderId,
        userId: DEMO.sub,
        status: 'PENDING',
        sagaStatus: 'STARTED',
        totalCents: 2899,
        items: [
          { sku: 'SKU-1', qty: 2, priceCents: 1250 },
          { sku: 'SKU-2', qty: 1, priceCents: 399 },
        ],
      },
    });
    expect(Date.parse(view.body.createdAt)).not.toBeNaN();
  });

  it('follows the happy path to CONFIRMED (order.confirmed once, even for a redelivered or repeated payment.completed) and the saga to COMPLETED', async () => {
    const { orderId, sagaId } = await placeOrder();
    await emit('inventory.reserved', orderId, sagaId, { reservationId: randomUUID(), items: [{ sku: 'SKU-1', qty: 2 }] });
    await settlesAt(orderId, 'RESERVED', 'STARTED');
    const completed = await emit('payment.completed', orderId, sagaId, { paymentId: randomUUID(), amountCents: 2500, providerRef: 'p-1' });
    await emit('payment.completed', orderId, sagaId, completed.data, completed.id); // redelivery: same message id
    const again = await emit('payment.completed', orderId, sagaId, completed.data); // a second, distinct message
    await settlesAt(orderId, 'CONFIRMED', 'STARTED');
    await emit('analytics.recorded', orderId, sagaId, { totalCents: 2500 });
    expect(await settlesAt(orderId, 'CONFIRMED', 'COMPLETED')).toMatchObject({ step: 'analytics.recorded' });
    // Both messages were taken (inbox), the repeated one without a second effect.
    await until(async () => (await count('saga_coord.inbox WHERE message_id = ANY($1)', [[completed.id, again.id]])) === 2);
    const confirmed = await until(async () => eventsOf(orderId, 'order.confirmed').length > 0 && eventsOf(orderId, 'order.confirmed'));
    await new Promise((r) => setTimeout(r, 500));
    expect(eventsOf(orderId, 'order.confirmed')).toHaveLength(1);
    expect(confirmed[0]).toMatchObject({ sagaId, causationId: completed.id, data: { orderId, userId: DEMO.sub, totalCents: 2500 } });
    expect((await db.query('SELECT type FROM event_store.events WHERE stream_id = $1 ORDER BY version', [orderId])).rows.map((r) => r.type)).toEqual([
      'order.created',
      'order.confirmed',
    ]);
  });

  it('cancels on a failed reservation: CANCELLED, saga COMPENSATED, order.cancelled with the reason', async () => {
    const { orderId, sagaId } = await placeOrder();
    await emit('inventory.reservation-failed', orderId, sagaId, { reason: 'out-of-stock', sku: 'SKU-1' });
    expect(await settlesAt(orderId, 'CANCELLED', 'COMPENSATED')).toMatchObject({ cancel_reason: 'out-of-stock', step: 'inventory.reservation-failed' });
    const [cancelled] = await until(async () => eventsOf(orderId, 'order.cancelled').length === 1 && eventsOf(orderId, 'order.cancelled'));
    expect(cancelled).toMatchObject({ sagaId, data: { orderId, userId: DEMO.sub, reason: 'out-of-stock' } });
  });

  it('compensates a failed payment: CANCELLING until inventory released, then CANCELLED; a late success and its refund change nothing', async () => {
    const { orderId, sagaId } = await placeOrder();
    await emit('inventory.reserved', orderId, sagaId, { reservationId: 'r-1', items: [] });
    await settlesAt(orderId, 'RESERVED', 'STARTED');
    await emit('payment.failed', orderId, sagaId, { paymentId: 'pay-1', reason: 'timeout' });
    await settlesAt(orderId, 'CANCELLING', 'COMPENSATING');
    expect(eventsOf(orderId, 'order.cancelled')).toHaveLength(0);
    await emit('inventory.released', orderId, sagaId, { reservationId: 'r-1' });
    expect(await settlesAt(orderId, 'CANCELLED', 'COMPENSATED')).toMatchObject({ cancel_reason: 'timeout', step: 'inventory.released' });
    const late = await emit('payment.completed', orderId, sagaId, { paymentId: 'pay-1', amountCents: 2500, providerRef: 'late' });
    const refund = await emit('payment.refunded', orderId, sagaId, { paymentId: 'pay-1', amountCents: 2500, refundId: 'ref-1', reason: 'late-success' });
    await until(async () => (await count('saga_coord.inbox WHERE message_id = ANY($1)', [[late.id, refund.id]])) === 2);
    expect(await state(orderId)).toMatchObject({ status: 'CANCELLED', saga_status: 'COMPENSATED', step: 'inventory.released' });
    await until(async () => eventsOf(orderId, 'order.cancelled').length === 1);
    expect(eventsOf(orderId, 'order.cancelled')[0]).toMatchObject({ data: { reason: 'timeout' } });
    expect(eventsOf(orderId, 'order.confirmed')).toHaveLength(0);
  });

  it('retries an event that overtook its predecessor instead of dropping it', async () => {
    const { orderId, sagaId } = await placeOrder();
    const early = await emit('payment.completed', orderId, sagaId, { paymentId: 'pay-2', amountCents: 2500, providerRef: 'p-2' });
    await new Promise((r) => setTimeout(r, 800));
    expect(await state(orderId)).toMatchObject({ status: 'PENDING' });
    expect(await count('saga_coord.inbox WHERE message_id = $1', [early.id])).toBe(0);
    await emit('inventory.reserved', orderId, sagaId, { reservationId: 'r-2', items: [] });
    await settlesAt(orderId, 'CONFIRMED', 'STARTED');
    await until(async () => eventsOf(orderId, 'order.confirmed').length === 1);
  });

  it('dead-letters an event whose data is not ours to parse, and goes on', async () => {
    const before = await dlqDepth();
    await emit('inventory.reserved', 'not-a-uuid', null);
    await until(async () => (await dlqDepth()) === before + 1);
    const { orderId, sagaId } = await placeOrder();
    await emit('inventory.reserved', orderId, sagaId, { reservationId: 'r-3', items: [] });
    await settlesAt(orderId, 'RESERVED', 'STARTED');
    // An event for an order this service never took is ignored, not dead-lettered.
    const stray = await emit('inventory.reserved', randomUUID(), null);
    await until(async () => (await count('saga_coord.inbox WHERE message_id = $1', [stray.id])) === 1);
    expect(await dlqDepth()).toBe(before + 1);
  });

  it('rejects bad orders with a JSON error naming the field, and writes nothing', async () => {
    const tables = async () => ({
      orders: await count('order_domain.orders'),
      items: await count('order_domain.order_items'),
      sagas: await count('saga_coord.saga_state'),
      outbox: await count('saga_coord.outbox'),
    });
    const before = await tables();
    const cases: [{ json?: unknown; raw?: string; token?: string }, number, string, string][] = [
      [{ raw: '{"items": [', token: demoToken }, 400, 'malformed-json', '-'],
      [{ json: {}, token: demoToken }, 400, 'validation-failed', 'items'],
      [{ json: { items: [] }, token: demoToken }, 400, 'validation-failed', 'items'],
      [{ json: { items: [{ qty: 1 }] }, token: demoToken }, 400, 'validation-failed', 'items.0.sku'],
      [{ json: { items: [{ sku: 42, qty: 1 }] }, token: demoToken }, 400, 'validation-failed', 'items.0.sku'],
      [{ json: { items: [{ sku: 'SKU-1', qty: 0 }] }, token: demoToken }, 400, 'validation-failed', 'items.0.qty'],
      [{ json: { items: [{ sku: 'SKU-1', qty: 1.5 }] }, token: demoToken }, 400, 'validation-failed', 'items.0.qty'],
      [{ json: { items: [{ sku: 'SKU-1', qty: 1001 }] }, token: demoToken }, 400, 'validation-failed', 'items.0.qty'],
      [
        {
          json: {
            items: [
              { sku: 'SKU-1', qty: 1 },
              { sku: 'SKU-1', qty: 2 },
            ],
          },
          token: demoToken,
        },
        400,
        'validation-failed',
        'items.1.sku',
      ],
      [
        {
          json: {
            items: [
              { sku: 'SKU-1', qty: 1 },
              { sku: 'NOPE', qty: 1 },
            ],
          },
          token: demoToken,
        },
        422,
        'unprocessable',
        'items.1.sku',
      ],
      [{ json: { items: [{ sku: 'SKU-1', qty: 1 }] } }, 401, 'unauthorized', 'authorization'],
      [{ json: { items: [{ sku: 'SKU-1', qty: 1 }] }, token: signToken(DEMO, 'someone-elses-secret-000') }, 401, 'unauthorized', 'authorization'],
      [{ json: { items: [{ sku: 'SKU-1', qty: 1 }] }, token: signToken(DEMO, JWT_SECRET, { lifetimeSeconds: -10 }) }, 401, 'unauthorized', 'authorization'],
    ];
    for (const [options, status, code, field] of cases) {
      const answer = await call('POST', '/orders', options);
      expect(answer.status, JSON.stringify([options.json ?? options.raw, answer.body])).toBe(status);
      expect(answer.body.error.code).toBe(code);
      if (field !== '-') expect(answer.body.error.field, JSON.stringify(answer.body)).toBe(field);
    }
    inventory!.setDown(true);
    try {
      expect(await call('POST', '/orders', { json: { items: [{ sku: 'SKU-1', qty: 1 }] }, token: demoToken })).toMatchObject({
        status: 503,
        body: { error: { code: 'unavailable', service: 'inventory' } },
      });
    } finally {
      inventory!.setDown(false);
    }
    expect(await tables()).toEqual(before);
  });

  it("shows an order to its owner and admins only, and lists a user's orders", async () => {
    const { orderId } = await placeOrder();
    expect(await call('GET', `/orders/${orderId}`)).toMatchObject({ status: 401 });
    expect(await call('GET', `/orders/${orderId}`, { token: otherToken })).toMatchObject({ status: 404, body: { error: { code: 'not-found' } } });
    expect(await call('GET', `/orders/${orderId}`, { token: adminToken })).toMatchObject({ status: 200, body: { orderId } });
    expect(await call('GET', '/orders/not-a-uuid', { token: demoToken })).toMatchObject({ status: 404 });
    const mine = await call('GET', '/orders', { token: demoToken });
    expect(mine.status).toBe(200);
    expect(mine.body.length).toBe(await count('order_domain.orders WHERE user_id = $1', [DEMO.sub]));
    expect(mine.body[0]).toMatchObject({ orderId, status: 'PENDING' });
    expect(await call('GET', `/orders?userId=${DEMO.sub}`, { token: otherToken })).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden', field: 'userId' } },
    });
    expect((await call('GET', `/orders?userId=${DEMO.sub}`, { token: adminToken })).body).toHaveLength(mine.body.length);
    expect(await call('GET', '/orders', { token: otherToken })).toEqual({ status: 200, body: [] });
    expect(await call('GET', '/orders?userId=bad', { token: adminToken })).toMatchObject({ status: 400, body: { error: { field: 'userId' } } });
  });

  it('sheds orders above its in-flight bound with 503 overloaded and Retry-After, writing nothing, and takes them again as sagas settle', async () => {
    const inFlight = await count(
      "order_domain.orders WHERE status NOT IN ('CONFIRMED', 'CANCELLED') AND created_at > clock_timestamp() - interval '30 seconds'",
    );
    const port = await freePort();
    const bounded = await runService(definition, {
      PORT: String(port),
      DATABASE_URL: lab!.env.ORDER_SERVICE_DATABASE_URL!,
      AMQP_URL: lab!.env.RABBITMQ_URL!,
      JWT_SECRET,
      INVENTORY_URL: inventory!.url,
      ORDER_MAX_IN_FLIGHT: String(inFlight + 2),
    });
    const post = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${demoToken}` },
        body: JSON.stringify({ items: [{ sku: 'SKU-2', qty: 1 }] }),
      });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
    };
    try {
      await until(async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok, 30_000);
      const first = await post();
      const second = await post();
      expect([first.status, second.status]).toEqual([202, 202]);
      const before = await count('order_domain.orders');
      const shed = await post();
      expect(shed.status).toBe(503);
      expect(shed.retryAfter).toBe('2');
      expect(shed.body.error).toMatchObject({ code: 'overloaded', inFlight: inFlight + 2, bound: inFlight + 2 });
      expect(shed.body.error.message).toMatch(/ORDER_MAX_IN_FLIGHT/);
      expect(await count('order_domain.orders')).toBe(before);
      // One saga settles (its reservation fails): the next order is taken.
      await emit('inventory.reservation-failed', first.body.orderId, first.body.sagaId, { reason: 'out-of-stock', sku: 'SKU-2' });
      await settlesAt(first.body.orderId, 'CANCELLED', 'COMPENSATED');
      await new Promise((r) => setTimeout(r, 150)); // past the reused count
      expect((await post()).status).toBe(202);
    } finally {
      await bounded.stop();
    }
  });

  it('tells admission how long payment took to answer each reserved order, once, counted from the reservation', async () => {
    const heard: number[] = [];
    const apply = async ({ orderId, sagaId }: { orderId: string; sagaId: string }, type: string, data: Record<string, unknown> = {}) => {
      const envelope = {
        id: randomUUID(),
        type,
        source: 'test',
        time: new Date().toISOString(),
        sagaId,
        correlationId: sagaId,
        causationId: null,
        aggregateId: orderId,
        version: 1,
        data: { orderId, ...data },
      };
      await db.query('BEGIN');
      try {
        await applySagaEvent(db as unknown as DbClient, envelope as EventEnvelope, createLogger('order-test', {}, 'warn'), (ms) => heard.push(ms));
        await db.query('COMMIT');
      } catch (error) {
        await db.query('ROLLBACK');
        throw error;
      }
    };
    // Waiting before the reservation is not payment's time: only what follows it counts.
    const paid = await placeOrder();
    await new Promise((r) => setTimeout(r, 300));
    const reservedAt = performance.now();
    await apply(paid, 'inventory.reserved');
    expect(heard).toEqual([]);
    await new Promise((r) => setTimeout(r, 50));
    await apply(paid, 'payment.completed');
    const sinceReservation = performance.now() - reservedAt;
    expect(await state(paid.orderId)).toMatchObject({ status: 'CONFIRMED' });
    expect(heard).toHaveLength(1);
    expect(heard[0]).toBeGreaterThanOrEqual(50);
    expect(heard[0]).toBeLessThanOrEqual(sinceReservation + 5); // the database's clock and ours
    await apply(paid, 'analytics.recorded');
    expect(await state(paid.orderId)).toMatchObject({ status: 'CONFIRMED', saga_status: 'COMPLETED' });
    expect(heard).toHaveLength(1);
    // A decline is an answer too; the compensation that follows is not.
    const declined = await placeOrder();
    await apply(declined, 'inventory.reserved');
    await apply(declined, 'payment.failed', { reason: 'declined' });
    await apply(declined, 'inventory.released');
    expect(await state(declined.orderId)).toMatchObject({ status: 'CANCELLED' });
    expect(heard).toHaveLength(2);
    // An order whose reservation failed never reached payment: nothing to hear.
    const unreserved = await placeOrder();
    await apply(unreserved, 'inventory.reservation-failed', { reason: 'out-of-stock', sku: 'SKU-2' });
    expect(heard).toHaveLength(2);
  });

  async function dlqDepth(): Promise<number> {
    const channel = await broker.createChannel();
    try {
      return (await channel.checkQueue('order.saga.dlq')).messageCount;
    } finally {
      await channel.close();
    }
  }
});
