import { z } from 'zod';
import { readConfig, type ServiceDefinition } from '@frank/kit';
import { orderRoutes } from './api/order-routes.js';
import { consumeSagaEvents } from './messaging/saga-consumer.js';

const config = {
  JWT_SECRET: z.string().min(16),
  INVENTORY_URL: z.url(),
};

/** order-service: takes orders and tracks the saga that settles them. */
export const definition: ServiceDefinition = {
  name: 'order',
  async setup({ env, pool, amqp, app, log }) {
    const { JWT_SECRET, INVENTORY_URL } = readConfig(config, env);
    if (!pool || !amqp) throw new Error('Bad service configuration: DATABASE_URL and AMQP_URL are required');
    app.use(orderRoutes({ pool, jwtSecret: JWT_SECRET, inventoryUrl: INVENTORY_URL }));
    await consumeSagaEvents({ amqp, pool, log });
  },
};
