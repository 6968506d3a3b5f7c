import type { ServiceDefinition } from '@frank/kit';
import { itemRoutes } from './api/item-routes.js';

/** {{name}}-service: stores items and announces each one with {{name}}.item-created. */
export const definition: ServiceDefinition = {
  name: '{{name}}',
  async setup({ pool, amqp, app }) {
    // Without a broker the outbox relay does not run and the events would never leave.
    if (!pool || !amqp) throw new Error('Bad service configuration: DATABASE_URL and AMQP_URL are required');
    app.use(itemRoutes(pool));
  },
};
