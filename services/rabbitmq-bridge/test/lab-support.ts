import { readFile, readdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import amqplib from 'amqplib';
import pg from 'pg';
import { expect } from 'vitest';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from '../../../cli/test/lab-fixture.js';

/** Starts a lab from the given frank.yaml text; returns its folder and `frank env`. */
export async function startLab(yaml: string): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await makeLabDir(yaml);
  try {
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(up.exitCode, up.stderr).toBe(0);
    const env = JSON.parse((await runFrank(dir, ['env', '--json'])).stdout) as Record<string, string>;
    return { dir, env };
  } catch (error) {
    // The caller never learns the folder of a lab that did not come up: clean it here.
    await removeLabDir(dir);
    throw error;
  }
}

/** The kit's migrations, then the service's, as the service's own role (what `frank migrate` does). */
export async function migrate(databaseUrl: string, serviceDir: string): Promise<void> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    for (const dir of [path.join(serviceDir, '..', 'kit', 'migrations'), path.join(serviceDir, 'migrations')]) {
      for (const file of (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()) await client.query(await readFile(path.join(dir, file), 'utf8'));
    }
  } finally {
    await client.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function until<T>(probe: () => Promise<T | undefined | false | null>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Envelope {
  id: string;
  type: string;
  source: string;
  time: string;
  sagaId: string | null;
  correlationId: string;
  causationId: string | null;
  aggregateId: string;
  version: number;
  data: Record<string, unknown>;
}

export function envelope(type: string, aggregateId: string, data: Record<string, unknown>, id = randomUUID()): Envelope {
  return { id, type, source: 'test', time: new Date().toISOString(), sagaId: `saga-${aggregateId}`, correlationId: id, causationId: null, aggregateId, version: 1, data };
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
