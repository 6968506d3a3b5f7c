import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../src/lab/paths.js';
import { loadSagaMap } from '../src/lab/manifests.js';
import { loadTopology, parseTopology } from '../src/lab/topology.js';
import amqplib from 'amqplib';
import { openLab } from '../src/lab/lab.js';
import { checkInvariants } from '../src/saga/invariants.js';
import { labAccess } from '../src/saga/lab-access.js';
import type { SagaTimeline } from '../src/saga/timeline.js';
import { freeOffset, makeLabDir, runFrank } from './lab-fixture.js';
import { until } from './saga-fixture.js';

const bin = (name: string) => path.join(REPOSITORY_ROOT, 'node_modules', '.bin', name);

/**
 * `frank new service` in a copy of the repository's frank.yaml, never the real one. The copy sits
 * inside the checkout (.frank/test-labs) so the generated code resolves the workspace's packages;
 * tsconfig.base.json and cli/ beside it are what the generated tsconfig and test reach for.
 */
describe('frank new service: a working service from the template', () => {
  let dir: string;
  let original: string;
  let upped = false;

  beforeAll(async () => {
    dir = await makeLabDir(undefined, { insideRepository: true });
    await copyFile(path.join(REPOSITORY_ROOT, 'tsconfig.base.json'), path.join(dir, 'tsconfig.base.json'));
    await symlink(path.join(REPOSITORY_ROOT, 'cli'), path.join(dir, 'cli'));
    original = await readFile(path.join(dir, 'frank.yaml'), 'utf8');
  });

  afterAll(async () => {
    if (upped) await runFrank(dir, ['down', '--purge']);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes services/shipping and adds shipping-db and the service to frank.yaml, every other line kept', async () => {
    const run = await runFrank(dir, ['new', 'service', 'shipping', '--after', 'payment.completed', '--emits', 'shipping.scheduled', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('npm install');
    const result = JSON.parse(run.stdout) as { service: string; port: number; resource: { name: string; port: number } };
    // The port after the highest of the lab's services.
    const nextPort = Math.max(...parseTopology(original, 'frank.yaml').services.map((s) => s.port)) + 1;
    expect(result).toMatchObject({
      service: 'shipping',
      port: nextPort,
      resource: { name: 'shipping-db', port: 5440, database: 'shipping_service', schema: 'shipping_domain' },
      saga: { after: 'payment.completed', emits: 'shipping.scheduled', queue: 'shipping.saga' },
    });

    const topology = await loadTopology(path.join(dir, 'frank.yaml'));
    expect(topology.resources.find((r) => r.name === 'shipping-db')).toMatchObject({
      kind: 'postgres',
      port: 5440,
      databases: { shipping_service: ['shipping_domain', 'saga_coord', 'event_store'] },
    });
    expect(topology.services.find((s) => s.name === 'shipping')).toMatchObject({ port: nextPort, uses: ['shipping-db', 'rabbitmq'] });

    // Comments, alignment and flow lists untouched: the old file's lines are all there, in order.
    const lines = (await readFile(path.join(dir, 'frank.yaml'), 'utf8')).split('\n');
    let at = 0;
    for (const line of original.split('\n')) {
      at = lines.indexOf(line, at);
      expect(at, `line kept: ${line}`).toBeGreaterThanOrEqual(0);
      at++;
    }
    expect(lines.length - original.split('\n').length).toBe(6);
    expect((await readdir(path.join(dir, 'services', 'shipping'), { recursive: true })).sort()).toEqual(
      expect.arrayContaining([
        'SERVICE.md',
        'package.json',
        'tsconfig.json',
        'migrations/0001_items.sql',
        'migrations/0002_saga_steps.sql',
        'service.yaml',
        'src/messaging/saga-step.ts',
        'src/main.ts',
        'src/service.ts',
        'test/shipping.int.test.ts',
      ]),
    );
    expect(existsSync(path.join(REPOSITORY_ROOT, 'services', 'shipping'))).toBe(false);

    // The saga tools see it from its manifest: a participant (its database has the kit's schemas) with its queue.
    const saga = await loadSagaMap(topology);
    expect(saga.participants).toContain('shipping');
    expect(saga.queues).toContain('shipping.saga');
    expect(saga.manifests.find((m) => m.service === 'shipping')).toEqual({
      service: 'shipping',
      publishes: ['shipping.item-created', 'shipping.scheduled'],
      consumes: { 'shipping.saga': ['payment.completed'] },
      observer: false,
      reports: [],
    });
    // A step of the saga: `saga stuck` expects shipping to handle payment.completed.
    expect(saga.stepQueues['payment.completed']).toContain('shipping.saga');
  });

  it('generates code that typechecks with the project settings', async () => {
    const tsc = await execa(bin('tsc'), ['-p', path.join(dir, 'services', 'shipping')], { reject: false });
    expect(tsc.exitCode, tsc.stdout + tsc.stderr).toBe(0);
  });

  it('generates a migration that applies to a real PostgreSQL and a test that passes against it and RabbitMQ', async () => {
    // The generated test starts its own lab through the native runtime and migrates it.
    const vitest = await execa(
      process.execPath,
      [
        path.join(REPOSITORY_ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        '--root',
        dir,
        '--testTimeout',
        '120000',
        '--hookTimeout',
        '180000',
        'services/shipping',
      ],
      {
        cwd: dir,
        env: { NO_COLOR: '1' },
        reject: false,
      },
    );
    expect(vitest.exitCode, vitest.stdout + vitest.stderr).toBe(0);
    expect(vitest.stdout).toMatch(/Tests\s+4 passed/);
  }, 300_000);

  it('takes part in the saga from the first frank up: saga show has its step, outbox ls knows it, and the dead-letter invariant fails on its poison', async () => {
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(up.exitCode, up.stderr).toBe(0);
    upped = true;
    const run = await runFrank(dir, ['saga', 'run', 'happy-path', '--orders', '3', '--json']);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const { runId } = JSON.parse(run.stdout) as { runId: string };
    const [order] = JSON.parse(await readFile(path.join(dir, '.frank', 'runs', runId, 'orders.json'), 'utf8')) as { orderId: string }[];

    const timeline = await until(
      async () => {
        const show = await runFrank(dir, ['saga', 'show', order!.orderId, '--json']);
        const parsed = JSON.parse(show.stdout) as SagaTimeline;
        return parsed.steps.some((step) => step.type === 'shipping.scheduled') && parsed;
      },
      30_000,
      "shipping's step in the timeline",
    );
    expect(timeline.steps.find((step) => step.type === 'shipping.scheduled')).toMatchObject({ service: 'shipping', external: false });
    expect(timeline.steps.find((step) => step.type === 'payment.completed')!.consumers.map((c) => c.handler)).toContain('shipping.saga');

    const outbox = await runFrank(dir, ['outbox', 'ls', '--service', 'shipping', '--json']);
    expect(outbox.exitCode, outbox.stderr).toBe(0);
    expect(JSON.parse(outbox.stdout)).toEqual([]);

    const access = await labAccess(await openLab({ config: path.join(dir, 'frank.yaml') }));
    try {
      const connection = await amqplib.connect(access.amqpUrl);
      const channel = await connection.createConfirmChannel();
      channel.sendToQueue('shipping.saga', Buffer.from('{"not": "an envelope"'), { persistent: true });
      await channel.waitForConfirms();
      await connection.close();
      const deadLetters = await until(
        async () => {
          const check = (await checkInvariants(access)).invariants.find((i) => i.name === 'dead-letter-queues-empty')!;
          return !check.ok && check;
        },
        20_000,
        'the dead-letter invariant to fail',
      );
      expect(deadLetters.ids).toEqual(['shipping.saga.dlq']);
      expect(deadLetters.details).toContain('1 dead letters');
    } finally {
      await access.close();
    }
  }, 400_000);

  it('refuses a bad name, an --after nobody publishes or an --emits already taken, with a usage error, and writes nothing', async () => {
    const before = await readFile(path.join(dir, 'frank.yaml'), 'utf8');
    const refusals: [string[], string][] = [
      [['--after', 'payment.done'], '--after "payment.done" is not an event of this lab'],
      [['--emits', 'order.created'], '--emits "order.created" is already published by order'],
      [['--emits', 'Gifted'], '--emits "Gifted" is not an event type'],
    ];
    for (const [flags, message] of refusals) {
      const run = await runFrank(dir, ['new', 'service', 'gift-cards', ...flags]);
      expect(run.exitCode, flags.join(' ')).toBe(2);
      expect(run.stderr).toContain(message);
    }
    for (const name of ['Shipping', '1st', 'gift_cards', 'gift--cards', 'trailing-', 'x'.repeat(41)]) {
      const run = await runFrank(dir, ['new', 'service', name]);
      expect(run.exitCode, name).toBe(2);
      expect(run.stderr).toContain(`"${name}" is not a service name`);
    }
    expect(await readFile(path.join(dir, 'frank.yaml'), 'utf8')).toBe(before);
    expect(await readdir(path.join(dir, 'services'))).toEqual(['shipping']);
  });

  it('refuses a name already taken by a service, a resource, its database or a folder', async () => {
    await mkdir(path.join(dir, 'services', 'leftover'));
    const before = await readFile(path.join(dir, 'frank.yaml'), 'utf8');
    const cases: [string, string][] = [
      ['user', 'already a service "user"'],
      ['shipping', 'already a service "shipping"'],
      ['rabbitmq', '"rabbitmq" is already a resource'],
      ['infrastructure', '"infrastructure-db" is already a resource'],
      ['leftover', 'already exists; frank new does not overwrite it'],
    ];
    for (const [name, message] of cases) {
      const run = await runFrank(dir, ['new', 'service', name]);
      expect(run.exitCode, name).toBe(2);
      expect(run.stderr).toContain(message);
    }
    expect(await readFile(path.join(dir, 'frank.yaml'), 'utf8')).toBe(before);
    expect(await readdir(path.join(dir, 'services', 'leftover'))).toEqual([]);
  });
});
