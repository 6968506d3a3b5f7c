import { SQSClient } from '@aws-sdk/client-sqs';
import type { ServiceDefinition } from '@frank/kit';
import { awsClientConfig } from '@frank/kit/aws';
import { queueUrlOf, startSqsEventPoller } from '@frank/kit/sqs-poller';
import { awsImageDeps } from './aws-image-store.js';
import { processImageEvent } from './handler.js';
import { settings } from './settings.js';

/**
 * The lab's stand-in for the image Lambda: polls the queue S3's Object Created events arrive on and
 * runs the Lambda's handler on each. Poison is left to the queue's redrive policy, which moves it to
 * the dead-letter queue after a few receives, as Lambda's event source would.
 */
export const definition: ServiceDefinition<typeof settings> = {
  name: 'image-processing',
  settings,
  async setup({ settings: values, log, onShutdown }) {
    const config = awsClientConfig(values);
    const sqs = new SQSClient(config);
    const deps = awsImageDeps(config, values.IMAGES_EVENT_BUS);
    // The kit's readiness has no hook for SQS: listening only after it answered covers it.
    const queueUrl = await queueUrlOf(sqs, values.IMAGES_QUEUE, log);
    const poller = startSqsEventPoller(queueUrl, {
      sqs,
      queueName: values.IMAGES_QUEUE,
      log,
      poison: 'redrive',
      // sharp keeps both cores busy with a few images at once.
      concurrency: 2,
      retryAfterSeconds: 2,
      handle: async (event) => {
        const ready = await processImageEvent(event, deps);
        log.info('thumbnails written, product.image-ready sent', { sku: ready.sku, imageId: ready.imageId, thumbnails: ready.thumbnails.length });
      },
    });
    onShutdown(async () => {
      await poller.stop();
      sqs.destroy();
      deps.close();
    });
  },
};
