import { awsClientConfig } from '@frank/kit/aws';
import { createLogger, errorFields } from '@frank/kit/log';
import { readSettings } from '@frank/kit/settings';
import type { EventBridgeEvent } from '@frank/kit/sqs-poller';
import { awsImageDeps } from './aws-image-store.js';
import { processImageEvent } from './handler.js';
import { lambdaSettings } from './settings.js';

/** The parts of Lambda's SQS event that the handler reads (no @types/aws-lambda in the project). */
export interface SqsEvent {
  Records: { messageId: string; body: string }[];
}

/**
 * AWS Lambda entry point, fed by an SQS event source mapping with ReportBatchItemFailures: each
 * record's body is S3's Object Created event as the rule delivered it. A record that fails (a bad
 * image included) is reported, so SQS redelivers it and its redrive policy moves it to the
 * dead-letter queue; nothing of it was written.
 */
export async function handler(event: SqsEvent): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> {
  const log = createLogger('image-processing-lambda');
  const settings = readSettings(lambdaSettings);
  const deps = awsImageDeps(awsClientConfig(settings), settings.IMAGES_EVENT_BUS);
  const batchItemFailures: { itemIdentifier: string }[] = [];
  try {
    for (const record of event.Records) {
      try {
        const ready = await processImageEvent(JSON.parse(record.body) as EventBridgeEvent, deps);
        log.info('thumbnails written, product.image-ready sent', { sku: ready.sku, imageId: ready.imageId });
      } catch (error) {
        log.error('record not processed', { messageId: record.messageId, body: record.body.slice(0, 200), ...errorFields(error) });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  } finally {
    deps.close();
  }
}
