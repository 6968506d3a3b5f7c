import { randomUUID } from 'node:crypto';
import net from 'node:net';
import amqplib from 'amqplib';
import pg from 'pg';
import { AmqpConnection, createLogger, runService, type EventEnvelope } from '@frank/kit';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from '../../../cli/test/lab-fixture.js';
import { definition } from '../src/service.js';

const LAB = `version: 1
resources:
  inventory-db:
    kind: postgres
    port: 5433
    databases:
      inventory_service: [inventory_domain, saga_coord, event_store]
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
  # A lab with services needs their links; the test itself connects directly.
  toxiproxy:
    kind: toxiproxy
    port: 8474
    proxyPorts: 8480
services:
  inventory: { port: 3002, uses: [inventory-db, rabbitmq] }
`;

export const SEED = { seed: 1, secrets: { jwtSecret: 'test-secret' } };

export async function until<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface InventoryLab {
  /** The lab's folder, for more `runFrank(dir, …)`. */
  dir: string;
  baseUrl: string;
  db: pg.Pool;
  databaseUrl: string;
  amqpUrl: string;
  /** Every event inventory published, as received from frank.events. */
  published: EventEnvelope[];
  publish(type: string, data: unknown, envelope?: Partial<EventEnvelope>): Promise<EventEnvelope>;
  publishEnvelope(envelope: EventEnvelope): Promise<void>;
  outcomeOf(orderId: string, type?: string): Promise<EventEnvelope>;
  stop(): Promise<void>;
}

/**
 * A lab with inventory's database and RabbitMQ: `frank up --no-services` on a free port offset
 * starts them and applies kit's and inventory's migrations and inventory's seed, as for a user;
 * the service itself runs in this process (so the test can stop and inspect it), with a test
 * queue bound to every inventory event.
 */
export async function startInventoryLab(): Promise<InventoryLab> {
  const dir = await makeLabDir(LAB);
  const stops: (() => Promise<unknown>)[] = [() => removeLabDir(dir)];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const up = await runFrank(dir, ['up', '--no-services', '--seed', String(SEED.seed), '--port-offset', String(await freeOffset(dir))]);
    if (up.exitCode !== 0) throw new Error(`frank up failed: ${up.stderr}`);
    const env = JSON.parse((await runFrank(dir, ['env', '--json'])).stdout) as Record<string, string>;
    const databaseUrl = env.INVENTORY_SERVICE_DATABASE_URL!;
    const amqpUrl = env.RABBITMQ_URL!;

    const db = new pg.Pool({ connectionString: databaseUrl, max: 3 });
    stops.push(() => db.end());

    const published: EventEnvelope[] = [];
    const listener = await amqplib.connect(amqpUrl);
    stops.push(() => listener.close());
    const channel = await listener.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, 'frank.events', 'inventory.#');
    await channel.consume(
      queue,
      (message) => {
        if (message) published.push(JSON.parse(message.content.toString('utf8')) as EventEnvelope);
      },
      { noAck: true },
    );

    const publisher = new AmqpConnection(amqpUrl, createLogger('inventory-test', {}, 'error'));
    await publisher.start();
    stops.push(() => publisher.close());

    const port = await freePort();
    process.env.LOG_LEVEL ??= 'error';
    const service = await runService(definition, {
      SERVICE_NAME: 'inventory',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      AMQP_URL: amqpUrl,
    });
    stops.push(() => service.stop());
    const baseUrl = `http://127.0.0.1:${port}`;
    // Ready means the broker is connected and inventory.saga declared and bound.
    await until(async () => (await fetch(`${baseUrl}/health/ready`)).ok, 30_000, 'inventory to be ready');

    const publishEnvelope = (envelope: EventEnvelope) =>
      publisher.publish('frank.events', envelope.type, Buffer.from(JSON.stringify(envelope)), { messageId: envelope.id });
    return {
      dir,
      baseUrl,
      db,
      databaseUrl,
      amqpUrl,
      published,
      publishEnvelope,
      async publish(type, data, overrides = {}) {
        const id = randomUUID();
        const envelope: EventEnvelope = {
          id,
          type,
          source: 'test',
          time: new Date().toISOString(),
          sagaId: randomUUID(),
          correlationId: id,
          causationId: null,
          aggregateId: (data as { orderId?: string }).orderId ?? 'none',
          version: 1,
          data,
          ...overrides,
        };
        await publishEnvelope(envelope);
        return envelope;
      },
      outcomeOf: (orderId, type) =>
        until(async () => published.find((e) => e.aggregateId === orderId && (!type || e.type === type)), 15_000, `an inventory event for ${orderId}`),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
