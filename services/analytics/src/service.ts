import { consumeEvents, type ServiceDefinition } from '@frank/kit';
import { registerRoutes } from './api/routes.js';
import { analyticsHandlers, EVERY_EVENT } from './messaging/analytics-handlers.js';
import { startCubeRefresher } from './persistence/cube-refresher.js';
import { settings } from './settings.js';

export const QUEUE = 'analytics.events';

export const definition: ServiceDefinition<typeof settings> = {
  name: 'analytics',
  settings,
  async setup({ settings: config, pool, amqp, app, log, onShutdown }) {
    if (!pool || !amqp) throw new Error('analytics needs DATABASE_URL and AMQP_URL');
    const cubes = startCubeRefresher({ pool, log, minIntervalMs: config.ANALYTICS_REFRESH_INTERVAL_MS });
    onShutdown(() => cubes.stop());
    registerRoutes(app, { pool, cubes });
    await consumeEvents({
      amqp,
      pool,
      log,
      queue: QUEUE,
      ...analyticsHandlers(() => cubes.request(), { refreshRule: config.ANALYTICS_REFRESH_RULE }),
      bindings: [EVERY_EVENT],
    });
    // Whatever was loaded while no process was running (or before a crash) is in the cubes soon.
    cubes.request();
  },
};
