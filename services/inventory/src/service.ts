import type { ServiceDefinition } from '@frank/kit';
import { awsClientConfig } from '@frank/kit/aws';
import { imageRoutes } from './api/image-routes.js';
import { imageBucket } from './persistence/image-bucket.js';
import { inventoryRoutes } from './api/routes.js';
import { startConsumers } from './messaging/start-consumers.js';
import { settings } from './settings.js';

/** inventory: the catalogue and its stock; reserves, releases and commits stock for the order saga. */
export const definition: ServiceDefinition<typeof settings> = {
  name: 'inventory',
  settings,
  async setup({ pool, amqp, app, log, settings: values, onShutdown }) {
    if (!pool) throw new Error('inventory needs DATABASE_URL');
    if (!amqp) throw new Error('inventory needs AMQP_URL');
    const bucket = values.AWS_REGION ? imageBucket(awsClientConfig(values), values.IMAGES_BUCKET) : undefined;
    onShutdown(async () => bucket?.close());
    app.use(inventoryRoutes(pool));
    app.use(imageRoutes(pool, bucket, log));
    // Registers now; the queue is declared and consumed whenever the broker is (again) reachable.
    await startConsumers({ amqp, pool, log });
  },
};
