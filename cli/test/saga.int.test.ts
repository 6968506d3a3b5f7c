import amqplib from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from './lab-fixture.js';
import { call, connectSagaLab, TERMINAL, until, type SagaLab } from './saga-fixture.js';

/**
 * The order saga end to end through every real service, each path of services/README.md,
 * with the states asserted in every service's own database.
 */
describe('the order saga, every service for real', () => {
  let dir: string;
  let lab: SagaLab;
  let token: string;
  let userId: string;

  const provider = (behaviour: Record<string, number>) => call(lab.url('payment-provider'), '/admin/behaviour', { method: 'PUT', body: behaviour });
  const channels = (settings: Record<string, number>) => call(lab.url('notification'), '/admin/channels', { method: 'PUT', body: settings });
  const product = async (minimum: number) => {
    const { body } = await call(lab.url('inventory'), '/products?limit=100');
    const found = (body as { sku: string; available: number; priceCents: number }[]).find((p) => p.available >= minimum);
    if (!found) throw new Error(`no product with ${minimum} available`);
    return found;
  };
  const order = async (items: { sku: string; qty: number }[]) => {
    const placed = await call(lab.url('order'), '/orders', { token, body: { items } });
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    return placed.body as { orderId: string; sagaId: string };
  };
  const settled = (orderId: string, timeoutMs = 30_000) =>
    until(
      async () => {
        const { body } = await call(lab.url('order'), `/orders/${orderId}`, { token });
        return TERMINAL.has(body.status) ? body : undefined;
      },
      timeoutMs,
      `order ${orderId} to settle`,
    );
  const rows = async (service: string, sql: string, params: unknown[] = []) => (await lab.db(service).query(sql, params)).rows;

  beforeAll(async () => {
    dir = await makeLabDir();
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(up.exitCode, up.stderr).toBe(0);
    lab = await connectSagaLab(dir);
    const login = await call(lab.url('user'), '/auth/login', { body: { email: 'demo@frank.lab', password: 'frank-demo' } });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    token = login.body.token;
    userId = login.body.userId;
  }, 240_000);

  afterAll(async () => {
    await lab?.close();
    if (dir) await removeLabDir(dir);
  });

  it('confirms an in-stock order: stock committed, one capture, a notification, analytics, saga completed', async () => {
    await provider({ declineRate: 0, timeoutRate: 0, duplicateWebhookRate: 0 });
    const item = await product(2);
    const { orderId, sagaId } = await order([{ sku: item.sku, qty: 2 }]);
    const result = await settled(orderId);
    expect(result).toMatchObject({ status: 'CONFIRMED', totalCents: 2 * item.priceCents });
    await until(async () => (await call(lab.url('order'), `/orders/${orderId}`, { token })).body.sagaStatus === 'COMPLETED', 20_000, 'saga COMPLETED');
    expect(await rows('order', 'SELECT status FROM saga_coord.saga_state WHERE saga_id = $1', [sagaId])).toEqual([{ status: 'COMPLETED' }]);
    expect(await rows('inventory', 'SELECT status FROM inventory_domain.reservations WHERE order_id = $1', [orderId])).toEqual([{ status: 'COMMITTED' }]);
    const payments = await rows(
      'payment',
      'SELECT p.status, (SELECT count(*)::int FROM payment_domain.captures c WHERE c.payment_id = p.id) AS captures FROM payment_domain.payments p WHERE p.order_id = $1',
      [orderId],
    );
    expect(payments).toEqual([{ status: 'CAPTURED', captures: 1 }]);
    await until(
      async () => (await rows('notification', "SELECT 1 FROM notification_domain.deliveries WHERE order_id = $1 AND status = 'SENT'", [orderId])).length === 1,
      15_000,
      'delivery SENT',
    );
    const sales = await rows('analytics', 'SELECT COALESCE(sum(total_cents), 0)::int AS total FROM analytics_domain.sales_fact WHERE order_id = $1', [orderId]);
    expect(sales).toEqual([{ total: 2 * item.priceCents }]);
  });

  it('cancels an order beyond the stock, with nothing reserved and no payment', async () => {
    const item = await product(1);
    const { orderId, sagaId } = await order([{ sku: item.sku, qty: item.available + 1 }]);
    expect(await settled(orderId)).toMatchObject({ status: 'CANCELLED' });
    expect(await rows('order', 'SELECT status FROM saga_coord.saga_state WHERE saga_id = $1', [sagaId])).toEqual([{ status: 'COMPENSATED' }]);
    expect(await rows('payment', 'SELECT 1 FROM payment_domain.payments WHERE order_id = $1', [orderId])).toEqual([]);
    expect((await call(lab.url('inventory'), `/products/${item.sku}`)).body.available).toBe(item.available);
  });

  it('compensates a declined payment: the reservation is released', async () => {
    await provider({ declineRate: 1 });
    try {
      const item = await product(1);
      const { orderId } = await order([{ sku: item.sku, qty: 1 }]);
      expect(await settled(orderId)).toMatchObject({ status: 'CANCELLED' });
      expect(await rows('inventory', 'SELECT status FROM inventory_domain.reservations WHERE order_id = $1', [orderId])).toEqual([{ status: 'RELEASED' }]);
      expect(await rows('payment', 'SELECT status, failure_reason FROM payment_domain.payments WHERE order_id = $1', [orderId])).toEqual([
        { status: 'FAILED', failure_reason: 'declined' },
      ]);
      expect((await call(lab.url('inventory'), `/products/${item.sku}`)).body.available).toBe(item.available);
    } finally {
      await provider({ declineRate: 0 });
    }
  });

  it('fails a payment with no webhook by its deadline, then refunds the late success', async () => {
    await provider({ timeoutRate: 1, lateWebhookDelayMs: 4500 });
    try {
      const item = await product(1);
      const { orderId } = await order([{ sku: item.sku, qty: 1 }]);
      expect(await settled(orderId)).toMatchObject({ status: 'CANCELLED' });
      const refunded = await until(
        async () => {
          const found = await rows('payment', 'SELECT status, failure_reason FROM payment_domain.payments WHERE order_id = $1', [orderId]);
          return found[0]?.status === 'REFUNDED' ? found : undefined;
        },
        20_000,
        'the late success to be refunded',
      );
      expect(refunded).toEqual([{ status: 'REFUNDED', failure_reason: 'timeout' }]);
      const money = await rows(
        'payment',
        'SELECT COALESCE((SELECT sum(amount_cents) FROM payment_domain.captures c WHERE c.payment_id = p.id), 0)::int - COALESCE((SELECT sum(amount_cents) FROM payment_domain.refunds r WHERE r.payment_id = p.id), 0)::int AS net FROM payment_domain.payments p WHERE p.order_id = $1',
        [orderId],
      );
      expect(money).toEqual([{ net: 0 }]);
      expect((await call(lab.url('order'), `/orders/${orderId}`, { token })).body.status).toBe('CANCELLED');
    } finally {
      await provider({ timeoutRate: 0 });
    }
  });

  it('captures once when the provider sends its webhook twice', async () => {
    await provider({ duplicateWebhookRate: 1 });
    try {
      const item = await product(1);
      const { orderId } = await order([{ sku: item.sku, qty: 1 }]);
      expect(await settled(orderId)).toMatchObject({ status: 'CONFIRMED' });
      await new Promise((r) => setTimeout(r, 1500));
      const captures = await rows(
        'payment',
        'SELECT count(*)::int AS n FROM payment_domain.captures c JOIN payment_domain.payments p ON p.id = c.payment_id WHERE p.order_id = $1',
        [orderId],
      );
      expect(captures).toEqual([{ n: 1 }]);
    } finally {
      await provider({ duplicateWebhookRate: 0 });
    }
  });

  it('keeps a confirmed order confirmed when every notification fails, after retries', async () => {
    await channels({ failureRate: 1 });
    try {
      const item = await product(1);
      const { orderId } = await order([{ sku: item.sku, qty: 1 }]);
      expect(await settled(orderId)).toMatchObject({ status: 'CONFIRMED' });
      const failed = await until(
        async () => {
          const found = await rows('notification', "SELECT status, attempts FROM notification_domain.deliveries WHERE order_id = $1 AND status = 'FAILED'", [
            orderId,
          ]);
          return found.length > 0 ? found : undefined;
        },
        20_000,
        'the delivery to fail',
      );
      expect(failed[0].attempts).toBeGreaterThan(1);
      expect((await call(lab.url('order'), `/orders/${orderId}`, { token })).body.status).toBe('CONFIRMED');
      expect(await rows('payment', 'SELECT status FROM payment_domain.payments WHERE order_id = $1', [orderId])).toEqual([{ status: 'CAPTURED' }]);
    } finally {
      await channels({ failureRate: 0 });
    }
  });

  it('dead-letters a poison message and goes on', async () => {
    const connection = await amqplib.connect(lab.env.RABBITMQ_URL!);
    try {
      const channel = await connection.createConfirmChannel();
      channel.publish('frank.events', 'order.created', Buffer.from('{"not": "an envelope"'), { persistent: true });
      await channel.waitForConfirms();
      await until(async () => (await channel.checkQueue('inventory.saga.dlq')).messageCount >= 1, 10_000, 'the poison in inventory.saga.dlq');
      await channel.purgeQueue('inventory.saga.dlq');
    } finally {
      await connection.close();
    }
    const item = await product(1);
    const { orderId } = await order([{ sku: item.sku, qty: 1 }]);
    expect(await settled(orderId)).toMatchObject({ status: 'CONFIRMED' });
  });

  it('answers bad input with a JSON error naming the field, and writes nothing', async () => {
    const count = async () => (await rows('order', 'SELECT count(*)::int AS n FROM order_domain.orders'))[0].n as number;
    const before = await count();
    const malformed = await call(lab.url('order'), '/orders', { token, raw: '{"items": [' });
    expect(malformed.status).toBe(400);
    const zero = await call(lab.url('order'), '/orders', { token, body: { items: [{ sku: 'SKU-0001', qty: 0 }] } });
    expect(zero.status).toBe(400);
    expect(zero.body.error.field).toMatch(/items\.0\.qty/);
    const unknown = await call(lab.url('order'), '/orders', { token, body: { items: [{ sku: 'NO-SUCH-SKU', qty: 1 }] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.field).toMatch(/items\.0\.sku/);
    const anonymous = await call(lab.url('order'), '/orders', { body: { items: [{ sku: 'SKU-0001', qty: 1 }] } });
    expect(anonymous.status).toBe(401);
    expect(await count()).toBe(before);
  });

  it("does not let one service's role into another service's database", async () => {
    const orderRole = new URL(lab.env.ORDER_SERVICE_DATABASE_URL!);
    const inventory = new URL(lab.env.INVENTORY_SERVICE_DATABASE_URL!);
    inventory.username = orderRole.username;
    inventory.password = orderRole.password;
    const client = new pg.Client({ connectionString: inventory.href });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow(/password authentication failed|does not exist/);
  });

  it('finishes a saga whose payment service was killed in the middle, with no second capture', async () => {
    const pid = JSON.parse(await (await import('node:fs/promises')).readFile(`${dir}/.frank/run/payment.pid`, 'utf8')).pid as number;
    await provider({ latencyMs: 1500 });
    try {
      const item = await product(1);
      const { orderId } = await order([{ sku: item.sku, qty: 1 }]);
      await until(
        async () => (await rows('payment', 'SELECT 1 FROM payment_domain.payments WHERE order_id = $1', [orderId])).length === 1,
        15_000,
        'the payment to exist',
      );
      process.kill(-pid, 'SIGKILL');
      const restarted = await runFrank(dir, ['up']);
      expect(restarted.exitCode, restarted.stderr).toBe(0);
      expect(await settled(orderId, 45_000)).toMatchObject({ status: 'CONFIRMED' });
      expect(
        await rows(
          'payment',
          'SELECT count(*)::int AS n FROM payment_domain.captures c JOIN payment_domain.payments p ON p.id = c.payment_id WHERE p.order_id = $1',
          [orderId],
        ),
      ).toEqual([{ n: 1 }]);
    } finally {
      await provider({ latencyMs: 20 });
    }
  });

  it('loses and doubles nothing when the broker restarts with sagas in flight', async () => {
    const items = await Promise.all([1, 1, 1].map(() => product(3)));
    const placed = [];
    for (const item of items) placed.push(await order([{ sku: item.sku, qty: 1 }]));
    const pid = JSON.parse(await (await import('node:fs/promises')).readFile(`${dir}/.frank/run/rabbitmq.pid`, 'utf8')).pid as number;
    process.kill(-pid, 'SIGKILL');
    const restarted = await runFrank(dir, ['up']);
    expect(restarted.exitCode, restarted.stderr).toBe(0);
    for (const { orderId } of placed) expect(TERMINAL.has((await settled(orderId, 60_000)).status)).toBe(true);
    const doubled = await rows(
      'payment',
      'SELECT p.order_id FROM payment_domain.captures c JOIN payment_domain.payments p ON p.id = c.payment_id GROUP BY p.order_id HAVING count(*) > 1',
    );
    expect(doubled).toEqual([]);
  });

  it('sheds a burst above capacity instead of timing it out: no accepted order times out, the rest answer 503 overloaded, the views agree once settled', async () => {
    await provider({ declineRate: 0, timeoutRate: 0, duplicateWebhookRate: 0 });
    const item = await product(1);
    const restock = await call(lab.url('inventory'), `/admin/stock/${encodeURIComponent(item.sku)}`, { body: { onHand: 1000 } });
    expect(restock.status, JSON.stringify(restock.body)).toBeLessThan(300);
    // 80 orders at once: several times what the lab settles before payment's 3 s deadline.
    const answers = await Promise.all(
      Array.from({ length: 80 }, () => call(lab.url('order'), '/orders', { token, body: { items: [{ sku: item.sku, qty: 1 }] } })),
    );
    const accepted = answers.filter((a) => a.status === 202);
    const shed = answers.filter((a) => a.status !== 202);
    expect(shed.length).toBeGreaterThan(0);
    expect(shed.map((a) => [a.status, a.body.error?.code, a.retryAfter])).toEqual(shed.map(() => [503, 'overloaded', '2']));
    const outcomes = await Promise.all(accepted.map((a) => settled(a.body.orderId, 60_000)));
    expect(outcomes.filter((o) => o.status !== 'CONFIRMED').map((o) => `${o.orderId} ${o.status} ${o.cancelReason}`)).toEqual([]);
    const verify = await runFrank(dir, ['views', 'verify', '--timeout', '60s', '--json']);
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
  });

  it('holds the invariants at rest: stock conserved, nothing reserved, money balanced, outboxes dispatched', async () => {
    await until(
      async () => (await rows('inventory', 'SELECT 1 FROM inventory_domain.reservations WHERE status = $1', ['HELD'])).length === 0,
      30_000,
      'no reservation held',
    );
    expect(await rows('inventory', 'SELECT sku FROM inventory_domain.stock_conservation WHERE NOT conserved')).toEqual([]);
    expect(await rows('inventory', 'SELECT sku FROM inventory_domain.stock WHERE reserved <> 0')).toEqual([]);
    const confirmed = new Map(
      (await rows('order', "SELECT id::text, total_cents::int AS total_cents FROM order_domain.orders WHERE status = 'CONFIRMED'")).map((r) => [
        r.id,
        r.total_cents,
      ]),
    );
    const money = await rows(
      'payment',
      `SELECT p.order_id::text AS order_id,
        COALESCE((SELECT sum(amount_cents) FROM payment_domain.captures c WHERE c.payment_id = p.id), 0)::int AS captured,
        COALESCE((SELECT sum(amount_cents) FROM payment_domain.refunds r WHERE r.payment_id = p.id), 0)::int AS refunded
      FROM payment_domain.payments p`,
    );
    for (const m of money) expect(m.captured - m.refunded, m.order_id).toBe(confirmed.get(m.order_id) ?? 0);
    for (const service of ['order', 'inventory', 'payment', 'notification', 'analytics', 'user']) {
      await until(
        async () => (await rows(service, 'SELECT count(*)::int AS n FROM saga_coord.outbox WHERE dispatched_at IS NULL'))[0].n === 0,
        20_000,
        `${service}'s outbox to drain`,
      );
    }
    void userId;
  });
});
