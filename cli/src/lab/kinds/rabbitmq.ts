import type amqp from 'amqplib';
import type { RabbitmqResource } from '../topology.js';
import type { Access, KindAdapter } from './adapter.js';
import { envName } from './adapter.js';

function amqpUrl(resource: RabbitmqResource, access: Access): string {
  const { user, password } = access.credentials.rabbitmq;
  return `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${access.topology.host}:${resource.port}`;
}

async function withConnection<T>(resource: RabbitmqResource, access: Access, work: (channel: amqp.ConfirmChannel) => Promise<T>): Promise<T> {
  const { default: amqplib } = await import('amqplib');
  const connection = await amqplib.connect(amqpUrl(resource, access), { timeout: 2000 });
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createConfirmChannel();
    return await work(channel);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

export const rabbitmqAdapter: KindAdapter<RabbitmqResource> = {
  readyTimeoutMs: 60_000,
  url: amqpUrl,
  env: (resource, access) => ({ [`${envName(resource.name)}_URL`]: amqpUrl(resource, access) }),
  async probe(resource, access) {
    await withConnection(resource, access, async () => undefined);
  },
  async provision(resource, access) {
    await withConnection(resource, access, async (channel) => {
      for (const [exchange, type] of Object.entries(resource.exchanges)) {
        await channel.assertExchange(exchange, type, { durable: true });
      }
    });
  },
};
