import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openLab } from '../src/lab/lab.js';
import type { ResourceStatus } from '../src/lab/status.js';
import { checkInvariants, type InvariantResult } from '../src/saga/invariants.js';
import { labAccess, type LabAccess } from '../src/saga/lab-access.js';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from './lab-fixture.js';
import { until } from './saga-fixture.js';

/**
 * A lab stays up while a dependency is down: services are left running (same processes) and keep
 * serving what they can; `frank up` and `frank chaos heal` bring back only what died; the sagas of
 * the orders taken meanwhile settle and every invariant holds.
 */

const SERVICES = [
  'bff',
  'user',
  'inventory',
  'order',
  'payment',
  'notification',
  'analytics',
  'payment-provider',
  'eventbridge-bridge',
  'rabbitmq-bridge',
  'views',
];

interface Attempt {
  at: number;
  answeredAt?: number;
  status: number | 'error';
  orderId?: string;
  retryAfter?: string | null;
  code?: string;
}

describe('degrade, do not restart', () => {
  let dir: string;
  let access: LabAccess;
  let token: string;
  let sku: string;

  const pids = async () =>
    Object.fromEntries(
      await Promise.all(SERVICES.map(async (s) => [s, JSON.parse(await readFile(path.join(dir, '.frank', 'run', `${s}.pid`), 'utf8')).pid as number] as const)),
    );
  const status = async () => {
    const run = await runFrank(dir, ['status', '--json']);
    return { exitCode: run.exitCode, resources: (JSON.parse(run.stdout) as { resources: ResourceStatus[] }).resources };
  };
  const placeOrder = async (): Promise<Attempt> => {
    const at = Date.now();
    try {
      const response = await fetch(`${access.url('order')}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ items: [{ sku, qty: 1 }] }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await response.json().catch(() => ({}))) as { orderId?: string; error?: { code?: string } };
      return {
        at,
        answeredAt: Date.now(),
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        ...(body.orderId ? { orderId: body.orderId } : {}),
        ...(body.error?.code ? { code: body.error.code } : {}),
      };
    } catch {
      return { at, status: 'error' };
    }
  };
  /** Orders every 200 ms, each on its own, until stopped: what a customer's traffic looks like. */
  const load = () => {
    const attempts: Promise<Attempt>[] = [];
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        attempts.push(placeOrder());
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    return {
      async stop() {
        stopped = true;
        await loop;
        return Promise.all(attempts);
      },
    };
  };
  /** Every invariant at rest, with the orders answered 202, within the time given. */
  const atRest = async (placedOrderIds: string[], timeoutMs = 90_000): Promise<InvariantResult[]> => {
    let last: InvariantResult[] = [];
    await until(
      async () => {
        last = (await checkInvariants(access, { placedOrderIds })).invariants;
        return last.every((i) => i.ok);
      },
      timeoutMs,
      'every invariant to hold',
    ).catch(() => undefined);
    return last;
  };

  beforeAll(async () => {
    dir = await makeLabDir();
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(up.exitCode, up.stderr).toBe(0);
    access = await labAccess(await openLab({ config: path.join(dir, 'frank.yaml') }));
    const login = (await (
      await fetch(`${access.url('user')}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'demo@frank.lab', password: 'frank-demo' }),
      })
    ).json()) as { token: string };
    token = login.token;
    const products = (await (await fetch(`${access.url('inventory')}/products?limit=100`)).json()) as { sku: string; available: number }[];
    sku = products.sort((a, b) => b.available - a.available)[0]!.sku;
    // Enough stock that no order of the tests is cancelled for want of it.
    const restock = await fetch(`${access.url('inventory')}/admin/stock/${sku}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ onHand: 100_000 }),
    });
    expect(restock.status).toBeLessThan(300);
  }, 240_000);

  // A test that fails with a fault in force must not spoil the next one.
  afterEach(async () => {
    if (!dir || JSON.parse((await runFrank(dir, ['chaos', 'status', '--json'])).stdout || '{"faults":[]}').faults.length === 0) return;
    await runFrank(dir, ['chaos', 'heal']);
    await runFrank(dir, ['up']);
  });

  afterAll(async () => {
    await access?.close();
    if (dir) await removeLabDir(dir);
  });

  it('kill the broker under load, heal with `frank up`: no service restarted, orders taken throughout, every saga settles, invariants hold', async () => {
    const before = await pids();
    const traffic = load();
    await new Promise((r) => setTimeout(r, 1000));
    const kill = await runFrank(dir, ['chaos', 'kill-broker']);
    expect(kill.exitCode, kill.stderr).toBe(0);
    const killedAt = Date.now();

    // The services wait for the broker, alive: status says so (and is not healthy: exit 1).
    const degraded = await until(
      async () => {
        const now = await status();
        return now.resources.find((r) => r.name === 'order')?.health === 'degraded' && now;
      },
      15_000,
      'order to be degraded',
    );
    const plain = await runFrank(dir, ['status']);
    expect(plain.exitCode).toBe(1);
    expect(plain.stdout).toMatch(/^order\s.*degraded: waiting for rabbitmq$/m);
    expect(degraded.resources.find((r) => r.name === 'rabbitmq')?.health).toBe('stopped');
    expect(degraded.resources.find((r) => r.name === 'order')).toMatchObject({
      health: 'degraded',
      waitingFor: ['rabbitmq'],
      detail: 'degraded: waiting for rabbitmq',
    });
    expect(degraded.resources.find((r) => r.name === 'order-db')?.health).toBe('healthy');
    await new Promise((r) => setTimeout(r, Math.max(0, killedAt + 4000 - Date.now())));

    const healedBy = await runFrank(dir, ['up']);
    expect(healedBy.exitCode, healedBy.stderr).toBe(0);
    const healedAt = Date.now();
    expect(healedBy.stderr).toMatch(/Left running \(alive, waiting for what is down; not restarted\): .*order \(waiting for rabbitmq\)/);
    expect(healedBy.stderr).toMatch(/The lab is up: 1 started, \d+ left running and waited for/);
    expect(healedBy.stderr).toMatch(/Healed kill-broker: frank up brought it back\./);
    await new Promise((r) => setTimeout(r, 1000));
    const attempts = await traffic.stop();

    // Not one service process was restarted.
    expect(await pids()).toEqual(before);
    // Every order was taken, during the outage too.
    const during = attempts.filter((a) => a.at >= killedAt && a.at < healedAt);
    expect(during.length).toBeGreaterThan(10);
    // Once order-service has the broker again, the outage's backlog counts: above its in-flight
    // bound it sheds, politely (503 overloaded, Retry-After), never before; nothing else fails.
    const reconnectedAt = Math.max(
      ...(await readFile(path.join(dir, '.frank', 'logs', 'order.log'), 'utf8'))
        .split('\n')
        .filter((line) => line.includes('"broker connected again"'))
        .map((line) => Date.parse((JSON.parse(line) as { time: string }).time)),
    );
    expect(reconnectedAt).toBeGreaterThan(killedAt);
    expect(during.filter((a) => a.status !== 202 && a.answeredAt! < reconnectedAt)).toEqual([]);
    expect(
      attempts.filter((a) => a.status !== 202 && !(a.status === 503 && a.code === 'overloaded' && a.retryAfter === '2' && a.answeredAt! >= reconnectedAt)),
    ).toEqual([]);
    const placed = attempts.filter((a) => a.status === 202).map((a) => a.orderId!);
    const invariants = await atRest(placed);
    expect(invariants.filter((i) => !i.ok)).toEqual([]);
    // Settled, each one: a payment whose webhook could not cross the broker in time is a timeout and its
    // order cancelled (refunded if it came late), no saga left hanging.
    expect(
      (await checkInvariants(access, { placedOrderIds: placed })).snapshot.orders.filter(
        (o) => placed.includes(o.id) && o.status !== 'CONFIRMED' && o.status !== 'CANCELLED',
      ),
    ).toEqual([]);
    expect(JSON.parse((await runFrank(dir, ['chaos', 'status', '--json'])).stdout)).toEqual({ faults: [] });
  });

  it('kill order-db: POST /orders answers 503 with Retry-After, never 500, nothing half-written; `chaos heal` brings the database back, not the service', async () => {
    const before = await pids();
    const {
      rows: [counts],
    } = await access
      .db('order')
      .query<{ orders: number; sagas: number; outbox: number }>(
        "SELECT (SELECT count(*)::int FROM order_domain.orders) AS orders, (SELECT count(*)::int FROM saga_coord.saga_state) AS sagas, (SELECT count(*)::int FROM saga_coord.outbox WHERE event_type = 'order.created') AS outbox",
      );
    const kill = await runFrank(dir, ['chaos', 'kill-db', 'order']);
    expect(kill.exitCode, kill.stderr).toBe(0);
    const refused: Attempt[] = [];
    for (let i = 0; i < 8; i++) {
      refused.push(await placeOrder());
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(refused.map((a) => a.status)).toEqual(refused.map(() => 503));
    expect(refused.map((a) => a.retryAfter)).toEqual(refused.map(() => '2'));
    expect(refused.map((a) => a.code)).toEqual(refused.map(() => 'unavailable'));
    // A read of its own database answers the same.
    const read = await fetch(`${access.url('order')}/orders/${crypto.randomUUID()}`, { headers: { authorization: `Bearer ${token}` } });
    expect(read.status).toBe(503);
    expect(read.headers.get('retry-after')).toBe('2');
    expect((await status()).resources.find((r) => r.name === 'order')).toMatchObject({ health: 'degraded', waitingFor: ['order-db'] });

    const heal = await runFrank(dir, ['chaos', 'heal']);
    expect(heal.exitCode, heal.stderr).toBe(0);
    expect(await pids()).toEqual(before);
    const accepted = await until(
      async () => {
        const attempt = await placeOrder();
        return attempt.status === 202 && attempt;
      },
      15_000,
      'order to take orders again',
    );
    // Nothing of the refused orders was written: one more order, one more saga, one more order.created.
    const {
      rows: [after],
    } = await access
      .db('order')
      .query<{ orders: number; sagas: number; outbox: number }>(
        "SELECT (SELECT count(*)::int FROM order_domain.orders) AS orders, (SELECT count(*)::int FROM saga_coord.saga_state) AS sagas, (SELECT count(*)::int FROM saga_coord.outbox WHERE event_type = 'order.created') AS outbox",
      );
    expect(after).toEqual({ orders: counts!.orders + 1, sagas: counts!.sagas + 1, outbox: counts!.outbox + 1 });
    const invariants = await atRest([accepted.orderId!]);
    expect(invariants.filter((i) => !i.ok)).toEqual([]);
  });
});
