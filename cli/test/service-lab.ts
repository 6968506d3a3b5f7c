import { randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import amqplib from 'amqplib';
import pg from 'pg';
import type { EventEnvelope } from '@frank/kit/envelope';
import { REPOSITORY_ROOT } from '../src/lab/paths.js';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from './lab-fixture.js';

/**
 * What a service's own integration tests share: a lab of only the servers it needs, its
 * migrations, a free port to run it in-process, and a tap on frank.events.
 */
export interface TestLab {
  dir: string;
  env: Record<string, string>;
  /** `frank down --purge` and the folder removed. */
  stop(): Promise<void>;
}

export async function startLab(yaml: string): Promise<TestLab> {
  const dir = await makeLabDir(yaml);
  try {
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    if (up.exitCode !== 0) throw new Error(`frank up failed: ${up.stderr}`);
    const env = JSON.parse((await runFrank(dir, ['env', '--json'])).stdout) as Record<string, string>;
    return { dir, env, stop: () => removeLabDir(dir) };
  } catch (error) {
    // The caller never learns the folder of a lab that did not come up: clean it here.
    await removeLabDir(dir);
    throw error;
  }
}

/**
 * The kit's migrations, then the service's, each file in one transaction, as the service's role (what `frank migrate` does).
 * `serviceDir` is for a service outside this checkout (one `frank new service` generated elsewhere).
 */
export async function migrate(databaseUrl: string, service: string, serviceDir = path.join(REPOSITORY_ROOT, 'services', service)): Promise<void> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    for (const dir of [path.join(REPOSITORY_ROOT, 'services', 'kit', 'migrations'), path.join(serviceDir, 'migrations')]) {
      for (const file of (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()) {
        await client.query('BEGIN');
        await client.query(await readFile(path.join(dir, file), 'utf8'));
        await client.query('COMMIT');
      }
    }
  } finally {
    await client.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function until<T>(probe: () => Promise<T | undefined | false | null>, timeoutMs = 20_000, what = 'a condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type Envelope = EventEnvelope<Record<string, unknown>>;

export function envelope(type: string, aggregateId: string, data: Record<string, unknown>, id = randomUUID()): Envelope {
  return {
    id,
    type,
    source: 'test',
    time: new Date().toISOString(),
    sagaId: `saga-${aggregateId}`,
    correlationId: id,
    causationId: null,
    aggregateId,
    version: 1,
    data,
  };
}

/** A test's own view of frank.events: publishes envelopes and records every event it sees. */
export interface EventTap {
  seen: Envelope[];
  publish(event: Envelope): Promise<void>;
  close(): Promise<void>;
}

export async function tapEvents(amqpUrl: string, queue: string): Promise<EventTap> {
  const connection = await amqplib.connect(amqpUrl);
  const channel = await connection.createConfirmChannel();
  await channel.assertExchange('frank.events', 'topic', { durable: true });
  await channel.assertQueue(queue, { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, 'frank.events', '#');
  const seen: Envelope[] = [];
  await channel.consume(queue, (message) => {
    if (!message) return;
    try {
      seen.push(JSON.parse(message.content.toString('utf8')) as Envelope);
    } catch {
      /* poison a test published on purpose */
    }
    channel.ack(message);
  });
  return {
    seen,
    async publish(event) {
      channel.publish('frank.events', event.type, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: event.id });
      await channel.waitForConfirms();
    },
    async close() {
      await connection.close().catch(() => undefined);
    },
  };
}
