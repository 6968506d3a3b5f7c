import { readConfig, type ServiceDefinition } from '@frank/kit';
import { MongoClient } from 'mongodb';
import { z } from 'zod';
import { registerRoutes } from './api/routes.js';
import { noCache, redisInvalidator } from './cache/cache-invalidator.js';
import { allProjectors } from './messaging/projectors.js';
import { runProjector } from './messaging/run-projector.js';
import { seedUntilDone } from './persistence/seed-catalogue.js';
import { PROJECTOR_STATUS, ViewStore } from './persistence/view-databases.js';

const config = {
  MONGO_URL: z.string().min(1),
  REDIS_URL: z.string().optional(),
  INVENTORY_URL: z.url().optional(),
  VIEWS_PREFETCH: z.coerce.number().int().min(1).max(500).default(10),
};

/**
 * The read side's projectors: each view database of DESIGN.md has its own queue and consumer,
 * writes idempotently into Mongo, and invalidates the BFF's Redis cache after its write.
 */
export const definition: ServiceDefinition = {
  name: 'views',
  async setup({ env, app, log, amqp, onShutdown, addReadyCheck }) {
    const settings = readConfig(config, env);
    if (!amqp) throw new Error('views needs AMQP_URL: it projects the events of frank.events');
    const client = new MongoClient(settings.MONGO_URL, { serverSelectionTimeoutMS: 3000, connectTimeoutMS: 3000 });
    const store = new ViewStore(client);
    const cache = settings.REDIS_URL ? redisInvalidator(settings.REDIS_URL, log) : noCache;
    let stopped = false;
    let seededNow = !settings.INVENTORY_URL;
    onShutdown(async () => {
      stopped = true;
      await cache.close();
      await client.close().catch(() => undefined);
    });
    addReadyCheck(async () => {
      await client.db('admin').command({ ping: 1 });
    });
    await store.ensureIndexes().catch((error: unknown) => log.warn('indexes not created yet (Mongo away?)', { error: String(error) }));

    const seeded = settings.INVENTORY_URL ? seedUntilDone(store, settings.INVENTORY_URL, log, () => stopped).then(() => void (seededNow = true)) : Promise.resolve();
    const projectors = allProjectors({ store, cache, seeded });
    for (const projector of projectors) {
      await runProjector({ amqp, log, projector, status: store.collection(projector.view, PROJECTOR_STATUS), prefetch: settings.VIEWS_PREFETCH });
    }
    registerRoutes(app, { store, cache, projectors, seeded: () => seededNow });
  },
};
