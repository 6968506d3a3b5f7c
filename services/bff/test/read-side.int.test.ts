import { createHmac, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { runService } from '@frank/kit';
import express from 'express';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeLabDir } from '../../../cli/test/lab-fixture.js';
import { envelope, freePort, startLab, tapEvents, until, type Envelope, type EventTap } from '../../../cli/test/service-lab.js';
import { definition as viewsDefinition } from '../../views/src/service.js';
import { definition } from '../src/service.js';

const LAB = `version: 1
resources:
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
  mongo:
    kind: mongo
    port: 27017
    engine: auto
  redis:
    kind: redis
    port: 6379
`;
const SECRET = 'read-side-secret';

function token(sub: string, roles: string[] = ['customer']): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub, email: `${sub}@frank.lab`, name: 'N', roles, iat: now, exp: now + 3600 })}`;
  return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
}

async function standIn(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('the BFF reads the views through the Redis cache (real RabbitMQ, Mongo, Redis; views-service in-process)', () => {
  let dir: string | undefined;
  let tap: EventTap;
  let redis: ReturnType<typeof createClient>;
  let inventory: Awaited<ReturnType<typeof standIn>>;
  let order: Awaited<ReturnType<typeof standIn>>;
  const running: { stop(): Promise<void> }[] = [];
  let base: string;
  let env: Record<string, string>;
  const userId = randomUUID();
  const other = randomUUID();

  beforeAll(async () => {
    const lab = await startLab(LAB);
    dir = lab.dir;
    tap = await tapEvents(lab.env.RABBITMQ_URL!, 'bff-test.tap');
    redis = createClient({ url: lab.env.REDIS_URL! });
    await redis.connect();
    const catalogue = express();
    catalogue.get('/categories', (_req, res) =>
      res.json([{ id: 1, slug: 'tools', name: 'Tools', children: [{ id: 2, slug: 'hammers', name: 'Hammers', children: [] }] }]),
    );
    catalogue.get('/products', (_req, res) => res.json([{ sku: 'SKU-A' }, { sku: 'SKU-B' }, { sku: 'SKU-C' }]));
    catalogue.get('/products/:sku', (req, res) =>
      res.json({
        sku: req.params.sku,
        name: `Product ${req.params.sku}`,
        description: '',
        priceCents: 1000,
        category: req.params.sku === 'SKU-C' ? 'tools' : 'hammers',
        onHand: 10,
        reserved: 0,
      }),
    );
    inventory = await standIn(catalogue);
    const orders = express();
    orders.get('/orders/:id', (req, res) => res.json({ orderId: req.params.id, status: 'CONFIRMED', from: 'order-service' }));
    order = await standIn(orders);
    const viewsPort = await freePort();
    running.push(
      await runService(viewsDefinition, {
        PORT: String(viewsPort),
        MONGO_URL: lab.env.MONGO_URL!,
        REDIS_URL: lab.env.REDIS_URL!,
        AMQP_URL: lab.env.RABBITMQ_URL!,
        INVENTORY_URL: inventory.url,
        VIEWS_EVENT_SOURCES: '',
      }),
    );
    await until(
      async () => ((await (await fetch(`http://127.0.0.1:${viewsPort}/views/status`)).json()) as { catalogueSeeded: boolean }).catalogueSeeded,
      20_000,
      'the catalogue seed',
    );
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      PORT: String(port),
      USER_URL: order.url,
      INVENTORY_URL: inventory.url,
      ORDER_URL: order.url,
      JWT_SECRET: SECRET,
      MONGO_URL: lab.env.MONGO_URL!,
      REDIS_URL: lab.env.REDIS_URL!,
    };
    running.push(await runService(definition, env));
    await until(async () => (await fetch(`${base}/health/ready`)).ok);
    // The BFF is ready before its Redis client is: reads meanwhile say the cache is missing.
    await until(async () => (await fetch(`${base}/api/products/SKU-C`).then((r) => r.json())).missing?.length === 0, 10_000, 'the BFF to reach its cache');
  });

  afterAll(async () => {
    for (const service of running.reverse()) await service.stop();
    await tap?.close();
    if (redis?.isOpen) await redis.close();
    await inventory?.close();
    await order?.close();
    if (dir) await removeLabDir(dir);
  });

  const get = async (path: string, as?: string) => {
    const answer = await fetch(`${base}${path}`, { headers: as ? { authorization: `Bearer ${token(as)}` } : {} });
    return { status: answer.status, body: (await answer.json()) as any };
  };
  const counter = async (key: string) => Number((await redis.get(key)) ?? 0);

  it('lists products by category with paging, from the views, then from the cache', async () => {
    const misses = await counter('views:cache:misses:product_list');
    const first = await get('/api/products?category=tools&limit=2&offset=0');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ source: 'views', missing: [], limit: 2, offset: 0 });
    // tools holds hammers: SKU-A and SKU-B are hammers, SKU-C a tool.
    expect(first.body.items.map((p: { sku: string }) => p.sku)).toEqual(['SKU-A', 'SKU-B']);
    expect(first.body.items[0]).toMatchObject({ available: 10, priceCents: 1000 });
    const second = await get('/api/products?category=tools&limit=2&offset=0');
    expect(second.body).toMatchObject({ source: 'cache', items: first.body.items });
    expect(await counter('views:cache:misses:product_list')).toBe(misses + 1);
    expect(await counter('views:cache:hits:product_list')).toBeGreaterThanOrEqual(1);
    expect((await get('/api/products?category=tools&limit=2&offset=2')).body.items.map((p: { sku: string }) => p.sku)).toEqual(['SKU-C']);
    expect((await get('/api/products?category=hammers')).body.items).toHaveLength(2);
  });

  it('never serves a stale stock once the projector has applied the event', async () => {
    expect((await get('/api/products/SKU-A')).body).toMatchObject({ available: 10, onHand: 10 });
    expect((await get('/api/products/SKU-A')).body).toMatchObject({ available: 10, source: 'cache' });
    const orderId = randomUUID();
    await tap.publish({
      ...envelope('inventory.reserved', orderId, { orderId, reservationId: 'r-1', items: [{ sku: 'SKU-A', qty: 3 }] }),
      source: 'inventory',
    });
    // The first answer after the invalidation must be the new one: read as fast as we can until it changes.
    const answers: number[] = [];
    await until(
      async () => {
        const { body } = await get('/api/products/SKU-A');
        answers.push(body.available);
        return body.available === 7;
      },
      20_000,
      'the reservation in the BFF',
    );
    const firstNew = answers.indexOf(7);
    expect(answers.slice(firstNew).every((a) => a === 7)).toBe(true);
    for (let i = 0; i < 5; i++) expect((await get('/api/products/SKU-A')).body.available).toBe(7);
    expect((await get('/api/products?category=hammers')).body.items[0]).toMatchObject({ sku: 'SKU-A', available: 7 });
  });

  it('aggregates an order (order + payment + delivery) for its owner only, and a user history', async () => {
    const orderId = randomUUID();
    const events: Envelope[] = [
      {
        ...envelope('order.created', orderId, {
          orderId,
          userId,
          customer: { email: 'e', name: 'n', phone: null },
          items: [{ sku: 'SKU-B', qty: 1, priceCents: 1000 }],
          totalCents: 1000,
          currency: 'EUR',
        }),
        source: 'order',
      },
      { ...envelope('payment.completed', orderId, { orderId, paymentId: 'p-1', amountCents: 1000, providerRef: 'x' }), source: 'payment' },
      { ...envelope('order.confirmed', orderId, { orderId, userId, totalCents: 1000 }), source: 'order', version: 2 },
      { ...envelope('customer.notified', orderId, { orderId, channel: 'sms', deliveryId: 'd-9', attempts: 2 }), source: 'notification' },
    ];
    for (const e of events) await tap.publish(e);
    const detail = await until(
      async () => {
        const answer = await get(`/api/orders/${orderId}`, userId);
        return answer.status === 200 && answer.body.order.status === 'CONFIRMED' && answer.body.payment && answer.body.deliveries.length === 1
          ? answer.body
          : undefined;
      },
      20_000,
      'the aggregated order',
    );
    expect(detail).toMatchObject({
      order: { orderId, userId, totalCents: 1000 },
      payment: { status: 'COMPLETED', amountCents: 1000 },
      deliveries: [{ channel: 'sms', status: 'SENT' }],
      missing: [],
    });
    expect(detail.order.rev).toBeUndefined();
    expect((await get(`/api/orders/${orderId}`, other)).status).toBe(404);

    const history = await until(
      async () => {
        const answer = await get(`/api/users/${userId}/orders`, userId);
        // The summary (user_views) and the history line (order_views, derived) come from two projectors.
        return answer.body.summary?.confirmedCount === 1 && answer.body.orders?.[0]?.status === 'CONFIRMED' ? answer : undefined;
      },
      20_000,
      'the user summary and history',
    );
    expect(history.body).toMatchObject({ userId, summary: { orderCount: 1, totalSpentCents: 1000 }, orders: [{ orderId, status: 'CONFIRMED' }], missing: [] });
    expect(await counter('views:cache:misses:user_summary')).toBeGreaterThanOrEqual(1);
  });

  it('answers bad input with clear 4xx errors', async () => {
    expect(await get('/api/products?limit=0')).toMatchObject({ status: 400, body: { error: { code: 'validation-failed', field: 'limit' } } });
    expect(await get('/api/products?offset=-1')).toMatchObject({ status: 400, body: { error: { field: 'offset' } } });
    expect(await get('/api/products?category=nope')).toMatchObject({ status: 404, body: { error: { field: 'category' } } });
    expect(await get('/api/products/NOPE')).toMatchObject({ status: 404, body: { error: { field: 'sku' } } });
    expect(await get(`/api/orders/${randomUUID()}`)).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(await get(`/api/orders/${randomUUID()}`, userId)).toMatchObject({ status: 404 });
    expect(await get(`/api/users/${other}/orders`, userId)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const forged = await fetch(`${base}/api/users/${userId}/orders`, { headers: { authorization: `Bearer ${token(userId)}x` } });
    expect(forged.status).toBe(401);
  });

  it('gives a partial answer naming what is missing when Redis or Mongo is away', async () => {
    const deadPort = await freePort();
    const port = await freePort();
    const degraded = await runService(definition, {
      ...env,
      PORT: String(port),
      REDIS_URL: `redis://127.0.0.1:${deadPort}`,
      MONGO_URL: `mongodb://127.0.0.1:${deadPort}/?directConnection=true`,
    });
    try {
      const products = await fetch(`http://127.0.0.1:${port}/api/products`);
      expect(products.status).toBe(503);
      expect(await products.json()).toMatchObject({ error: { code: 'unavailable', missing: ['views'] } });
      const orderId = randomUUID();
      const answer = await fetch(`http://127.0.0.1:${port}/api/orders/${orderId}`, { headers: { authorization: `Bearer ${token(userId)}` } });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({
        order: { orderId, from: 'order-service' },
        payment: null,
        source: 'order-service',
        missing: ['payment', 'delivery'],
      });
    } finally {
      await degraded.stop();
    }
    const cachelessPort = await freePort();
    const cacheless = await runService(definition, { ...env, PORT: String(cachelessPort), REDIS_URL: `redis://127.0.0.1:${deadPort}` });
    try {
      const products = await fetch(`http://127.0.0.1:${cachelessPort}/api/products?limit=1`);
      expect(products.status).toBe(200);
      expect(await products.json()).toMatchObject({ source: 'views', missing: ['cache'], items: [{ sku: 'SKU-A' }] });
    } finally {
      await cacheless.stop();
    }
  });
});
