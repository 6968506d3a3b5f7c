import type { ServiceDefinition } from '@frank/kit';
import { admission } from './api/admission.js';
import { orderRoutes } from './api/order-routes.js';
import { consumeSagaEvents } from './messaging/saga-consumer.js';
import { settings } from './settings.js';

/** order-service: takes orders and tracks the saga that settles them. */
export const definition: ServiceDefinition<typeof settings> = {
  name: 'order',
  settings,
  async setup({ settings: { JWT_SECRET, INVENTORY_URL, ORDER_MAX_IN_FLIGHT, ORDER_PAYMENT_TARGET_MS }, pool, amqp, app, log }) {
    if (!pool || !amqp) throw new Error('Bad service configuration: DATABASE_URL and AMQP_URL are required');
    const shedding = admission(pool, { maxInFlight: ORDER_MAX_IN_FLIGHT, paymentTargetMs: ORDER_PAYMENT_TARGET_MS, brokerConnected: () => amqp.connected });
    app.use(orderRoutes({ pool, jwtSecret: JWT_SECRET, inventoryUrl: INVENTORY_URL, admission: shedding }));
    await consumeSagaEvents({ amqp, pool, log, paymentAnswered: shedding.paymentAnswered });
  },
};
