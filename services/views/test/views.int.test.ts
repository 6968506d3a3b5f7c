import type { Server } from 'node:http';
import { runService } from '@frank/kit';
import express from 'express';
import { MongoClient, type Collection, type Document } from 'mongodb';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeLabDir } from '../../../cli/test/lab-fixture.js';
import { envelope, freePort, startLab, tapEvents, until, type Envelope, type EventTap } from '../../../cli/test/service-lab.js';
import { casUpdate } from '../src/persistence/cas-update.js';
import { VIEWS_MONGO_OPTIONS } from '../src/persistence/client-options.js';
import { definition } from '../src/service.js';

const LAB = `version: 1
resources:
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
  infra:
    kind: postgres
    port: 5439
    databases: { ferretdb: [] }
  mongo:
    kind: mongo
    port: 27017
    engine: ferretdb
    postgres: infra
    database: ferretdb
  redis:
    kind: redis
    port: 6379
`;

/** A stand-in service's event store, as GET /internal/events pages it (one page here). */
async function eventStoreStandIn(events: Envelope[]): Promise<{ url: string; events: Envelope[]; close(): Promise<void> }> {
  const app = express();
  app.get('/internal/events', (req, res) => {
    const types = typeof req.query.types === 'string' ? req.query.types.split(',') : undefined;
    res.json({ events: events.filter((e) => !types || types.includes(e.type)), next: null });
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, events, close: () => new Promise((r) => server.close(() => r())) };
}

/** A stand-in inventory-service: the catalogue snapshot the projector seeds from. */
async function inventoryStandIn(): Promise<{ url: string; answering: boolean; close(): Promise<void> }> {
  const products: Record<string, Document> = {
    'SKU-A': { sku: 'SKU-A', name: 'Claw hammer', description: 'd', priceCents: 1250, category: 'hammers', onHand: 10, reserved: 0 },
    'SKU-B': { sku: 'SKU-B', name: 'Saw', description: 'd', priceCents: 499, category: 'tools', onHand: 5, reserved: 0 },
  };
  const app = express();
  const standIn = { url: '', answering: true, close: () => Promise.resolve() };
  app.use((_req, res, next) => (standIn.answering ? next() : res.status(503).json({ error: 'starting' })));
  app.get('/categories', (_req, res) =>
    res.json([{ id: 1, slug: 'tools', name: 'Tools', children: [{ id: 2, slug: 'hammers', name: 'Hammers', children: [] }] }]),
  );
  app.get('/products', (_req, res) => res.json(Object.values(products).map(({ sku }) => ({ sku }))));
  app.get('/products/:sku', (req, res) => (products[req.params.sku] ? res.json(products[req.params.sku]) : res.status(404).json({})));
  app.get('/internal/events', (_req, res) => res.json({ events: [], next: null }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  standIn.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  standIn.close = () => new Promise((r) => server.close(() => r()));
  return standIn;
}

describe('views projects events into Mongo, against real RabbitMQ, Mongo and Redis', () => {
  let dir: string | undefined;
  let tap: EventTap;
  let mongo: MongoClient;
  let redis: ReturnType<typeof createClient>;
  let inventory: Awaited<ReturnType<typeof inventoryStandIn>>;
  let service: { stop(): Promise<void> } | undefined;
  let base: string;
  let mongoUrl: string, redisUrl: string, amqpUrl: string;
  let ferretdbStorageUrl: string;

  beforeAll(async () => {
    const lab = await startLab(LAB);
    dir = lab.dir;
    tap = await tapEvents(lab.env.RABBITMQ_URL!, 'views-test.tap');
    mongo = new MongoClient(lab.env.MONGO_URL!);
    redis = createClient({ url: lab.env.REDIS_URL! });
    await redis.connect();
    inventory = await inventoryStandIn();
    inventory.answering = false;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    [mongoUrl, redisUrl, amqpUrl] = [lab.env.MONGO_URL!, lab.env.REDIS_URL!, lab.env.RABBITMQ_URL!];
    ferretdbStorageUrl = lab.env.INFRA_URL!.replace(/\/postgres$/, '/ferretdb');
    service = await runService(definition, {
      PORT: String(port),
      MONGO_URL: mongoUrl,
      REDIS_URL: redisUrl,
      AMQP_URL: amqpUrl,
      INVENTORY_URL: inventory.url,
      VIEWS_EVENT_SOURCES: '',
    });
    // Not ready while inventory-service does not answer: once the broker is connected, the catalogue is what it waits for.
    const notReady = async () => {
      const answer = await fetch(`${base}/health/ready`);
      return answer.status === 503 && ((await answer.json()) as { reason: string }).reason;
    };
    await until(async () => /catalogue/.test((await notReady()) || ''), 20_000, 'views to say it waits for the catalogue');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await notReady()).toMatch(/^inventory: the catalogue is not seeded yet from inventory-service/);
    inventory.answering = true;
    await until(async () => (await fetch(`${base}/health/ready`)).ok, 20_000, 'views ready once the catalogue is seeded');
    expect(((await (await fetch(`${base}/views/status`)).json()) as { catalogueSeeded: boolean }).catalogueSeeded).toBe(true);
  });

  afterAll(async () => {
    await service?.stop();
    await tap?.close();
    await mongo?.close();
    if (redis?.isOpen) await redis.close();
    await inventory?.close();
    if (dir) await removeLabDir(dir);
  });

  const doc = (db: string, collection: string, id: string) =>
    mongo
      .db(db)
      .collection<Document>(collection)
      .findOne({ _id: id } as Document);
  const at = (e: Envelope, source: string, version: number) => ({ ...e, source, version });
  const publishTwice = async (events: Envelope[]) => {
    for (const e of events) await tap.publish(e);
    for (const e of events) await tap.publish(e);
  };

  /** The collection, with every bulk write recorded as the operations it carried; `failNext` fails the next one. */
  const recorded = (name: string, client = mongo) => {
    const collection = client.db('order_views').collection<Document>(name);
    const state = { calls: [] as string[][], failNext: false as boolean | Error };
    const counted = new Proxy(collection, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'bulkWrite') return value;
        return (operations: Record<string, unknown>[], ...rest: unknown[]) => {
          state.calls.push(operations.map((op) => Object.keys(op)[0]!));
          if (state.failNext) {
            const error = state.failNext instanceof Error ? state.failNext : new Error('connection closed');
            state.failNext = false;
            return Promise.reject(error);
          }
          return (value as (...a: unknown[]) => unknown).apply(target, [operations, ...rest]);
        };
      },
    });
    return { collection, counted, state };
  };
  const adder =
    (collection: Collection<Document>, id: string, writeBehindMs = 300) =>
    (item: string) =>
      casUpdate<{ _id: string; items: string[] }>(
        collection,
        id,
        (current) => (current?.items.includes(item) ? undefined : { _id: id, items: [...(current?.items ?? []), item] }),
        { writeBehindMs },
      );

  it('writes the changes of one document that come within the write-behind window once, and refuses them all when that write fails', async () => {
    const { collection, counted, state } = recorded('write_behind_test');
    const add = adder(counted, 'doc-1');

    const first = await Promise.all([add('a'), add('b'), add('c'), add('a')]);
    expect(first.map((r) => r?.rev)).toEqual([1, 2, 3, undefined]);
    expect(state.calls).toEqual([['insertOne']]);
    expect(await collection.findOne({ _id: 'doc-1' } as Document)).toMatchObject({ items: ['a', 'b', 'c'], rev: 3 });

    state.failNext = true;
    const failed = await Promise.allSettled([add('d'), add('e')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await collection.findOne({ _id: 'doc-1' } as Document)).toMatchObject({ items: ['a', 'b', 'c'] });
    // Redelivered, they apply again to what Mongo has: nothing of the failed write is taken as written.
    await Promise.all([add('d'), add('e')]);
    expect(await collection.findOne({ _id: 'doc-1' } as Document)).toMatchObject({ items: ['a', 'b', 'c', 'd', 'e'] });
    expect(state.calls).toEqual([['insertOne'], ['replaceOne'], ['replaceOne']]);
  });

  it("writes a window's documents of one collection in one bulk write; a document that fails in it is refused alone", async () => {
    const { collection, counted, state } = recorded('bulk_window_test');
    const [a, b] = [adder(counted, 'doc-a'), adder(counted, 'doc-b')];
    await Promise.all([a('1'), b('1')]);
    await a('2');
    expect(state.calls).toEqual([['insertOne', 'insertOne'], ['replaceOne']]);

    // 'taken' is inserted behind the projector's back while its insert waits in the window: that
    // insert fails with a duplicate key; the replace of doc-a and the insert of doc-c in the same
    // write stand.
    state.calls.length = 0;
    const taken = adder(counted, 'taken', 1000);
    const settled = Promise.allSettled([adder(counted, 'doc-a', 1000)('3'), adder(counted, 'doc-c', 1000)('1'), taken('y')]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await collection.insertOne({ _id: 'taken', items: ['x'] } as Document);
    expect((await settled).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(state.calls).toEqual([['replaceOne', 'insertOne', 'insertOne']]);
    expect(await collection.findOne({ _id: 'doc-a' } as Document)).toMatchObject({ items: ['1', '2', '3'], rev: 3 });
    expect(await collection.findOne({ _id: 'doc-c' } as Document)).toMatchObject({ items: ['1'], rev: 1 });
    // A connection lost after the update command and before the insert command: the driver
    // reports what ran and no write error for the rest. Nothing of the batch counts as written.
    state.failNext = Object.assign(new Error('connection reset'), { writeErrors: [], result: { insertedCount: 0, matchedCount: 1 } });
    const cut = await Promise.allSettled([adder(counted, 'doc-a', 300)('4'), adder(counted, 'doc-d', 300)('1')]);
    expect(cut.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await Promise.all([adder(counted, 'doc-a', 300)('4'), adder(counted, 'doc-d', 300)('1')]);
    expect(await collection.findOne({ _id: 'doc-a' } as Document)).toMatchObject({ items: ['1', '2', '3', '4'], rev: 4 });
    expect(await collection.findOne({ _id: 'doc-d' } as Document)).toMatchObject({ items: ['1'], rev: 1 });
    // Redelivered, the refused change applies to what Mongo has.
    await taken('y');
    expect(await collection.findOne({ _id: 'taken' } as Document)).toMatchObject({ items: ['x', 'y'], rev: 1 });
  });

  it("writes a window of many documents in bulk writes of a few replaces each: FerretDB's connection pool is never taken whole", async () => {
    // One bulk write of 120 replaces would hold 120 of FerretDB's 50 PostgreSQL connections at once:
    // it waits forever. The socket timeout turns such a hang into a failure.
    const client = new MongoClient(mongoUrl, { ...VIEWS_MONGO_OPTIONS, socketTimeoutMS: 30_000 });
    try {
      const { collection, counted, state } = recorded('large_window_test', client);
      const ids = Array.from({ length: 120 }, (_, i) => `large-${i}`);
      await Promise.all(ids.map((id) => adder(counted, id)('1')));
      state.calls.length = 0;
      const results = await Promise.allSettled(ids.map((id) => adder(counted, id)('2')));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(state.calls.flat()).toEqual(ids.map(() => 'replaceOne'));
      expect(Math.max(...state.calls.map((ops) => ops.length))).toBe(3);
      expect(await collection.countDocuments({ items: ['1', '2'] })).toBe(ids.length);
    } finally {
      await client.close();
    }
  });

  it("finds a document by _id through an index on FerretDB's PostgreSQL storage, in every table it made, a rebuild's too", async () => {
    const storage = new pg.Client(ferretdbStorageUrl);
    await storage.connect();
    try {
      const { rows: tables } = await storage.query<{ schema: string; table: string; indexed: boolean }>(
        `SELECT n.nspname AS schema, c.relname AS table,
                EXISTS (SELECT 1 FROM pg_indexes i WHERE i.schemaname = n.nspname AND i.tablename = c.relname AND i.indexname LIKE '%\\_frank\\_id') AS indexed
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind = 'r' AND n.nspname LIKE '%\\_views' AND c.relname NOT LIKE '\\_ferretdb%'`,
      );
      expect(tables.map((t) => t.schema)).toEqual(expect.arrayContaining(['order_views', 'inventory_views', 'user_views', 'notification_views']));
      expect(tables.filter((t) => !t.indexed)).toEqual([]);
      // The filter FerretDB 1.24 sends for {_id: <string>} (key and value as parameters), planned on order_details' table.
      const { rows: mapped } = await storage.query<{ table: string }>(
        `SELECT _jsonb->>'table' AS table FROM order_views._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'order_details'`,
      );
      await storage.query('SET enable_seqscan = off');
      const plan = await storage.query(`EXPLAIN SELECT _jsonb FROM order_views.${mapped[0]!.table} WHERE _jsonb->'_id' @> '"o-confirmed"'`);
      expect(plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan on \S+_frank_id/);
    } finally {
      await storage.end();
    }
  });

  it('seeds product_list, category_tree and stock_levels from inventory-service', async () => {
    expect(await doc('inventory_views', 'product_list', 'SKU-A')).toMatchObject({
      sku: 'SKU-A',
      priceCents: 1250,
      category: 'hammers',
      categories: ['tools', 'hammers'],
    });
    expect(await doc('inventory_views', 'category_tree', 'hammers')).toMatchObject({ parent: 'tools', ancestors: ['tools'] });
    expect(await doc('inventory_views', 'stock_levels', 'SKU-A')).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
    const indexes = (await mongo.db('order_views').collection('order_history').indexes()).map((i) => i.name);
    expect(indexes).toContain('by_user_recent');
  });

  it('projects a confirmed saga once, however often its events come, and bumps the cache generation', async () => {
    const orderId = 'o-confirmed';
    const generationBefore = Number((await redis.get('views:gen:products')) ?? 0);
    const created = at(
      envelope('order.created', orderId, {
        orderId,
        userId: 'u-1',
        customer: { email: 'u1@frank.lab', name: 'U1', phone: null },
        items: [{ sku: 'SKU-A', qty: 2, priceCents: 1250 }],
        totalCents: 2500,
        currency: 'EUR',
      }),
      'order',
      1,
    );
    const events = [
      at(envelope('user.registered', 'u-1', { userId: 'u-1', email: 'u1@frank.lab', name: 'U1' }), 'user', 1),
      created,
      at(envelope('inventory.reserved', orderId, { orderId, reservationId: 'r-1', items: [{ sku: 'SKU-A', qty: 2 }] }), 'inventory', 1),
      at(envelope('payment.completed', orderId, { orderId, paymentId: 'p-1', amountCents: 2500, providerRef: 'x' }), 'payment', 1),
      at(envelope('inventory.committed', orderId, { orderId, reservationId: 'r-1' }), 'inventory', 2),
      at(envelope('order.confirmed', orderId, { orderId, userId: 'u-1', totalCents: 2500 }), 'order', 2),
      at(envelope('customer.notified', orderId, { orderId, channel: 'email', deliveryId: 'd-1', attempts: 1 }), 'notification', 1),
    ];
    await publishTwice(events);
    // An older version under a new message id: it must not move the order back to PENDING.
    await tap.publish({ ...created, id: 'replayed-created' });

    await until(
      async () => (await doc('order_views', 'order_details', orderId))?.status === 'CONFIRMED' && (await doc('notification_views', 'delivery_status', 'd-1')),
      20_000,
      'the order projected',
    );
    await until(async () => (await doc('user_views', 'user_summary', 'u-1'))?.confirmedCount === 1, 20_000, 'the user summary');
    await until(async () => (await doc('inventory_views', 'stock_levels', 'SKU-A'))?.onHand === 8, 20_000, 'the stock committed');
    // order_history is derived from order_details a moment later.
    await until(async () => (await doc('order_views', 'order_history', orderId))?.status === 'CONFIRMED', 20_000, 'the order history');
    // Let every duplicate drain before looking for double effects.
    await until(
      async () => {
        const status = (await (await fetch(`${base}/views/status`)).json()) as { projectors: { applied: number }[] };
        return status.projectors.reduce((n, p) => n + p.applied, 0) >= 2 * events.length + 2;
      },
      20_000,
      'every delivery applied',
    );

    expect(await doc('order_views', 'order_details', orderId)).toMatchObject({
      status: 'CONFIRMED',
      userId: 'u-1',
      totalCents: 2500,
      reservation: { status: 'COMMITTED' },
    });
    expect(await doc('order_views', 'order_history', orderId)).toMatchObject({ userId: 'u-1', status: 'CONFIRMED', totalCents: 2500, itemCount: 2 });
    expect(await doc('order_views', 'payment_info', orderId)).toMatchObject({ status: 'COMPLETED', amountCents: 2500, refundedCents: 0 });
    expect(await doc('notification_views', 'delivery_status', 'd-1')).toMatchObject({ orderId, status: 'SENT', channel: 'email' });
    expect(await doc('user_views', 'user_summary', 'u-1')).toMatchObject({ email: 'u1@frank.lab', orderCount: 1, confirmedCount: 1, totalSpentCents: 2500 });
    expect(await doc('inventory_views', 'stock_levels', 'SKU-A')).toMatchObject({ onHand: 8, reserved: 0, available: 8 });
    expect(Number(await redis.get('views:gen:products'))).toBeGreaterThan(generationBefore);
    expect(Number(await redis.get('views:gen:user:u-1'))).toBeGreaterThan(0);
  });

  it('applies a release that overtook its reservation once the reservation lands', async () => {
    const orderId = 'o-released';
    await tap.publish(at(envelope('inventory.released', orderId, { orderId, reservationId: 'r-2' }), 'inventory', 2));
    await tap.publish(at(envelope('inventory.reserved', orderId, { orderId, reservationId: 'r-2', items: [{ sku: 'SKU-B', qty: 3 }] }), 'inventory', 1));
    await until(async () => (await doc('inventory_views', 'reservations', orderId))?.status === 'RELEASED', 20_000, 'the release applied');
    await until(async () => (await doc('inventory_views', 'stock_levels', 'SKU-B'))?.applied?.length === 2, 20_000, 'both stock events applied');
    expect(await doc('inventory_views', 'stock_levels', 'SKU-B')).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
  });

  it('dead-letters poison and keeps going', async () => {
    await tap.publish({ ...envelope('order.created', 'x', {}), id: '' } as Envelope);
    const orderId = 'o-after-poison';
    await tap.publish(at(envelope('order.cancelled', orderId, { orderId, userId: 'u-2', reason: 'declined' }), 'order', 2));
    await until(async () => (await doc('order_views', 'order_details', orderId))?.status === 'CANCELLED', 20_000, 'the next event projected');
  });

  it("at start, rebuilds from the services' event stores a view an older projection wrote", async () => {
    await service?.stop();
    service = undefined;
    const userId = 'u-rebuilt';
    const registered = at(envelope('user.registered', userId, { userId, email: 'r@frank.lab', name: 'R' }), 'user', 1);
    const created = at(
      envelope('order.created', 'o-rebuilt', {
        orderId: 'o-rebuilt',
        userId,
        customer: { email: 'r@frank.lab', name: 'R' },
        items: [{ sku: 'SKU-A', qty: 1, priceCents: 1250 }],
        totalCents: 1250,
        currency: 'EUR',
      }),
      'order',
      1,
    );
    const users = await eventStoreStandIn([registered]);
    const orders = await eventStoreStandIn([created]);
    const empty = await eventStoreStandIn([]);
    await mongo
      .db('user_views')
      .collection<Document>('projector_status')
      .updateOne({ _id: 'status' } as Document, { $set: { projectionVersion: 1 } }, { upsert: true });
    await mongo
      .db('user_views')
      .collection<Document>('user_summary')
      .insertOne({ _id: 'u-stale', orders: [] } as Document);
    try {
      const port = await freePort();
      service = await runService(definition, {
        PORT: String(port),
        MONGO_URL: mongoUrl,
        REDIS_URL: redisUrl,
        AMQP_URL: amqpUrl,
        INVENTORY_URL: inventory.url,
        USER_URL: users.url,
        ORDER_URL: orders.url,
        PAYMENT_URL: empty.url,
        NOTIFICATION_URL: empty.url,
      });
      await until(async () => (await doc('user_views', 'projector_status', 'status'))?.projectionVersion === 2, 30_000, 'user_views rebuilt');
      expect(await doc('user_views', 'user_profile', userId)).toMatchObject({ email: 'r@frank.lab', name: 'R' });
      expect(await doc('user_views', 'user_summary', userId)).toMatchObject({ email: 'r@frank.lab', orderCount: 1, confirmedCount: 0 });
      expect(await doc('user_views', 'user_summary', 'u-stale')).toBeNull();
      expect(await doc('order_views', 'order_details', 'o-rebuilt')).toMatchObject({ status: 'PENDING', totalCents: 1250 });

      // The projector remembers what it wrote; a rebuild that swaps the collections must make it forget.
      const rebuiltBase = `http://127.0.0.1:${port}`;
      const live = (totalCents: number) =>
        at(
          envelope('order.created', 'o-swapped', {
            orderId: 'o-swapped',
            userId,
            customer: { email: 'r@frank.lab', name: 'R' },
            items: [{ sku: 'SKU-A', qty: 1, priceCents: totalCents }],
            totalCents,
            currency: 'EUR',
          }),
          'order',
          1,
        );
      await tap.publish(live(1));
      await until(async () => (await doc('order_views', 'order_details', 'o-swapped'))?.totalCents === 1, 20_000, 'the live order projected');
      orders.events.push(live(777));
      const started = (await (
        await fetch(`${rebuiltBase}/views/rebuild`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ views: ['order_views'] }),
        })
      ).json()) as { id: string };
      await until(
        async () => ((await (await fetch(`${rebuiltBase}/views/rebuild/${started.id}`)).json()) as { phase: string }).phase === 'done',
        30_000,
        'the order_views rebuild',
      );
      expect(await doc('order_views', 'order_details', 'o-swapped')).toMatchObject({ totalCents: 777 });
      await tap.publish(at(envelope('order.confirmed', 'o-swapped', { orderId: 'o-swapped', userId, totalCents: 777 }), 'order', 2));
      await until(async () => (await doc('order_views', 'order_details', 'o-swapped'))?.status === 'CONFIRMED', 20_000, 'the confirmation projected');
      expect(await doc('order_views', 'order_details', 'o-swapped')).toMatchObject({ status: 'CONFIRMED', totalCents: 777 });
    } finally {
      await Promise.all([users.close(), orders.close(), empty.close()]);
    }
  });
});
