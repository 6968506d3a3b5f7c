import type { ServiceDefinition } from '@frank/kit';
import { itemRoutes } from './api/item-routes.js';
import { startSagaStep } from './messaging/saga-step.js';
import { settings } from './settings.js';

/** {{name}}-service: stores items and announces each one with {{name}}.item-created; takes its saga step after {{after}}. */
export const definition: ServiceDefinition<typeof settings> = {
  name: '{{name}}',
  settings,
  async setup({ pool, amqp, app, log }) {
    // Without a broker the outbox relay does not run and the events would never leave.
    if (!pool || !amqp) throw new Error('Bad service configuration: DATABASE_URL and AMQP_URL are required');
    app.use(itemRoutes(pool));
    await startSagaStep({ amqp, pool, log });
  },
};
