import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/seed.js';
import { runFrank } from '../../../cli/test/lab-fixture.js';
import { SEED, startInventoryLab, until, type InventoryLab } from './inventory-lab.js';

let lab: InventoryLab;

beforeAll(async () => {
  lab = await startInventoryLab();
});

afterAll(async () => {
  await lab?.stop();
});

const stockOf = async (sku: string) =>
  (await lab.db.query<{ on_hand: number; reserved: number }>('SELECT on_hand, reserved FROM inventory_domain.stock WHERE sku = $1', [sku])).rows[0];
const reservationOf = async (orderId: string) =>
  (
    await lab.db.query<{ id: string; status: string; failure_reason: string | null }>(
      'SELECT id, status, failure_reason FROM inventory_domain.reservations WHERE order_id = $1',
      [orderId],
    )
  ).rows;
const itemsOf = async (reservationId: string) =>
  (await lab.db.query('SELECT sku, qty FROM inventory_domain.reservation_items WHERE reservation_id = $1 ORDER BY sku', [reservationId])).rows;
const inboxHas = async (messageId: string) => (await lab.db.query('SELECT 1 FROM saga_coord.inbox WHERE message_id = $1', [messageId])).rowCount === 1;
const eventsFor = (orderId: string) => lab.published.filter((e) => e.aggregateId === orderId);

