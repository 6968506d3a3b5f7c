import { MongoClient } from 'mongodb';
import type { ServiceDefinition } from '@frank/kit';
import { readRoutes } from './api/read-routes.js';
import { bffRoutes } from './api/routes.js';
import { noReadCache, redisReadCache } from './cache/read-cache.js';
import { ViewReader } from './read/view-reader.js';
import { frankCli } from './lab/frank-cli.js';
import { LabFrames } from './lab/lab-frames.js';
import { consoleHosts } from './lab/console-guard.js';
import { labRoutes } from './lab/lab-routes.js';
import { storefrontRoutes } from './web/storefront.js';
import { settings as declared } from './settings.js';

/**
 * The backend for the frontend: reads from the Mongo views (cached in Redis), writes and logins
 * passed through. Ready = live: a view store or cache that is away makes answers partial, not the BFF unready.
 */
export const definition: ServiceDefinition<typeof declared> = {
  name: 'bff',
  settings: declared,
  async setup({ settings, app, log, onShutdown, onStopping }) {
    const mongo = settings.MONGO_URL
      ? new MongoClient(settings.MONGO_URL, { serverSelectionTimeoutMS: 1500, connectTimeoutMS: 1500, socketTimeoutMS: 5000, maxPoolSize: 10 })
      : undefined;
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
    const cli = settings.FRANK_CLI && settings.FRANK_CONFIG && settings.FRANK_CONSOLE_TOKEN ? frankCli(settings.FRANK_CLI, settings.FRANK_CONFIG) : undefined;
    const frames = cli && new LabFrames(cli, { every: settings.LAB_EVENTS_EVERY, retryMs: 5000, log });
    if (frames) onShutdown(async () => frames.stop());
    const token = settings.FRANK_CONSOLE_TOKEN;
    const lab = labRoutes({ console: cli && frames && token ? { cli, frames, token } : undefined, hosts: consoleHosts(settings.HOST, settings.PORT), log });
    onStopping(() => lab.endStreams());
    app.use(lab);
    app.use(storefrontRoutes(settings.WEB_DIST_DIR));
  },
};
