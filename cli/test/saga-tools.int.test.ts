import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLab, runtimeContext } from '../src/lab/lab.js';
import { checkInvariants } from '../src/saga/invariants.js';
import { labAccess, type LabAccess } from '../src/saga/lab-access.js';
import { http, loginCustomers } from '../src/saga/load-driver.js';
import type { OutboxRow, RedriveResult } from '../src/saga/outbox.js';
import type { RunDiff } from '../src/saga/run-diff.js';
import type { RecordedOrder } from '../src/saga/run-store.js';
import { runScenario, type RunResult } from '../src/saga/run.js';
import { findScenario } from '../src/saga/scenario.js';
import { queueStates } from '../src/saga/snapshot.js';
import type { StuckReport } from '../src/saga/stuck.js';
import type { SagaTimeline } from '../src/saga/timeline.js';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from './lab-fixture.js';
import { until } from './saga-fixture.js';
import { readXml } from './well-formed-xml.js';

/**
 * The saga tools against one whole real lab: the open-model run with its report, charts and
 * JUnit; recorded runs and their diff; one saga's timeline across the databases; a saga stuck on
 * purpose (payment stopped) and the outbox rows payment could not publish, redriven from the CLI;
 * and every bad input with its exit code.
 */

const INVARIANTS = [
  'orders-settled',
  'stock-conserved',
  'nothing-reserved-at-rest',
  'reservations-match-orders',
  'money-balanced',
  'at-most-one-capture',
  'outbox-dispatched',
  'queues-empty',
  'dead-letter-queues-empty',
  'analytics-sales-match',
  'views-orders-match',
  'views-users-match',
  'views-stock-match',
  'views-payments-match',
  'views-deliveries-match',
];

