import { errorFields, type Logger } from '@frank/kit';
import { createClient } from 'redis';
import { cacheHits, cacheMisses, type CachedView } from '@frank/contracts/cache-keys';

export interface CachedRead<T> {
  value: T;
  /** Where the answer came from: the cache, or the views (with the cache away or missed). */
  from: 'cache' | 'views';
  /** False when Redis could not be used: the answer is right, only slower. */
  cacheAvailable: boolean;
}

export interface ReadCache {
  /** `load` answers from Mongo; its value is cached under the view's current generation for the TTL. */
  read<T>(view: CachedView, generationKey: string, key: string, load: () => Promise<T>): Promise<CachedRead<T>>;
  close(): Promise<void>;
}

const REDIS_TIMEOUT_MS = 500;

function timed<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`redis did not answer within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS))),
  ]).finally(() => clearTimeout(timer));
}

export function redisReadCache(url: string, ttlSeconds: number, log: Logger): ReadCache {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 1000, reconnectStrategy: (retries) => Math.min(200 * (retries + 1), 5000) },
  });
  client.on('error', (error) => log.debug('redis error', errorFields(error)));
  client.connect().catch((error) => log.warn('redis not reachable yet', errorFields(error)));
  return {
    async read(view, generationKey, key, load) {
      let fullKey: string | undefined;
      if (client.isReady) {
        try {
          const generation = (await timed(client.get(generationKey))) ?? '0';
          fullKey = `bff:${view}:g${generation}:${key}`;
          const hit = await timed(client.get(fullKey));
          if (hit !== null) {
            await timed(client.incr(cacheHits(view)));
            return { value: JSON.parse(hit) as never, from: 'cache', cacheAvailable: true };
          }
          await timed(client.incr(cacheMisses(view)));
        } catch (error) {
          log.warn('cache read failed; reading the views', { view, ...errorFields(error) });
          fullKey = undefined;
        }
      }
      const value = await load();
      if (fullKey) {
        try {
          await timed(client.set(fullKey, JSON.stringify(value), { expiration: { type: 'EX', value: ttlSeconds } }));
        } catch (error) {
          log.warn('cache fill failed', { view, ...errorFields(error) });
        }
      }
      return { value, from: 'views', cacheAvailable: fullKey !== undefined };
    },
    async close() {
      if (client.isOpen) await client.close().catch(() => undefined);
    },
  };
}

/** No Redis configured: every read goes to the views. */
export const noReadCache: ReadCache = {
  read: async (_view, _gen, _key, load) => ({ value: await load(), from: 'views', cacheAvailable: false }),
  close: async () => undefined,
};
