import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from './lab-fixture.js';
import { call, connectSagaLab, TERMINAL, until, type SagaLab } from './saga-fixture.js';

interface Listed {
  name: string;
  exists: boolean;
  environments: { name: string; enabled: boolean }[];
  seen: { enabled: boolean | undefined; source: string } | undefined;
}

/**
 * Unleash as a unit of the lab, for real: `frank up` starts it on infrastructure-db and seeds the
 * flags, `frank flags set` changes what payment and notification do in the next saga (checked in
 * their own databases), the kill switch is a chaos fault, and a flip survives `down` and `up`.
 */
describe('feature flags: Unleash in the lab', () => {
  let dir: string;
  let lab: SagaLab;
  let token: string;

  const frank = async (...args: string[]) => {
    const run = await runFrank(dir, args);
    expect(run.exitCode, `frank ${args.join(' ')}\n${run.stderr}`).toBe(0);
    return run;
  };
  const listed = async () => (JSON.parse((await frank('flags', 'ls', '--json')).stdout) as { flags: Listed[] }).flags;
  const development = (flags: Listed[], name: string) => flags.find((f) => f.name === name)?.environments.find((e) => e.name === 'development')?.enabled;
  const rows = async (service: string, sql: string, params: unknown[] = []) => (await lab.db(service).query(sql, params)).rows;
  const orderOne = async () => {
    const { body: products } = await call(lab.url('inventory'), '/products?limit=100');
    const item = (products as { sku: string; available: number }[]).find((p) => p.available >= 1)!;
    const placed = await call(lab.url('order'), '/orders', { token, body: { items: [{ sku: item.sku, qty: 1 }] } });
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    const { orderId } = placed.body as { orderId: string };
    const settled = await until(
      async () => {
        const { body } = await call(lab.url('order'), `/orders/${orderId}`, { token });
        return TERMINAL.has(body.status) ? body : undefined;
      },
      30_000,
      `order ${orderId} to settle`,
    );
    return { orderId, status: settled.status as string };
  };

  beforeAll(async () => {
    dir = await makeLabDir();
    await frank('up', '--port-offset', String(await freeOffset(dir)));
    lab = await connectSagaLab(dir);
    const login = await call(lab.url('user'), '/auth/login', { body: { email: 'demo@frank.lab', password: 'frank-demo' } });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    token = login.body.token;
  }, 240_000);

  afterAll(async () => {
    await lab?.close();
    if (dir) await removeLabDir(dir);
  });

  it('frank up starts Unleash and seeds every flag off, as the services read them', async () => {
    const status = JSON.parse((await frank('status', '--json')).stdout) as { resources: { name: string; kind: string; health: string }[] };
    expect(status.resources.find((r) => r.name === 'unleash')).toMatchObject({ kind: 'unleash', health: 'healthy' });
    const flags = await listed();
    expect(flags.map((f) => f.name)).toEqual(['payment.kill-switch', 'payment.provider-v2', 'notification.sms']);
    for (const flag of flags) {
      expect(flag, flag.name).toMatchObject({ exists: true, seen: { enabled: false, source: 'unleash' } });
      expect(development(flags, flag.name), flag.name).toBe(false);
    }
  });

  it('payment.kill-switch on: the next saga is cancelled, its payment FAILED with reason kill-switch and never sent to the provider', async () => {
    const set = await frank('flags', 'set', 'payment.kill-switch', 'on');
    expect(set.stdout).toBe('payment.kill-switch off → on (development)');
    expect(set.stderr).toMatch(/its service reads it after \d+ ms/);
    const { orderId, status } = await orderOne();
    expect(status).toBe('CANCELLED');
    expect(
      await rows('payment', 'SELECT status, failure_reason, provider_ref, provider_attempts FROM payment_domain.payments WHERE order_id = $1', [orderId]),
    ).toEqual([{ status: 'FAILED', failure_reason: 'kill-switch', provider_ref: null, provider_attempts: 0 }]);
    expect(
      await rows('payment', "SELECT payload->>'reason' AS reason FROM event_store.events WHERE stream_id = $1 AND type = 'payment.failed'", [orderId]),
    ).toEqual([{ reason: 'kill-switch' }]);
    await frank('flags', 'set', 'payment.kill-switch', 'off');
  });

  it('the chaos fault kill-switch payment turns it on for its --for and off again', async () => {
    const run = await frank('chaos', 'kill-switch', 'payment', '--for', '1s');
    expect(run.stderr).toMatch(/kill-switch payment in force/);
    expect(run.stderr).toMatch(/healed kill-switch payment/);
    expect(development(await listed(), 'payment.kill-switch')).toBe(false);
  });

  it('saga run flag-rollout turns payment.provider-v2 on halfway: the first half on v1, the rest on v2, the invariants hold, the flag set back', async () => {
    const run = await frank('saga', 'run', 'flag-rollout', '--orders', '12', '--json');
    const result = JSON.parse(run.stdout) as { verdict: string; flags: { flag: string; set: boolean; beforeOrder: number; seenAfterMs: number | null }[] };
    expect(result.verdict, run.stderr).toBe('pass');
    expect(result.flags).toEqual([{ flag: 'payment.provider-v2', set: true, beforeOrder: 6, seenAfterMs: expect.any(Number) }]);
    const runId = (JSON.parse(run.stdout) as { runId: string }).runId;
    // orders.json lists the orders as order-service took them: the last six after the flip.
    const placed = (JSON.parse(await readFile(path.join(dir, '.frank', 'runs', runId, 'orders.json'), 'utf8')) as { orderId: string }[]).map((o) => o.orderId);
    expect(placed).toHaveLength(12);
    const paths = new Map(
      (await rows('payment', 'SELECT order_id, provider_path FROM payment_domain.payments WHERE order_id = ANY($1)', [placed])).map((r) => [
        r.order_id,
        r.provider_path,
      ]),
    );
    // The flip waits until payment reads it, before the 7th order goes out; the three a worker saw settle before it were on v1.
    expect(placed.slice(-6).map((id) => paths.get(id))).toEqual(['v2', 'v2', 'v2', 'v2', 'v2', 'v2']);
    expect(placed.filter((id) => paths.get(id) === 'v1').length).toBeGreaterThanOrEqual(3);
    expect(development(await listed(), 'payment.provider-v2')).toBe(false);
  });

  it('notification.sms on and payment.provider-v2 toggled: an SMS delivery beside the e-mail, the payment on the v2 path', async () => {
    await frank('flags', 'set', 'notification.sms', 'on');
    expect((await frank('flags', 'toggle', 'payment.provider-v2')).stdout).toBe('payment.provider-v2 off → on (development)');
    const { orderId, status } = await orderOne();
    expect(status).toBe('CONFIRMED');
    expect(await rows('payment', 'SELECT status, provider_path FROM payment_domain.payments WHERE order_id = $1', [orderId])).toEqual([
      { status: 'CAPTURED', provider_path: 'v2' },
    ]);
    const deliveries = await until(
      async () => {
        const found = await rows(
          'notification',
          "SELECT channel, status FROM notification_domain.deliveries WHERE order_id = $1 AND status = 'SENT' ORDER BY channel",
          [orderId],
        );
        return found.length === 2 && found;
      },
      15_000,
      'two deliveries SENT',
    );
    expect(deliveries).toEqual([
      { channel: 'email', status: 'SENT' },
      { channel: 'sms', status: 'SENT' },
    ]);
  });

  it('a flip survives down and up; with the lab down, frank flags says so', async () => {
    await frank('down');
    const down = await runFrank(dir, ['flags', 'set', 'notification.sms', 'off']);
    expect(down.exitCode).toBe(1);
    expect(down.stderr).toMatch(/The lab is not up: its flags live in Unleash, which runs with it\./);
    // The servers are enough: Unleash keeps its flags in infrastructure-db.
    await frank('up', '--no-services');
    const flags = await listed();
    expect(development(flags, 'notification.sms')).toBe(true);
    expect(development(flags, 'payment.provider-v2')).toBe(true);
    expect(development(flags, 'payment.kill-switch')).toBe(false);
  });
});
