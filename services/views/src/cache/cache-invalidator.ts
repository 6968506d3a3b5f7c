import { errorFields, type Logger } from '@frank/kit';
import { createClient } from 'redis';
import { invalidations, type CachedView } from '@frank/contracts/cache-keys';

export interface CacheInvalidator {
  /** Bumps the generations (and counts one invalidation per view); a Redis that stays away is logged, the TTL is the safety net. */
  invalidate(generations: string[], view: CachedView): Promise<void>;
  readonly connected: boolean;
  /** Reads counters (hits, misses, invalidations); null where Redis has none or is away. */
  read(keys: string[]): Promise<(string | null)[]>;
  close(): Promise<void>;
}

export function redisInvalidator(url: string, log: Logger): CacheInvalidator {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(200 * (retries + 1), 5000) },
  });
  client.on('error', (error) => log.debug('redis error', errorFields(error)));
  client.connect().catch((error) => log.warn('redis not reachable yet', errorFields(error)));
  return {
    get connected() {
      return client.isReady;
    },
    async invalidate(generations, view) {
      for (let attempt = 1; ; attempt++) {
        try {
          const multi = client.multi();
          for (const key of generations) multi.incr(key);
          multi.incr(invalidations(view));
          await multi.exec();
          return;
        } catch (error) {
          if (attempt >= 3) {
            log.warn('cache invalidation failed; entries expire by their TTL', { view, generations, ...errorFields(error) });
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        }
      }
    },
    async read(keys) {
      if (!client.isReady || keys.length === 0) return keys.map(() => null);
      return (await client.mGet(keys)) as (string | null)[];
    },
    async close() {
      if (client.isOpen) await client.close().catch(() => undefined);
    },
  };
}

/** No Redis configured: nothing to invalidate. */
export const noCache: CacheInvalidator = {
  connected: false,
  invalidate: async () => undefined,
  read: async (keys) => keys.map(() => null),
  close: async () => undefined,
};