const setStock = async (sku: string, onHand: number) => {
  const res = await fetch(`${lab.baseUrl}/admin/stock/${sku}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ onHand }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
};
const orderCreated = (orderId: string, items: { sku: string; qty: number }[]) =>
  lab.publish('order.created', {
    orderId,
    userId: 'u-1',
    customer: { email: 'a@b.c', name: 'A', phone: null },
    items: items.map((i) => ({ ...i, priceCents: 100 })),
    totalCents: 100,
    currency: 'EUR',
  });

/** Everything the seed controls, in a stable order. */
const snapshot = async (db: pg.Pool | pg.Client) => ({
  categories: (await db.query('SELECT * FROM inventory_domain.categories ORDER BY id')).rows,
  products: (await db.query('SELECT * FROM inventory_domain.products ORDER BY sku')).rows,
  stock: (await db.query('SELECT * FROM inventory_domain.stock ORDER BY sku')).rows,
  movements: (await db.query('SELECT * FROM inventory_domain.stock_movements ORDER BY id')).rows,
});

describe('migrations and the seed, as `frank up` applies them', () => {
  it('are recorded as applied, kit first, and `frank migrate` finds nothing left to do', async () => {
    const applied = await lab.db.query<{ id: string }>('SELECT id FROM public.frank_migrations ORDER BY applied_at, id');
    expect(applied.rows.map((r) => r.id)).toEqual([
      'kit/0001_saga_coord_and_event_store.sql',
      'kit/0002_inbox_per_handler.sql',
      'inventory/0001_inventory_domain.sql',
      'inventory/0002_saga_report.sql',
      'inventory/0003_product_images.sql',
    ]);
    const again = await runFrank(lab.dir, ['migrate', '--service', 'inventory', '--json']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual([{ service: 'inventory', applied: [] }]);
  });

  it('builds a category tree and 60 products with stock, all conserved, and a rerun changes no row', async () => {
    const before = await snapshot(lab.db);
    expect(before.categories).toHaveLength(13);
    expect(before.products).toHaveLength(60);
    expect(before.stock.find((s) => s.sku === 'SKU-0060')).toMatchObject({ on_hand: 0, reserved: 0 });
    expect(before.stock.find((s) => s.sku === 'SKU-0057')).toMatchObject({ on_hand: 1 });
    const client = new pg.Client(lab.databaseUrl);
    await client.connect();
    try {
      await seed(client, SEED);
      await seed(client, SEED);
    } finally {
      await client.end();
    }
    expect(await snapshot(lab.db)).toEqual(before);
    const broken = await lab.db.query('SELECT sku FROM inventory_domain.stock_conservation WHERE NOT conserved');
    expect(broken.rows).toEqual([]);
  });
});

describe('the catalogue over HTTP', () => {
  it('lists products with available stock, filtered by a category and everything below it, paged', async () => {
    const all = await (await fetch(`${lab.baseUrl}/products?limit=200`)).json();
    expect(all).toHaveLength(60);
    expect(all[0]).toEqual({ sku: 'SKU-0001', name: expect.any(String), priceCents: expect.any(Number), available: expect.any(Number), category: 'laptops' });
    const page = await (await fetch(`${lab.baseUrl}/products?limit=5&offset=5`)).json();
    expect(page.map((p: { sku: string }) => p.sku)).toEqual(['SKU-0006', 'SKU-0007', 'SKU-0008', 'SKU-0009', 'SKU-0010']);
    const electronics = await (await fetch(`${lab.baseUrl}/products?category=electronics&limit=200`)).json();
    expect(new Set(electronics.map((p: { category: string }) => p.category))).toEqual(new Set(['laptops', 'computer-accessories', 'headphones', 'speakers']));
    const laptops = await (await fetch(`${lab.baseUrl}/products?category=laptops&limit=200`)).json();
    expect(laptops.length).toBeGreaterThan(0);
    expect(laptops.every((p: { category: string }) => p.category === 'laptops')).toBe(true);
  });

  it('shows one product with its stock, and the category tree', async () => {
    const res = await fetch(`${lab.baseUrl}/products/SKU-0058`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      sku: 'SKU-0058',
      name: expect.any(String),
      description: expect.any(String),
      priceCents: expect.any(Number),
      available: 2,
      onHand: 2,
      reserved: 0,
      category: expect.any(String),
      images: [],
    });
    const tree = await (await fetch(`${lab.baseUrl}/categories`)).json();
    expect(tree.map((c: { slug: string }) => c.slug)).toEqual(['electronics', 'home-kitchen', 'outdoor']);
    const electronics = tree[0];
    expect(electronics.children.map((c: { slug: string }) => c.slug)).toEqual(['audio', 'computers']);
    expect(electronics.children[1].children.map((c: { slug: string }) => c.slug)).toEqual(['computer-accessories', 'laptops']);
  });

  it('answers bad input with a JSON error naming the field, and writes nothing', async () => {
    await setStock('SKU-0005', 10);
    await orderCreated(`order-${randomUUID()}`, [{ sku: 'SKU-0005', qty: 4 }]);
    await until(async () => (await stockOf('SKU-0005'))?.reserved === 4, 15_000, 'the reservation');
    const before = await snapshot(lab.db);
    const post = (sku: string, body: string) =>
      fetch(`${lab.baseUrl}/admin/stock/${sku}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const cases: [Promise<Response>, number, string | undefined][] = [
      [post('SKU-0005', '{"onHand": -1}'), 400, 'onHand'],
      [post('SKU-0005', '{"onHand": 2.5}'), 400, 'onHand'],
      [post('SKU-0005', '{"onHand": "7"}'), 400, 'onHand'],
      [post('SKU-0005', '{}'), 400, 'onHand'],
      [post('SKU-0005', '[]'), 400, '(body)'],
      [post('SKU-0005', '{"onHand": 3}'), 409, 'onHand'],
      [post('SKU-9999', '{"onHand": 3}'), 404, 'sku'],
      [post('SKU-0005', '{not json'), 400, undefined],
      [fetch(`${lab.baseUrl}/admin/stock/SKU-0005`, { method: 'POST', body: 'onHand=3' }), 400, '(body)'],
      [fetch(`${lab.baseUrl}/products?limit=0`), 400, 'limit'],
      [fetch(`${lab.baseUrl}/products?limit=many`), 400, 'limit'],
      [fetch(`${lab.baseUrl}/products?offset=-1`), 400, 'offset'],
      [fetch(`${lab.baseUrl}/products?category=nope`), 404, 'category'],
      [fetch(`${lab.baseUrl}/products/SKU-9999`), 404, 'sku'],
    ];
    for (const [request, status, field] of cases) {
      const res = await request;
      const body = await res.json();
      expect({ status: res.status, field: body.error?.field }, JSON.stringify(body)).toEqual({ status, field });
      expect(body.error.message).toEqual(expect.any(String));
    }
    expect(await snapshot(lab.db)).toEqual(before);
  });

  it('sets stock, recording the change so that stock stays conserved', async () => {
    expect(await setStock('SKU-0006', 42)).toEqual({ sku: 'SKU-0006', onHand: 42, reserved: 0, available: 42 });
    expect(await stockOf('SKU-0006')).toMatchObject({ on_hand: 42, reserved: 0 });
    const conserved = await lab.db.query("SELECT conserved FROM inventory_domain.stock_conservation WHERE sku = 'SKU-0006'");
    expect(conserved.rows).toEqual([{ conserved: true }]);
  });
});

