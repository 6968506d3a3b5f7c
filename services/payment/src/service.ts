import { afterTransactionOn, consumeEvents, type ServiceDefinition } from '@frank/kit';
import { addPaymentRoutes } from './api/payment-routes.js';
import { paymentConfig } from './config.js';
import { onInventoryReserved } from './messaging/on-inventory-reserved.js';
import { onOrderCreated } from './messaging/on-order-created.js';
import { onPaymentWebhook } from './messaging/on-payment-webhook.js';
import { httpProviderClient } from './provider/provider-client.js';
import { startDeadlineSweeper } from './workers/deadline-sweeper.js';
import { startProviderRequester } from './workers/provider-requester.js';
import { settings } from './settings.js';

export const PAYMENT_QUEUE = 'payment.saga';

export const definition: ServiceDefinition<typeof settings> = {
  name: 'payment',
  settings,
  async setup({ pool, amqp, settings: values, log, app, flags, onShutdown }) {
    if (!pool || !amqp) throw new Error('Bad service configuration: payment needs DATABASE_URL and AMQP_URL');
    const config = paymentConfig(values);
    const provider = httpProviderClient(config.providerUrl, config.providerCallTimeoutMs);
    const requester = startProviderRequester({ pool, provider, log, pollIntervalMs: config.sweepIntervalMs, leaseMs: config.providerCallTimeoutMs * 3 });
    const sweeper = startDeadlineSweeper({ pool, log, intervalMs: config.sweepIntervalMs });
    // The kit runs this before it closes the broker and the pool.
    onShutdown(async () => {
      await sweeper.stop();
      await requester.stop();
    });
    addPaymentRoutes(app, pool);
    await consumeEvents({
      amqp,
      pool,
      log,
      queue: PAYMENT_QUEUE,
      handlers: {
        'order.created': onOrderCreated,
        'inventory.reserved': onInventoryReserved({
          timeoutMs: config.timeoutMs,
          afterTransaction: afterTransactionOn(pool),
          requestPayments: requester.kick,
          flags,
          log,
        }),
        'payment.webhook': onPaymentWebhook({ provider, log }),
      },
    });
  },
};
