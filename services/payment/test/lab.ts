import { readFile, readdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';

/** The servers payment's chain needs: its database, the broker, and moto with the webhook route of frank.yaml. */
export const PAYMENT_LAB = `version: 1
resources:
  payment-db:
    kind: postgres
    port: 5435
    databases:
      payment_service: [payment_domain, saga_coord, event_store]
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
  aws:
    kind: aws
    port: 4566
    emulator: moto
    region: us-east-1
    buses: [frank-external, frank-internal]
    queues: [frank-payment-webhooks, frank-internal-archive]
    rules:
      payment-webhooks:
        bus: frank-external
        pattern: { source: [frank.payment-provider], detail-type: [payment.webhook] }
        target: frank-payment-webhooks
      order-outcomes:
        bus: frank-internal
        pattern: { detail-type: [order.confirmed, order.cancelled] }
        target: frank-internal-archive
`;

const SERVICES = path.join(import.meta.dirname, '..', '..');

/** kit's migrations, then payment's, as the service's own role (what `frank migrate` does). */
export async function migratePayment(databaseUrl: string): Promise<void> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    for (const dir of [path.join(SERVICES, 'kit', 'migrations'), path.join(SERVICES, 'payment', 'migrations')]) {
      for (const name of (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()) await client.query(await readFile(path.join(dir, name), 'utf8'));
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

export async function until<T>(probe: () => Promise<T | undefined | false | null>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
