import type { RedisResource } from '../topology.js';
import type { Access, KindAdapter } from './adapter.js';
import { envName } from './adapter.js';

function redisUrl(resource: RedisResource, access: Access): string {
  return `redis://:${encodeURIComponent(access.credentials.redis.password)}@${access.topology.host}:${resource.port}`;
}

export const redisAdapter: KindAdapter<RedisResource> = {
  readyTimeoutMs: 20_000,
  url: redisUrl,
  env: (resource, access) => ({ [`${envName(resource.name)}_URL`]: redisUrl(resource, access) }),
  async probe(resource, access) {
    const { createClient } = await import('redis');
    const client = createClient({ url: redisUrl(resource, access), socket: { connectTimeout: 2000, reconnectStrategy: false } });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const pong = await client.ping();
      if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
    } finally {
      client.destroy();
    }
  },
  async provision() {},
};
