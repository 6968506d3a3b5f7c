import type { ServiceDefinition } from '@frank/kit';
import { orderRoutes } from './api/order-routes.js';
import { consumeSagaEvents } from './messaging/saga-consumer.js';
import { settings } from './settings.js';

/** order-service: takes orders and tracks the saga that settles them. */
export const definition: ServiceDefinition<typeof settings> = {
  name: 'order',
  settings,
  async setup({ settings: { JWT_SECRET, INVENTORY_URL, ORDER_MAX_IN_FLIGHT }, pool, amqp, app, log }) {
    if (!pool || !amqp) throw new Error('Bad service configuration: DATABASE_URL and AMQP_URL are required');
    app.use(orderRoutes({ pool, jwtSecret: JWT_SECRET, inventoryUrl: INVENTORY_URL, maxInFlight: ORDER_MAX_IN_FLIGHT, brokerConnected: () => amqp.connected }));
    await consumeSagaEvents({ amqp, pool, log });
  },
};
