import { z } from 'zod';
import { MongoClient } from 'mongodb';
import { readConfig, type ServiceDefinition } from '@frank/kit';
import { readRoutes } from './api/read-routes.js';
import { bffRoutes } from './api/routes.js';
import { noReadCache, redisReadCache } from './cache/read-cache.js';
import { ViewReader } from './read/view-reader.js';
import { frankCli } from './lab/frank-cli.js';
import { LabFrames } from './lab/lab-frames.js';
import { labRoutes } from './lab/lab-routes.js';
import { storefrontRoutes } from './web/storefront.js';

const config = {
  USER_URL: z.url(),
  INVENTORY_URL: z.url(),
  ORDER_URL: z.url(),
  JWT_SECRET: z.string().min(1),
  MONGO_URL: z.string().min(1).optional(),
  REDIS_URL: z.string().min(1).optional(),
  BFF_CACHE_TTL_S: z.coerce.number().int().min(1).max(86_400).default(30),
  /** The built storefront; absent, `/` says how to build it. */
  WEB_DIST_DIR: z.string().min(1).optional(),
  /** The lab console: the frank CLI and the lab's frank.yaml (`frank up` gives both); absent, /api/lab/* answers 503. */
  FRANK_CLI: z.string().min(1).optional(),
  FRANK_CONFIG: z.string().min(1).optional(),
  /** How often the console's live view reads the lab while someone watches it. */
  LAB_EVENTS_EVERY: z.string().regex(/^\d+(\.\d+)?(ms|s|m)$/, 'a duration such as 2s').default('2s'),
};

/**
 * The backend for the frontend: reads from the Mongo views (cached in Redis), writes and logins
 * passed through. Ready = live: a view store or cache that is away makes answers partial, not the BFF unready.
 */
export const definition: ServiceDefinition = {
  name: 'bff',
  async setup({ env, app, log, onShutdown, onStopping }) {
    const settings = readConfig(config, env);
    const mongo = settings.MONGO_URL ? new MongoClient(settings.MONGO_URL, { serverSelectionTimeoutMS: 1500, connectTimeoutMS: 1500, socketTimeoutMS: 5000 }) : undefined;
    const cache = settings.REDIS_URL ? redisReadCache(settings.REDIS_URL, settings.BFF_CACHE_TTL_S, log) : noReadCache;
    onShutdown(async () => {
      await cache.close();
      await mongo?.close().catch(() => undefined);
    });
    const downstreams = {
      user: { service: 'user', baseUrl: settings.USER_URL },
      inventory: { service: 'inventory', baseUrl: settings.INVENTORY_URL },
      order: { service: 'order', baseUrl: settings.ORDER_URL },
    };
    app.use(readRoutes({ views: mongo ? new ViewReader(mongo) : undefined, cache, jwtSecret: settings.JWT_SECRET, order: downstreams.order, log }));
    app.use(bffRoutes(downstreams, log));
    const cli = settings.FRANK_CLI && settings.FRANK_CONFIG ? frankCli(settings.FRANK_CLI, settings.FRANK_CONFIG) : undefined;
    const frames = cli && new LabFrames(cli, { every: settings.LAB_EVENTS_EVERY, retryMs: 5000, log });
    if (frames) onShutdown(async () => frames.stop());
    const lab = labRoutes({ console: cli && frames ? { cli, frames } : undefined, log });
    onStopping(() => lab.endStreams());
    app.use(lab);
    app.use(storefrontRoutes(settings.WEB_DIST_DIR));
  },
};
