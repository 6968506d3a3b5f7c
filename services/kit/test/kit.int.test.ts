import { readFile } from 'node:fs/promises';
import path from 'node:path';
import amqplib from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from '../../../cli/test/lab-fixture.js';
import {
  AmqpConnection,
  appendEvent,
  consumeEvents,
  createLogger,
  createPool,
  deadLetterQueueOf,
  declareConsumerQueue,
  inTransaction,
  PoisonMessageError,
  publishOutboxBatch,
  startOutboxRelay,
  type EventEnvelope,
  type OutboxRelay,
  type Pool,
} from '../src/index.js';

const LAB = `version: 1
resources:
  app-db:
    kind: postgres
    port: 5432
    databases:
      app: [app_domain, saga_coord, event_store]
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
`;

const log = createLogger('kit-test', {}, 'error');
const until = async <T>(probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('services/kit against real PostgreSQL and RabbitMQ', () => {
  let dir: string;
  let dbUrl: string;
  let amqpUrl: string;
  let pool: Pool;
  let amqp: AmqpConnection;
  let relay: OutboxRelay;

  beforeAll(async () => {
    dir = await makeLabDir(LAB);
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(up.exitCode, up.stderr).toBe(0);
    const env = JSON.parse((await runFrank(dir, ['env', '--json'])).stdout) as Record<string, string>;
    dbUrl = env.APP_DATABASE_URL!;
    amqpUrl = env.RABBITMQ_URL!;
    const migration = await readFile(path.join(import.meta.dirname, '..', 'migrations', '0001_saga_coord_and_event_store.sql'), 'utf8');
    const client = new pg.Client(dbUrl);
    await client.connect();
    await client.query(migration);
    await client.query('CREATE TABLE app_domain.notes (id text PRIMARY KEY, body text NOT NULL)');
    await client.end();
    pool = createPool(dbUrl, log);
    amqp = new AmqpConnection(amqpUrl, log);
    await amqp.start();
    relay = startOutboxRelay({ pool, amqp, log, connectionString: dbUrl, pollIntervalMs: 5000 });
  });

  afterAll(async () => {
    await relay?.stop();
    await amqp?.close();
    await pool?.end();
    if (dir) await removeLabDir(dir);
  });

  it('commits a write, its event-store entry and its outbox row together, and the relay publishes it after the confirm', async () => {
    const seen: EventEnvelope[] = [];
    await consumeEvents({ amqp, pool, log, queue: 'kit-test.notes', handlers: { 'note.written': async (_client, event) => void seen.push(event) } });
    const envelope = await inTransaction(pool, async (client) => {
      await client.query("INSERT INTO app_domain.notes VALUES ('n-1', 'hello')");
      return appendEvent(client, { type: 'note.written', source: 'kit-test', aggregateType: 'note', aggregateId: 'n-1', data: { body: 'hello' } });
    });
    const received = await until(async () => seen.find((e) => e.id === envelope.id));
    expect(received).toMatchObject({ type: 'note.written', aggregateId: 'n-1', version: 1, data: { body: 'hello' }, correlationId: envelope.id });
    // The relay marks the row after the broker's confirm, so a consumer may see the event first.
    await until(async () => (await pool.query('SELECT dispatched_at FROM saga_coord.outbox WHERE id = $1', [envelope.id])).rows[0].dispatched_at !== null);
    const stored = await pool.query('SELECT version, type FROM event_store.events WHERE stream_id = $1', ['n-1']);
    expect(stored.rows).toEqual([{ version: 1, type: 'note.written' }]);
  });

  it('rolls the event back with the write: nothing is published for a failed transaction', async () => {
    await expect(
      inTransaction(pool, async (client) => {
        await appendEvent(client, { type: 'note.written', source: 'kit-test', aggregateType: 'note', aggregateId: 'n-2', data: {} });
        await client.query("INSERT INTO app_domain.notes VALUES ('n-1', 'duplicate key')");
      }),
    ).rejects.toThrow(/duplicate key/);
    expect((await pool.query("SELECT count(*)::int AS n FROM saga_coord.outbox WHERE aggregate_id = 'n-2'")).rows[0].n).toBe(0);
    await expect(pool.query("DELETE FROM event_store.events WHERE stream_id = 'n-1'")).rejects.toThrow(/append-only/);
  });

  it('publishes the outbox in batches claimed once: an unconfirmed batch rolls back and counts an attempt per row, a claimed row is skipped', async () => {
    await relay.stop(); // this test is the only publisher until it starts the relay again
    try {
      const ids = await inTransaction(pool, async (client) =>
        Promise.all(
          ['b-1', 'b-2'].map(
            async (id) => (await appendEvent(client, { type: 'note.batched', source: 'kit-test', aggregateType: 'note', aggregateId: id, data: {} })).id,
          ),
        ),
      );
      const rows = async () =>
        (
          await pool.query('SELECT id::text, attempts, dispatched_at IS NOT NULL AS dispatched FROM saga_coord.outbox WHERE id = ANY($1::uuid[]) ORDER BY id', [
            ids,
          ])
        ).rows;
      await expect(publishOutboxBatch(pool, async () => Promise.reject(new Error('not confirmed')), { limit: 10 })).rejects.toThrow('not confirmed');
      expect(await rows()).toEqual(ids.sort().map((id) => ({ id, attempts: 1, dispatched: false })));

      // While one publisher holds a row, another claims only the rest.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const published: string[] = [];
      const first = publishOutboxBatch(
        pool,
        async (row) => {
          published.push(row.id);
          await held;
        },
        { limit: 10, id: ids[0] },
      );
      await until(async () => published.length === 1);
      expect(await publishOutboxBatch(pool, async (row) => void published.push(row.id), { limit: 10 })).toEqual([ids[1]]);
      release();
      expect(await first).toEqual([ids[0]]);
      expect(await rows()).toEqual(ids.map((id) => ({ id, attempts: 2, dispatched: true })));
    } finally {
      relay = startOutboxRelay({ pool, amqp, log, connectionString: dbUrl, pollIntervalMs: 5000 });
    }
  });

  it('applies a redelivered message once: the inbox absorbs the duplicate', async () => {
    let applied = 0;
    await consumeEvents({ amqp, pool, log, queue: 'kit-test.counter', handlers: { 'counter.bumped': async () => void applied++ } });
    const event = {
      id: 'dup-1',
      type: 'counter.bumped',
      source: 'test',
      time: new Date().toISOString(),
      sagaId: null,
      correlationId: 'dup-1',
      causationId: null,
      aggregateId: 'c',
      version: 1,
      data: {},
    };
    for (let i = 0; i < 3; i++) await amqp.publish('frank.events', 'counter.bumped', Buffer.from(JSON.stringify(event)));
    await until(async () => (await pool.query("SELECT 1 FROM saga_coord.inbox WHERE message_id = 'dup-1'")).rowCount === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(applied).toBe(1);
  });

  it('dead-letters poison (not JSON, not an envelope, an unknown type) and goes on consuming', async () => {
    const seen: string[] = [];
    const queue = 'kit-test.poison';
    await consumeEvents({ amqp, pool, log, queue, handlers: { 'poison.ok': async (_c, e) => void seen.push(e.id), 'poison.other': async () => undefined } });
    await amqp.publish('frank.events', 'poison.ok', Buffer.from('{not json'));
    await amqp.publish('frank.events', 'poison.ok', Buffer.from(JSON.stringify({ hello: 'world' })));
    const good = {
      id: 'ok-1',
      type: 'poison.ok',
      source: 't',
      time: 'now',
      sagaId: null,
      correlationId: 'ok-1',
      causationId: null,
      aggregateId: 'a',
      version: 1,
      data: {},
    };
    await amqp.publish('frank.events', 'poison.other', Buffer.from(JSON.stringify({ ...good, id: 'unknown-1', type: 'poison.nobody' })));
    await amqp.publish('frank.events', 'poison.ok', Buffer.from(JSON.stringify(good)));
    await until(async () => seen.includes('ok-1'));
    const connection = await amqplib.connect(amqpUrl);
    try {
      const channel = await connection.createChannel();
      const dlq = await until(async () => {
        const q = await channel.checkQueue(deadLetterQueueOf(queue));
        return q.messageCount === 3 ? q : false;
      });
      expect(dlq.messageCount).toBe(3);
    } finally {
      await connection.close();
    }
  });

  it('applies a burst in batches, in delivery order; a poison message in a batch dead-letters alone and the others apply once', async () => {
    const queue = 'kit-test.batch';
    await pool.query('CREATE TABLE app_domain.steps (saga text NOT NULL, version int NOT NULL, seq bigserial, PRIMARY KEY (saga, version))');
    const envelope = (id: string, type: string, saga: string, version: number) => ({
      id,
      type,
      source: 't',
      time: new Date().toISOString(),
      sagaId: saga,
      correlationId: saga,
      causationId: null,
      aggregateId: saga,
      version,
      data: {},
    });
    // 3 sagas of 10 steps each, interleaved: the first five steps of each wait in the queue before
    // the consumer starts (a burst: it must be applied in batches); the rest come while it runs, with
    // a poison message among them.
    const setup = await amqplib.connect(amqpUrl);
    const channel = await setup.createConfirmChannel();
    await declareConsumerQueue(channel, queue, ['step.done', 'step.poison']);
    const publishSteps = async (from: number, to: number) => {
      for (let version = from; version <= to; version++) {
        for (const saga of ['a', 'b', 'c'])
          channel.publish('frank.events', 'step.done', Buffer.from(JSON.stringify(envelope(`${saga}-${version}`, 'step.done', saga, version))));
        if (version === 7) channel.publish('frank.events', 'step.poison', Buffer.from(JSON.stringify(envelope('poison-1', 'step.poison', 'p', 1))));
      }
      await channel.waitForConfirms();
    };
    const applied = async () => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM app_domain.steps')).rows[0]!.n;
    await publishSteps(1, 5);
    let handled = 0;
    await consumeEvents({
      amqp,
      pool,
      log,
      queue,
      handlers: {
        'step.done': async (client, event) => {
          handled++;
          // A step that overtook its predecessor is retried, as the saga's consumers do.
          const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM app_domain.steps WHERE saga = $1', [event.aggregateId]);
          if (rows[0]!.n !== event.version - 1) throw new Error(`step ${event.version} of ${event.aggregateId} before step ${event.version - 1}`);
          await client.query('INSERT INTO app_domain.steps (saga, version) VALUES ($1, $2)', [event.aggregateId, event.version]);
        },
        'step.poison': async () => {
          throw new PoisonMessageError('a step nobody can apply');
        },
      },
    });
    await until(async () => (await applied()) === 15 || undefined, 30_000);
    // Batches: inbox rows written by one transaction share its xmin.
    const burst = ['a', 'b', 'c'].flatMap((saga) => [1, 2, 3, 4, 5].map((version) => `${saga}-${version}`));
    const transactions = await pool.query<{ n: number }>(
      "SELECT count(DISTINCT xmin::text)::int AS n FROM saga_coord.inbox WHERE handler = 'kit-test.batch' AND message_id = ANY($1)",
      [burst],
    );
    expect(transactions.rows[0]!.n).toBeLessThan(burst.length);
    await publishSteps(6, 10);
    await until(async () => (await applied()) === 30 || undefined, 30_000);
    // A redelivery of an applied step, later on: the inbox absorbs it.
    channel.publish('frank.events', 'step.done', Buffer.from(JSON.stringify(envelope('b-5', 'step.done', 'b', 5))));
    await channel.waitForConfirms();
    await until(async () => {
      const q = await channel.checkQueue(queue);
      return q.messageCount === 0 || undefined;
    });
    await new Promise((r) => setTimeout(r, 300));
    const steps = await pool.query<{ saga: string; version: number }>('SELECT saga, version FROM app_domain.steps ORDER BY seq');
    for (const saga of ['a', 'b', 'c']) expect(steps.rows.filter((r) => r.saga === saga).map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await channel.checkQueue(deadLetterQueueOf(queue))).messageCount).toBe(1);
    expect((await pool.query("SELECT 1 FROM saga_coord.inbox WHERE message_id = 'poison-1'")).rowCount).toBe(0);
    expect(handled).toBeGreaterThanOrEqual(30);
    await setup.close();
  });

  it('keeps working across a broker restart: the connection and consumers come back', async () => {
    const seen: string[] = [];
    await consumeEvents({ amqp, pool, log, queue: 'kit-test.restart', handlers: { 'restart.ping': async (_c, e) => void seen.push(e.id) } });
    // RabbitMQ forgets a quorum queue declared a moment before a SIGKILL (its Raft registry
    // is not yet on disk), and a later declaration of it never answers. Queues of a running lab
    // are older than that; so is this one.
    await new Promise((r) => setTimeout(r, 6000));
    const lab = JSON.parse(await readFile(path.join(dir, '.frank', 'lab.json'), 'utf8')) as { id: string };
    const pid = JSON.parse(await readFile(path.join(dir, '.frank', 'run', 'rabbitmq.pid'), 'utf8')).pid as number;
    process.kill(-pid, 'SIGKILL');
    await until(async () => !amqp.connected || undefined);
    const restarted = await runFrank(dir, ['up']);
    expect(restarted.exitCode, restarted.stderr).toBe(0);
    await amqp.untilConnected(30_000);
    const envelope = await inTransaction(pool, (client) =>
      appendEvent(client, { type: 'restart.ping', source: 't', aggregateType: 'ping', aggregateId: `p-${lab.id}`, data: {} }),
    );
    await until(async () => seen.includes(envelope.id), 30_000);
  });
});