describe('frank saga tools', () => {
  let dir: string;
  let access: LabAccess;
  const runs: Record<string, RunResult> = {};
  const rows = async (service: Parameters<LabAccess['db']>[0], sql: string, params: unknown[] = []) => (await access.db(service).query(sql, params)).rows;
  const atRest = () => until(async () => (await checkInvariants(access)).invariants.every((i) => i.ok), 60_000, 'the lab to be at rest');
  const runsDir = () => path.join(dir, '.frank', 'runs');

  beforeAll(async () => {
    dir = await makeLabDir();
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(up.exitCode, up.stderr).toBe(0);
    access = await labAccess(await openLab({ config: path.join(dir, 'frank.yaml') }));
    // The first sagas after `up` can outlive payment's 3 s deadline on a busy machine (cold pools,
    // the AWS emulator's first calls): warm the lab up through the library, so that no run is recorded.
    await runScenario(access, await findScenario('happy-path'), { orders: 4, concurrency: 4, seed: 99 });
  }, 360_000);

  afterAll(async () => {
    await access?.close();
    if (dir) await removeLabDir(dir);
  });

  it('runs the open model (--rate --duration), records the run, and writes the Markdown report with two SVG charts and JUnit XML', async () => {
    const out = path.join(dir, 'out');
    const run = await runFrank(dir, [
      'saga',
      'run',
      'happy-path',
      '--rate',
      '4',
      '--duration',
      '3s',
      '--seed',
      '5',
      '--json',
      '--report',
      path.join(out, 'report.md'),
      '--junit',
      path.join(out, 'junit.xml'),
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as RunResult;
    runs.open = result;
    expect(result).toMatchObject({
      scenario: 'happy-path',
      verdict: 'pass',
      seed: 5,
      load: { model: 'open', rate: 4, durationMs: 3000, maxInFlight: 1000, arrivals: 12, skippedArrivals: 0 },
      orders: { placed: 12, confirmed: 12, stuck: 0, failedToPlace: 0 },
    });
    expect(result.load.model === 'open' && result.load.peakInFlight).toBeGreaterThan(0);
    expect(result.throughputPerSecond.reduce((a, b) => a + b, 0)).toBe(12);
    expect(result.latencyHistogram.reduce((sum, b) => sum + b.count, 0)).toBe(12);
    expect(run.stderr).toMatch(/load +open: 4\/s for 3 s \(12 arrivals/);

    // Arrivals came at the rate, not all at once: 12 orders at 250 ms spread over about 2.75 s.
    const orders = JSON.parse(await readFile(path.join(runsDir(), result.runId!, 'orders.json'), 'utf8')) as RecordedOrder[];
    expect(orders).toHaveLength(12);
    expect(orders.every((o) => o.terminal === 'order.confirmed' && o.latencyMs! > 0)).toBe(true);
    const [span] = await rows(
      'order',
      'SELECT (extract(epoch FROM max(created_at) - min(created_at)) * 1000)::float8 AS ms FROM order_domain.orders WHERE id = ANY($1::uuid[])',
      [orders.map((o) => o.orderId)],
    );
    expect(span.ms).toBeGreaterThan(2000);
    expect(span.ms).toBeLessThan(4500);

    // The run's folder: its id sorts by time and names the scenario; result.json is what --json printed.
    expect(result.runId).toMatch(/^\d{8}-\d{6}-happy-path$/);
    expect(JSON.parse(await readFile(path.join(runsDir(), result.runId!, 'result.json'), 'utf8'))).toEqual(result);

    const md = await readFile(path.join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/^# Saga run happy-path: PASS/);
    expect(md).toContain(`- run: \`${result.runId}\``);
    expect(md).toContain('| confirmed | 12 |');
    expect(md).toContain(`| ${result.throughput} | ${result.latencyMs.p50} | ${result.latencyMs.p95} | ${result.latencyMs.p99} | ${result.latencyMs.max} |`);
    for (const name of INVARIANTS) expect(md).toContain(`| ${name} | ok |`);
    expect(md).toContain('![Latency histogram](report-latency.svg)');
    expect(md).toContain('![Throughput over time](report-throughput.svg)');
    expect((await readdir(out)).sort()).toEqual(['junit.xml', 'report-latency.svg', 'report-throughput.svg', 'report.md']);
    const latency = readXml(await readFile(path.join(out, 'report-latency.svg'), 'utf8'));
    expect(latency[0]).toMatchObject({ name: 'svg', attributes: { xmlns: 'http://www.w3.org/2000/svg' } });
    expect(latency.filter((e) => e.attributes.class === 'bar')).toHaveLength(result.latencyHistogram.length);
    expect(latency.some((e) => e.name === 'text' && e.text === `p95 ${result.latencyMs.p95} ms`)).toBe(true);
    const throughput = readXml(await readFile(path.join(out, 'report-throughput.svg'), 'utf8'));
    expect(throughput.filter((e) => e.attributes.class === 'bar')).toHaveLength(result.throughputPerSecond.length);

    const junit = readXml(await readFile(path.join(out, 'junit.xml'), 'utf8'));
    const cases = junit.filter((e) => e.name === 'testcase');
    expect(cases.filter((c) => c.attributes.classname === 'saga.happy-path.invariants').map((c) => c.attributes.name)).toEqual(INVARIANTS);
    expect(cases.filter((c) => c.attributes.classname === 'saga.happy-path.expectations').map((c) => c.attributes.name)).toEqual([
      'confirmed: all',
      'cancelled: none',
      'released: none',
      'refunded: none',
      'notificationsFailed: none',
    ]);
    expect(junit.find((e) => e.name === 'testsuite')!.attributes).toMatchObject({ tests: String(cases.length), failures: '0' });
    expect(junit.filter((e) => e.name === 'failure')).toEqual([]);
  });

  it('records every run; `saga runs` lists them, `saga diff` compares two and names the checks that changed; a failed expectation is a JUnit failure', async () => {
    const closed = await runFrank(dir, ['saga', 'run', 'happy-path', '--orders', '3', '--json']);
    expect(closed.exitCode, closed.stderr).toBe(0);
    runs.closed = JSON.parse(closed.stdout) as RunResult;
    expect(runs.closed.load).toEqual({ model: 'closed', orders: 3, concurrency: 4 });

    const file = path.join(dir, 'wrong.yaml');
    await writeFile(
      file,
      'name: wrong\ndescription: expects every in-stock order to be cancelled\nmix:\n  - items: [{ sku: random, qty: 1 }]\nexpect:\n  cancelled: all\n',
    );
    const junitFile = path.join(dir, 'wrong-junit.xml');
    const wrong = await runFrank(dir, ['saga', 'run', '--file', file, '--orders', '2', '--settle-timeout', '3s', '--junit', junitFile, '--json']);
    expect(wrong.exitCode, wrong.stderr).toBe(1);
    runs.wrong = JSON.parse(wrong.stdout) as RunResult;
    expect(runs.wrong.runId).toMatch(/-wrong$/);
    const failure = readXml(await readFile(junitFile, 'utf8')).find((e) => e.name === 'failure')!;
    expect(failure.parent!.attributes).toMatchObject({ classname: 'saga.wrong.expectations', name: 'cancelled: all' });
    expect(failure.attributes.message).toBe('cancelled: expected all, actual 0 of 2 orders placed');

    const list = await runFrank(dir, ['saga', 'runs', '--json']);
    expect(list.exitCode, list.stderr).toBe(0);
    const listed = JSON.parse(list.stdout) as { id: string; verdict: string; orders: { placed: number } }[];
    expect(listed.map((r) => r.id)).toEqual([runs.open!.runId, runs.closed.runId, runs.wrong.runId]);
    expect(listed.map((r) => r.verdict)).toEqual(['pass', 'pass', 'fail']);
    const table = await runFrank(dir, ['saga', 'runs']);
    expect(table.stdout).toMatch(new RegExp(`${runs.wrong.runId} +fail +closed: 2 orders, concurrency 4 +2 `));
    expect(table.stdout).toMatch(new RegExp(`${runs.open!.runId} +pass +open: 4/s for 3 s`));

    const diff = await runFrank(dir, ['saga', 'diff', runs.open!.runId!, runs.closed.runId!, '--json']);
    expect(diff.exitCode, diff.stderr).toBe(0);
    const same = JSON.parse(diff.stdout) as RunDiff;
    expect(same.rows.find((r) => r.measure === 'orders placed')).toEqual({ measure: 'orders placed', a: 12, b: 3, delta: -9, relative: -0.75 });
    expect(same.rows.find((r) => r.measure === 'latency p95 (ms)')).toMatchObject({ a: runs.open!.latencyMs.p95, b: runs.closed.latencyMs.p95 });
    expect(same.changedChecks).toEqual([]);

    const worse = JSON.parse((await runFrank(dir, ['saga', 'diff', runs.closed.runId!, runs.wrong.runId!, '--json'])).stdout) as RunDiff;
    expect(worse.rows[0]).toEqual({ measure: 'verdict', a: 'pass', b: 'fail', delta: null, relative: null });
    expect(worse.changedChecks).toContainEqual({ kind: 'expectation', name: 'cancelled', a: true, b: false, detailsB: 'expected all, actual 0' });
    const text = await runFrank(dir, ['saga', 'diff', runs.closed.runId!, runs.wrong.runId!]);
    expect(text.stdout).toMatch(/verdict +pass +fail +pass → fail/);
    expect(text.stdout).toMatch(/expectation cancelled +ok +FAIL +expected all, actual 0/);
  });

  it("finds every queue the services' manifests declare on the broker, each with its consumer", async () => {
    expect(access.saga.queues.length).toBeGreaterThanOrEqual(10);
    const states = await queueStates(access.amqpUrl, access.saga.queues);
    expect(states.filter((q) => !q.state || q.state.consumers === 0).map((q) => q.queue)).toEqual([]);
  });

  it('`saga show` rebuilds one saga from every database: its steps across order, inventory, payment and notification, with relay lag and consumer gaps', async () => {
    const [order] = JSON.parse(await readFile(path.join(runsDir(), runs.open!.runId!, 'orders.json'), 'utf8')) as RecordedOrder[];
    const show = async (id: string) => {
      const run = await runFrank(dir, ['saga', 'show', id, '--json']);
      expect(run.exitCode, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as SagaTimeline;
    };
    // Notification and analytics finish after the order is confirmed.
    const timeline = await until(
      async () => {
        const t = await show(order!.orderId);
        return ['customer.notified', 'analytics.recorded'].every((type) => t.steps.some((s) => s.type === type)) && t;
      },
      30_000,
      'the saga to complete',
    );
    expect(timeline).toMatchObject({ orderId: order!.orderId, sagaId: order!.sagaId, order: { status: 'CONFIRMED' }, payment: { status: 'CAPTURED' } });
    const types = timeline.steps.map((s) => s.type);
    expect(types[0]).toBe('order.created');
    expect(types).toEqual(
      expect.arrayContaining([
        'order.created',
        'inventory.reserved',
        'payment.webhook',
        'payment.completed',
        'inventory.committed',
        'order.confirmed',
        'customer.notified',
        'analytics.recorded',
      ]),
    );
    const service = (type: string) => timeline.steps.find((s) => s.type === type)!;
    expect(['order.created', 'inventory.reserved', 'payment.completed', 'customer.notified', 'analytics.recorded'].map((t) => service(t).service)).toEqual([
      'order',
      'inventory',
      'payment',
      'notification',
      'analytics',
    ]);
    const offsets = timeline.steps.map((s) => s.offsetMs);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);

    const created = service('order.created');
    expect(created.dispatchedAt).not.toBeNull();
    expect(created.consumers.map((c) => c.handler)).toEqual(
      expect.arrayContaining(['inventory.saga', 'payment.saga', 'notification.saga', 'analytics.events']),
    );
    expect(created.consumers.find((c) => c.handler === 'inventory.saga')!.service).toBe('inventory');
    for (const step of timeline.steps.filter((s) => !s.external)) for (const consumer of step.consumers) expect(consumer.gapMs).toBeGreaterThanOrEqual(0);
    expect(service('inventory.reserved').causationId).toBe(created.eventId);
    // The provider's webhook reaches the saga outside its databases: known from payment's inbox.
    expect(service('payment.webhook')).toMatchObject({ external: true, service: 'eventbridge-bridge' });
    expect(service('payment.webhook').consumers).toContainEqual(expect.objectContaining({ handler: 'payment.saga', service: 'payment' }));
    expect(service('payment.completed').causationId).toBe(service('payment.webhook').eventId);

    expect((await show(order!.sagaId)).steps.map((s) => s.eventId)).toEqual(timeline.steps.map((s) => s.eventId));
    const table = await runFrank(dir, ['saga', 'show', order!.orderId]);
    expect(table.stdout).toContain(`order ${order!.orderId}, saga ${order!.sagaId}`);
    expect(table.stdout).toMatch(/\+0 ms +order +order\.created +\+\d+ ms +.*inventory\.saga \+\d+ ms/);
    expect(table.stdout).toMatch(/payment +payment\.completed/);
  });

  it('refuses bad input with a clear error and exit 2 (usage) or 1 (not found), running nothing', async () => {
    const bad = async (args: string[], code: number, message: string | RegExp) => {
      const run = await runFrank(dir, args);
      expect(run.exitCode, `${args.join(' ')}\n${run.stderr}`).toBe(code);
      if (typeof message === 'string') expect(run.stderr).toContain(message);
      else expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe('');
      return run;
    };
    const recorded = (await readdir(runsDir())).length;
    await bad(['saga', 'run', 'happy-path', '--duration', '5x', '--rate', '4'], 2, '--duration takes a duration such as 500ms, 10s or 2m, not "5x".');
    await bad(
      ['saga', 'run', 'happy-path', '--rate', 'fast', '--duration', '3s'],
      2,
      '--rate must be orders per second: a number > 0 and ≤ 1000, such as 50 or 0.5, not "fast".',
    );
    await bad(['saga', 'run', 'happy-path', '--rate', '0', '--duration', '3s'], 2, 'not "0"');
    await bad(['saga', 'run', 'happy-path', '--duration', '3s'], 2, /--duration needs a rate[\s\S]*try: Add --rate <orders\/s>/);
    await bad(['saga', 'run', 'happy-path', '--rate', '4'], 2, /--rate needs a duration[\s\S]*try: Add --duration <time>/);
    await bad(
      ['saga', 'run', 'happy-path', '--rate', '4', '--duration', '3s', '--orders', '3'],
      2,
      '--orders (closed model) and --rate and --duration (open model) do not go together.',
    );
    await bad(['saga', 'run', 'happy-path', '--rate', '0.1', '--duration', '2s'], 2, '0.1 orders/s for 2000 ms places no order.');
    const half = path.join(dir, 'half-open.yaml');
    await writeFile(half, 'name: half-open\ndescription: a rate without a duration\nrate: 5\nmix:\n  - items: [{ sku: random }]\n');
    await bad(['saga', 'run', '--file', half], 2, `${half}:3: rate: needs duration beside it`);
    // A folder that is a file: found before any order is placed.
    const notAFolder = path.join(dir, 'frank.yaml', 'report.md');
    await bad(['saga', 'run', 'happy-path', '--orders', '2', '--report', notAFolder], 1, `--report ${notAFolder}: its folder cannot be written: `);
    expect((await readdir(runsDir())).length).toBe(recorded);

    await bad(
      ['saga', 'diff', runs.open!.runId!, '20990101-000000-nope'],
      2,
      /Run "20990101-000000-nope" is not recorded in .*\n.*try: `npx frank saga runs` lists the 3 recorded/,
    );
    await bad(['saga', 'diff', 'yesterday', runs.open!.runId!], 2, 'Run "yesterday" is not a run id (they look like 20261130-053412-happy-path).');
    await bad(
      ['saga', 'show', '0b8e4f2c-1d3a-4e5f-8a9b-0c1d2e3f4a5b'],
      1,
      /No order or saga 0b8e4f2c-1d3a-4e5f-8a9b-0c1d2e3f4a5b[\s\S]*try: Check the id: `npx frank saga stuck`/,
    );
    await bad(['saga', 'show', 'order-42'], 2, '"order-42" is not an order or saga id: both are UUIDs.');
    await bad(['saga', 'stuck', '--older-than', 'soon'], 2, '--older-than takes a duration such as 500ms, 10s or 2m, not "soon".');
    await bad(
      ['outbox', 'ls', '--service', 'shipping'],
      2,
      /No service "shipping" has an outbox\.\n.*Use one of: user, inventory, order, payment, notification, analytics/,
    );
    await bad(['outbox', 'redrive'], 2, 'Which outbox? Give --service.');
    await bad(['outbox', 'redrive', '--service', 'payment', '--id', 'row-1'], 2, '--id takes an outbox row id (a UUID), not "row-1".');
    await bad(
      ['outbox', 'redrive', '--service', 'payment', '--id', '0b8e4f2c-1d3a-4e5f-8a9b-0c1d2e3f4a5b'],
      1,
      /payment's outbox has no row 0b8e4f2c-1d3a-4e5f-8a9b-0c1d2e3f4a5b\.\n.*`npx frank outbox ls --service payment`/,
    );
  });

  it('says the lab is down, and how to start it, when there is no lab', async () => {
    const empty = await makeLabDir();
    try {
      for (const args of [
        ['saga', 'show', '0b8e4f2c-1d3a-4e5f-8a9b-0c1d2e3f4a5b'],
        ['saga', 'stuck'],
        ['outbox', 'ls'],
        ['outbox', 'redrive', '--service', 'order'],
      ]) {
        const run = await runFrank(empty, args);
        expect(run.exitCode, args.join(' ')).toBe(1);
        expect(run.stderr).toMatch(/The lab is not up\.\n.*try: Run `npx frank up` first\./);
      }
      const none = await runFrank(empty, ['saga', 'runs']);
      expect(none.exitCode).toBe(0);
      expect(none.stderr).toMatch(/No run recorded yet in .*\.frank\/runs\. `npx frank saga run happy-path` records one\./);
      expect(JSON.parse((await runFrank(empty, ['saga', 'runs', '--json'])).stdout)).toEqual([]);
    } finally {
      await removeLabDir(empty);
    }
  });

  it('finds a saga stuck because payment is down and says why; `outbox ls` shows what payment could not publish and `outbox redrive` publishes it once', async () => {
    await atRest();
    const calm = await runFrank(dir, ['saga', 'stuck', '--older-than', '0s', '--json']);
    expect(calm.exitCode, calm.stderr).toBe(0);
    expect(JSON.parse(calm.stdout)).toMatchObject({ unsettled: 0, stuck: [] });
    expect((await runFrank(dir, ['saga', 'stuck'])).stdout).toMatch(/^No saga is stuck/);

    const lab = await openLab({ config: path.join(dir, 'frank.yaml') });
    const payment = lab.topology.services.find((s) => s.name === 'payment')!;
    await lab.runtime.stop(payment, await runtimeContext(lab, lab.state!.id));
    let orderId = '';
    try {
      await until(async () => (await queueStates(access.amqpUrl, ['payment.saga']))[0]!.state?.consumers === 0, 20_000, 'payment.saga to lose its consumer');
      const [customer] = await loginCustomers(access, 1);
      const products = await http<{ sku: string; available: number }[]>(`${access.url('inventory')}/products?limit=200`);
      const sku = products.body.find((p) => p.available >= 10)!.sku;
      const placed = await http<{ orderId: string }>(`${access.url('order')}/orders`, { body: { items: [{ sku, qty: 1 }] }, token: customer!.token });
      expect(placed.status).toBe(202);
      orderId = placed.body.orderId;
      await until(
        async () => (await rows('order', 'SELECT status FROM order_domain.orders WHERE id = $1', [orderId]))[0]?.status === 'RESERVED',
        30_000,
        'the order to be RESERVED',
      );

      const stuck = await runFrank(dir, ['saga', 'stuck', '--older-than', '0s', '--json']);
      expect(stuck.exitCode, stuck.stderr).toBe(1);
      const report = JSON.parse(stuck.stdout) as StuckReport;
      const mine = report.stuck.find((s) => s.orderId === orderId)!;
      expect(mine).toMatchObject({ status: 'RESERVED', lastEvent: { type: 'inventory.reserved', service: 'inventory' } });
      // payment takes order.created too (it keeps the order's total): both wait in its queue.
      expect(mine.reasons).toEqual(
        ['order.created', 'inventory.reserved'].map((type) => ({
          kind: 'no-consumer',
          where: 'payment.saga',
          detail: expect.stringMatching(
            new RegExp(`^${type.replace('.', '\\.')} waits in payment\\.saga \\(\\d+ ready\\) and no one consumes it: is payment running\\?$`),
          ),
        })),
      );
      expect(report.queues.find((q) => q.queue === 'payment.saga')).toMatchObject({ consumers: 0 });
      const table = await runFrank(dir, ['saga', 'stuck', '--older-than', '0s']);
      expect(table.exitCode).toBe(1);
      expect(table.stdout).toMatch(
        new RegExp(
          `${orderId} +RESERVED +[\\d.]+ s +inventory\\.reserved \\(inventory\\) +payment\\.saga +order\\.created waits in payment\\.saga.*\\n +payment\\.saga +inventory\\.reserved waits in payment\\.saga`,
        ),
      );

      // As if payment had dead-lettered the event: the DLQ is named, and peeking leaves the message there.
      const [reserved] = await rows('inventory', "SELECT payload FROM saga_coord.outbox WHERE aggregate_id = $1 AND event_type = 'inventory.reserved'", [
        orderId,
      ]);
      const amqplib = (await import('amqplib')).default;
      const connection = await amqplib.connect(access.amqpUrl);
      try {
        const channel = await connection.createConfirmChannel();
        channel.sendToQueue('payment.saga.dlq', Buffer.from(JSON.stringify(reserved.payload)), {
          persistent: true,
          headers: { 'x-first-death-reason': 'rejected' },
        });
        await channel.waitForConfirms();
        const dead = JSON.parse((await runFrank(dir, ['saga', 'stuck', '--older-than', '0s', '--json'])).stdout) as StuckReport;
        expect(dead.peeked).toContain('payment.saga.dlq');
        expect(dead.stuck.find((s) => s.orderId === orderId)!.reasons).toContainEqual({
          kind: 'dead-lettered',
          where: 'payment.saga.dlq',
          detail: `inventory.reserved ${reserved.payload.id} is in payment.saga.dlq (rejected): payment gave up on it`,
        });
        await until(
          async () => (await queueStates(access.amqpUrl, ['payment.saga.dlq']))[0]!.state?.messages === 1,
          10_000,
          'the peeked dead letter to be back',
        );
        await channel.purgeQueue('payment.saga.dlq');
      } finally {
        await connection.close();
      }

      // With payment down nothing publishes its outbox: two rows made undispatched again stay so.
      const [first, second] = await rows(
        'payment',
        'SELECT id::text, event_type, attempts FROM saga_coord.outbox WHERE dispatched_at IS NOT NULL ORDER BY created_at, id LIMIT 2',
      );
      await rows('payment', 'UPDATE saga_coord.outbox SET dispatched_at = NULL WHERE id = ANY($1::uuid[])', [[first.id, second.id]]);
      const listed = await runFrank(dir, ['outbox', 'ls', '--service', 'payment', '--json']);
      expect(listed.exitCode, listed.stderr).toBe(0);
      const waiting = JSON.parse(listed.stdout) as OutboxRow[];
      expect(waiting.map((r) => [r.service, r.id, r.eventType, r.attempts])).toEqual([
        ['payment', first.id, first.event_type, first.attempts],
        ['payment', second.id, second.event_type, second.attempts],
      ]);
      expect(waiting[0]!.ageMs).toBeGreaterThanOrEqual(waiting[1]!.ageMs);
      expect(waiting[0]!.aggregateType).toBe('payment');
      const all = await runFrank(dir, ['outbox', 'ls']);
      expect(all.stdout).toMatch(new RegExp(`payment +${first.id} +${first.event_type.replace('.', '\\.')} +payment \\S+ +[\\d.]+ s +${first.attempts}`));

      // A tap on frank.events sees what the redrive publishes.
      const tap = await amqplib.connect(access.amqpUrl);
      const seen: { messageId: string; id: string }[] = [];
      const tapChannel = await tap.createChannel();
      const { queue } = await tapChannel.assertQueue('', { exclusive: true });
      await tapChannel.bindQueue(queue, 'frank.events', first.event_type);
      await tapChannel.consume(queue, (m) => m && seen.push({ messageId: m.properties.messageId, id: JSON.parse(m.content.toString()).id }), { noAck: true });
      // The second row is held as a relay holds a row it is publishing.
      const relay = await access.db('payment').connect();
      try {
        await relay.query('BEGIN');
        await relay.query('SELECT 1 FROM saga_coord.outbox WHERE id = $1 FOR UPDATE', [second.id]);
        const redrive = await runFrank(dir, ['outbox', 'redrive', '--service', 'payment', '--json']);
        expect(redrive.exitCode, redrive.stderr).toBe(0);
        expect(JSON.parse(redrive.stdout)).toEqual({
          service: 'payment',
          published: [first.id],
          skippedInFlight: [second.id],
          dispatchedMeanwhile: [],
        } satisfies RedriveResult);
        expect(redrive.stderr).toContain('payment: 1 published, 1 skipped (being published by the relay right now)');
        await relay.query('COMMIT');
      } finally {
        relay.release();
      }
      const after = await rows(
        'payment',
        'SELECT id::text, dispatched_at, attempts FROM saga_coord.outbox WHERE id = ANY($1::uuid[]) ORDER BY created_at, id',
        [[first.id, second.id]],
      );
      expect(after[0]).toMatchObject({ id: first.id, attempts: first.attempts + 1 });
      expect(after[0].dispatched_at).not.toBeNull();
      expect(after[1]).toMatchObject({ id: second.id, dispatched_at: null, attempts: second.attempts });
      await until(async () => seen.some((m) => m.messageId === first.id && m.id === first.id), 10_000, 'the redriven event on frank.events');

      const one = await runFrank(dir, ['outbox', 'redrive', '--service', 'payment', '--id', second.id, '--json']);
      expect(one.exitCode, one.stderr).toBe(0);
      expect(JSON.parse(one.stdout)).toMatchObject({ published: [second.id], skippedInFlight: [] });
      expect(JSON.parse((await runFrank(dir, ['outbox', 'ls', '--service', 'payment', '--json'])).stdout)).toEqual([]);
      const again = await runFrank(dir, ['outbox', 'redrive', '--service', 'payment', '--json']);
      expect(JSON.parse(again.stdout)).toMatchObject({ published: [], skippedInFlight: [] });
      // Published once each: the first row was not republished by the second redrive.
      expect(seen.filter((m) => m.messageId === first.id)).toHaveLength(1);
      await tap.close();
    } finally {
      const up = await runFrank(dir, ['up']);
      expect(up.exitCode, up.stderr).toBe(0);
    }
    // payment back: the stuck saga goes on, and the duplicates the redrive sent changed nothing.
    await until(
      async () => (await rows('order', 'SELECT status FROM order_domain.orders WHERE id = $1', [orderId]))[0]?.status === 'CONFIRMED',
      60_000,
      'the stuck order to be confirmed',
    );
    await atRest();
    const settled = await runFrank(dir, ['saga', 'stuck', '--older-than', '0s']);
    expect(settled.exitCode, settled.stdout).toBe(0);
  }, 300_000);
});
