import { readSettings } from '@frank/kit/settings';
import { createEventBridgeClient, putEventsWith } from './event-bridge-put-events.js';
import { forwardOrderOutcome, type ForwardDeps } from './handler.js';
import { parseOrderOutcome, UnforwardableMessageError } from './order-outcome-envelope.js';
import { lambdaSettings } from './settings.js';

/** What an Amazon MQ for RabbitMQ event source hands a Lambda (the fields we read). */
export interface RabbitMqLambdaEvent {
  eventSource?: string;
  rmqMessagesByQueue: Record<string, { data: string; redelivered?: boolean; basicProperties?: Record<string, unknown> }[]>;
}

export interface LambdaResult {
  forwarded: number;
  skipped: number;
}

/**
 * The Lambda body around the same forwardOrderOutcome as the lab's process. A message that can
 * never be forwarded is logged and skipped (a throw would return the whole batch to the queue
 * forever); an EventBridge failure throws, and the batch is retried.
 */
export function createLambdaHandler(makeDeps: () => ForwardDeps): (event: RabbitMqLambdaEvent) => Promise<LambdaResult> {
  // Made on the first invocation rather than at import, and kept while the container stays warm.
  let made: ForwardDeps | undefined;
  const deps = () => (made ??= makeDeps());
  return async (event) => {
    const result: LambdaResult = { forwarded: 0, skipped: 0 };
    for (const [queue, messages] of Object.entries(event.rmqMessagesByQueue ?? {})) {
      for (const message of messages) {
        try {
          await forwardOrderOutcome(parseOrderOutcome(Buffer.from(message.data, 'base64').toString('utf8')), deps());
          result.forwarded++;
        } catch (error) {
          if (!(error instanceof UnforwardableMessageError)) throw error;
          console.error(JSON.stringify({ level: 'error', msg: 'message skipped', queue, error: error.message }));
          result.skipped++;
        }
      }
    }
    return result;
  };
}

export const handler = createLambdaHandler(() => {
  const settings = readSettings(lambdaSettings);
  return {
    putEvents: putEventsWith(
      createEventBridgeClient({
        endpoint: settings.AWS_ENDPOINT_URL,
        region: settings.AWS_REGION,
        accessKeyId: settings.AWS_ACCESS_KEY_ID,
        secretAccessKey: settings.AWS_SECRET_ACCESS_KEY,
      }),
    ),
  };
});
