import type { ServiceDefinition } from '@frank/kit';
import { inventoryRoutes } from './api/routes.js';
import { startConsumers } from './messaging/start-consumers.js';
import { settings } from './settings.js';

/** inventory: the catalogue and its stock; reserves, releases and commits stock for the order saga. */
export const definition: ServiceDefinition<typeof settings> = {
  name: 'inventory',
  settings,
  async setup({ pool, amqp, app, log }) {
    if (!pool) throw new Error('inventory needs DATABASE_URL');
    if (!amqp) throw new Error('inventory needs AMQP_URL');
    app.use(inventoryRoutes(pool));
    // Registers now; the queue is declared and consumed whenever the broker is (again) reachable.
    await startConsumers({ amqp, pool, log });
  },
};