describe('the saga', () => {
  it('reserves every line of an order and answers inventory.reserved, caused by order.created', async () => {
    await setStock('SKU-0001', 10);
    await setStock('SKU-0002', 10);
    const orderId = `order-${randomUUID()}`;
    const cause = await orderCreated(orderId, [
      { sku: 'SKU-0002', qty: 1 },
      { sku: 'SKU-0001', qty: 2 },
      { sku: 'SKU-0001', qty: 1 },
    ]);
    const event = await lab.outcomeOf(orderId);
    const [reservation] = await reservationOf(orderId);
    expect(event).toMatchObject({
      type: 'inventory.reserved',
      source: 'inventory',
      aggregateId: orderId,
      sagaId: cause.sagaId,
      correlationId: cause.correlationId,
      causationId: cause.id,
      data: {
        orderId,
        reservationId: reservation!.id,
        items: [
          { sku: 'SKU-0001', qty: 3 },
          { sku: 'SKU-0002', qty: 1 },
        ],
      },
    });
    expect(reservation!.status).toBe('HELD');
    expect(await itemsOf(reservation!.id)).toEqual([
      { sku: 'SKU-0001', qty: 3 },
      { sku: 'SKU-0002', qty: 1 },
    ]);
    expect(await stockOf('SKU-0001')).toEqual({ on_hand: 10, reserved: 3 });
    expect(await stockOf('SKU-0002')).toEqual({ on_hand: 10, reserved: 1 });
    expect(await (await fetch(`${lab.baseUrl}/products/SKU-0001`)).json()).toMatchObject({ available: 7, onHand: 10, reserved: 3 });
    // The relay marks the row after the broker's confirm, so the event may be seen first.
    const outbox = await until(
      async () => {
        const rows = (await lab.db.query('SELECT aggregate_type, dispatched_at FROM saga_coord.outbox WHERE aggregate_id = $1', [orderId])).rows;
        return rows.every((r) => r.dispatched_at !== null) && rows;
      },
      15_000,
      'the outbox row dispatched',
    );
    expect(outbox).toEqual([{ aggregate_type: 'inventory', dispatched_at: expect.any(Date) }]);
  });

  it('reserves nothing when one line is out of stock, and says which', async () => {
    await setStock('SKU-0011', 10);
    const orderId = `order-${randomUUID()}`;
    await orderCreated(orderId, [
      { sku: 'SKU-0011', qty: 1 },
      { sku: 'SKU-0058', qty: 3 },
    ]);
    expect(await lab.outcomeOf(orderId)).toMatchObject({ type: 'inventory.reservation-failed', data: { orderId, reason: 'out-of-stock', sku: 'SKU-0058' } });
    expect(await stockOf('SKU-0011')).toEqual({ on_hand: 10, reserved: 0 });
    expect(await stockOf('SKU-0058')).toEqual({ on_hand: 2, reserved: 0 });
    const [reservation] = await reservationOf(orderId);
    expect(reservation).toMatchObject({ status: 'REJECTED', failure_reason: 'out-of-stock' });
    expect(await itemsOf(reservation!.id)).toEqual([]);
  });

  it('rejects an unknown sku as a business outcome, not a failure', async () => {
    const orderId = `order-${randomUUID()}`;
    await orderCreated(orderId, [
      { sku: 'SKU-0001', qty: 1 },
      { sku: 'NO-SUCH-SKU', qty: 1 },
    ]);
    expect(await lab.outcomeOf(orderId)).toMatchObject({ type: 'inventory.reservation-failed', data: { orderId, reason: 'unknown-sku', sku: 'NO-SUCH-SKU' } });
  });

  it('reserves once for a redelivered order.created and for a second one with a new id', async () => {
    await setStock('SKU-0012', 10);
    const orderId = `order-${randomUUID()}`;
    const first = await orderCreated(orderId, [{ sku: 'SKU-0012', qty: 2 }]);
    await lab.publishEnvelope(first);
    await lab.publishEnvelope(first);
    const second = await orderCreated(orderId, [{ sku: 'SKU-0012', qty: 2 }]);
    await until(() => inboxHas(second.id), 15_000, 'the second order.created');
    await lab.outcomeOf(orderId);
    await new Promise((r) => setTimeout(r, 1000)); // room for a wrong second event to show up
    expect(eventsFor(orderId).map((e) => e.type)).toEqual(['inventory.reserved']);
    expect(await reservationOf(orderId)).toHaveLength(1);
    expect(await stockOf('SKU-0012')).toEqual({ on_hand: 10, reserved: 2 });
  });

  it('does not reserve for an order whose reservation already failed, even if stock arrived since', async () => {
    const orderId = `order-${randomUUID()}`;
    await orderCreated(orderId, [{ sku: 'SKU-0013', qty: 1000 }]);
    await lab.outcomeOf(orderId, 'inventory.reservation-failed');
    await setStock('SKU-0013', 2000);
    const again = await orderCreated(orderId, [{ sku: 'SKU-0013', qty: 1000 }]);
    await until(() => inboxHas(again.id), 15_000, 'the second order.created');
    expect(eventsFor(orderId).map((e) => e.type)).toEqual(['inventory.reservation-failed']);
    expect(await stockOf('SKU-0013')).toEqual({ on_hand: 2000, reserved: 0 });
  });

  it('sells the last units exactly once when many orders race for them', async () => {
    await setStock('SKU-0014', 5);
    await setStock('SKU-0015', 50);
    // Two skus per order, listed in both orders, to give a deadlock every chance.
    const orders = Array.from({ length: 20 }, (_, i) => ({
      orderId: `race-${i}-${randomUUID()}`,
      items:
        i % 2
          ? [
              { sku: 'SKU-0014', qty: 1 },
              { sku: 'SKU-0015', qty: 1 },
            ]
          : [
              { sku: 'SKU-0015', qty: 1 },
              { sku: 'SKU-0014', qty: 1 },
            ],
    }));
    await Promise.all(orders.map((o) => orderCreated(o.orderId, o.items)));
    const outcomes = await Promise.all(orders.map((o) => lab.outcomeOf(o.orderId)));
    expect(outcomes.filter((e) => e.type === 'inventory.reserved')).toHaveLength(5);
    const failed = outcomes.filter((e) => e.type === 'inventory.reservation-failed');
    expect(failed).toHaveLength(15);
    expect(failed.every((e) => (e.data as { reason: string; sku: string }).reason === 'out-of-stock' && (e.data as { sku: string }).sku === 'SKU-0014')).toBe(
      true,
    );
    expect(await stockOf('SKU-0014')).toEqual({ on_hand: 5, reserved: 5 });
    expect(await stockOf('SKU-0015')).toEqual({ on_hand: 50, reserved: 5 });
    const held = await lab.db.query("SELECT count(*)::int AS n FROM inventory_domain.reservations WHERE status = 'HELD' AND order_id LIKE 'race-%'");
    expect(held.rows[0].n).toBe(5);
  });

  it('releases a held reservation on payment.failed, once; a later payment.completed commits nothing', async () => {
    await setStock('SKU-0003', 10);
    const orderId = `order-${randomUUID()}`;
    await orderCreated(orderId, [{ sku: 'SKU-0003', qty: 3 }]);
    const reserved = await lab.outcomeOf(orderId, 'inventory.reserved');
    expect(await stockOf('SKU-0003')).toEqual({ on_hand: 10, reserved: 3 });
    const failed = await lab.publish(
      'payment.failed',
      { orderId, paymentId: 'p-1', reason: 'declined' },
      { sagaId: reserved.sagaId, correlationId: reserved.correlationId },
    );
    const released = await lab.outcomeOf(orderId, 'inventory.released');
    expect(released).toMatchObject({
      aggregateId: orderId,
      causationId: failed.id,
      sagaId: reserved.sagaId,
      data: { orderId, reservationId: (reserved.data as { reservationId: string }).reservationId },
    });
    expect(await stockOf('SKU-0003')).toEqual({ on_hand: 10, reserved: 0 });
    expect((await reservationOf(orderId))[0]!.status).toBe('RELEASED');
    const again = await lab.publish('payment.failed', { orderId, paymentId: 'p-1', reason: 'timeout' });
    const late = await lab.publish('payment.completed', { orderId, paymentId: 'p-1', amountCents: 300, providerRef: 'r' });
    await until(async () => (await inboxHas(again.id)) && (await inboxHas(late.id)), 15_000, 'the later payment events');
    expect(eventsFor(orderId).map((e) => e.type)).toEqual(['inventory.reserved', 'inventory.released']);
    expect(await stockOf('SKU-0003')).toEqual({ on_hand: 10, reserved: 0 });
  });

  it('commits a held reservation on payment.completed: on_hand and reserved drop, stock stays conserved, a reseed restores nothing', async () => {
    await setStock('SKU-0004', 10);
    const orderId = `order-${randomUUID()}`;
    await orderCreated(orderId, [{ sku: 'SKU-0004', qty: 2 }]);
    await lab.outcomeOf(orderId, 'inventory.reserved');
    const completed = await lab.publish('payment.completed', { orderId, paymentId: 'p-2', amountCents: 200, providerRef: 'r-2' });
    expect(await lab.outcomeOf(orderId, 'inventory.committed')).toMatchObject({ causationId: completed.id, data: { orderId } });
    expect(await stockOf('SKU-0004')).toEqual({ on_hand: 8, reserved: 0 });
    expect((await reservationOf(orderId))[0]!.status).toBe('COMMITTED');
    const balance = await lab.db.query("SELECT stocked, committed, on_hand, conserved FROM inventory_domain.stock_conservation WHERE sku = 'SKU-0004'");
    expect(balance.rows).toEqual([{ stocked: 10, committed: 2, on_hand: 8, conserved: true }]);
    const client = new pg.Client(lab.databaseUrl);
    await client.connect();
    await seed(client, SEED).finally(() => client.end());
    expect(await stockOf('SKU-0004')).toEqual({ on_hand: 8, reserved: 0 });
  });

  it('does nothing on payment.failed for an order with no reservation', async () => {
    const orderId = `order-${randomUUID()}`;
    const failed = await lab.publish('payment.failed', { orderId, paymentId: 'p-3', reason: 'declined' });
    await until(() => inboxHas(failed.id), 15_000, 'payment.failed');
    expect(eventsFor(orderId)).toEqual([]);
  });

  it('dead-letters an order.created whose data is malformed, and goes on', async () => {
    const bad = await lab.publish('order.created', { orderId: `order-${randomUUID()}`, items: [{ sku: 'SKU-0001', qty: -1 }] });
    const connection = await amqplib.connect(lab.amqpUrl);
    try {
      const channel = await connection.createChannel();
      await until(async () => (await channel.checkQueue('inventory.saga.dlq')).messageCount >= 1, 15_000, 'the dead-letter queue');
    } finally {
      await connection.close();
    }
    expect(await inboxHas(bad.id)).toBe(false);
    const orderId = `order-${randomUUID()}`;
    await orderCreated(orderId, [{ sku: 'SKU-0001', qty: 1 }]);
    expect((await lab.outcomeOf(orderId)).type).toBe('inventory.reserved');
  });

  it('records product.image-ready once per image, and leaves one for an unknown sku', async () => {
    const imageId = 'feedfacecafebeef';
    const ready = (sku: string) => ({
      sku,
      imageId,
      bucket: 'frank-product-images',
      original: { key: `originals/${sku}/${imageId}.png`, contentType: 'image/png', bytes: 1234, width: 640, height: 480 },
      thumbnails: [{ size: 160, width: 160, height: 120, key: `thumbnails/${sku}/${imageId}/160.webp`, contentType: 'image/webp' }],
    });
    const id = `image-ready-SKU-0010-${imageId}`;
    await lab.publish('product.image-ready', ready('SKU-0010'), { id, aggregateId: 'SKU-0010' });
    // The same image again under the same id (the bridge's deterministic one), and under another id.
    await lab.publish('product.image-ready', ready('SKU-0010'), { id, aggregateId: 'SKU-0010' });
    const other = await lab.publish('product.image-ready', ready('SKU-0010'), { aggregateId: 'SKU-0010' });
    const unknown = await lab.publish('product.image-ready', ready('SKU-9999'), { aggregateId: 'SKU-9999' });
    await until(async () => (await inboxHas(other.id)) && (await inboxHas(unknown.id)), 15_000, 'the image events');
    const product = await (await fetch(`${lab.baseUrl}/products/SKU-0010`)).json();
    expect(product.images).toEqual([
      {
        imageId,
        contentType: 'image/png',
        width: 640,
        height: 480,
        thumbnails: ready('SKU-0010').thumbnails,
        readyAt: expect.any(String),
      },
    ]);
    expect((await lab.db.query('SELECT sku FROM inventory_domain.product_images WHERE image_id = $1', [imageId])).rows).toEqual([{ sku: 'SKU-0010' }]);
  });

  it('answers an image upload 503 with what to do when the lab gives it no S3, and its saga step runs as ever', async () => {
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const answer = await fetch(`${lab.baseUrl}/admin/products/SKU-0010/image`, { method: 'PUT', body: new Blob([jpeg]) });
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({
      error: { code: 'unavailable', message: expect.stringMatching(/add aws to inventory's uses in frank\.yaml; nothing was uploaded/) },
    });
    // Bad files are refused before S3 is asked: the same answers with S3 or without.
    const empty = await fetch(`${lab.baseUrl}/admin/products/SKU-0010/image`, { method: 'PUT', body: new Blob([]) });
    expect(empty.status).toBe(400);
  });

  it('leaves every sku conserved', async () => {
    const broken = await lab.db.query('SELECT * FROM inventory_domain.stock_conservation WHERE NOT conserved');
    expect(broken.rows).toEqual([]);
  });
});
