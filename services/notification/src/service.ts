import { afterTransactionOn, consumeEvents, type ServiceDefinition } from '@frank/kit';
import { registerRoutes } from './api/routes.js';
import { createChannelSettingsStore } from './domain/channel-settings.js';
import { startDeliveryWorker } from './messaging/delivery-worker.js';
import { onOrderCreated } from './messaging/on-order-created.js';
import { onPaymentCompleted } from './messaging/on-payment-completed.js';
import { settings } from './settings.js';

export const QUEUE = 'notification.saga';

export const definition: ServiceDefinition<typeof settings> = {
  name: 'notification',
  settings,
  async setup({ settings: config, pool, amqp, app, log, flags, onShutdown }) {
    if (!pool || !amqp) throw new Error('notification needs DATABASE_URL and AMQP_URL');
    const channels = createChannelSettingsStore({ failureRate: config.CHANNEL_FAILURE_RATE, latencyMs: config.CHANNEL_LATENCY_MS });
    registerRoutes(app, { pool, channels });
    const worker = startDeliveryWorker({
      pool,
      log,
      channelSettings: channels.get,
      maxAttempts: config.NOTIFICATION_MAX_ATTEMPTS,
      backoff: { baseMs: config.NOTIFICATION_BACKOFF_MS, maxMs: config.NOTIFICATION_BACKOFF_MAX_MS },
      pollMs: config.NOTIFICATION_POLL_MS,
      concurrency: config.NOTIFICATION_WORKERS,
    });
    onShutdown(() => worker.stop());
    const afterTransaction = afterTransactionOn(pool);
    const onPayment = onPaymentCompleted(flags);
    await consumeEvents({
      amqp,
      pool,
      log,
      queue: QUEUE,
      handlers: {
        'order.created': onOrderCreated,
        'payment.completed': async (client, event) => {
          await onPayment(client, event);
          afterTransaction(client, worker.kick);
        },
      },
    });
  },
};
