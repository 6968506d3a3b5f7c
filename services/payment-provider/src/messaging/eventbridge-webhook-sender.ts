import { EventBridgeClient, PutEventsCommand, type EventBridgeClientConfig, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Webhook } from './webhook.js';
import { WEBHOOK_BUS, WEBHOOK_DETAIL_TYPE, WEBHOOK_SOURCE } from './webhook.js';

export interface WebhookSender {
  /** Puts one webhook on the bus; throws when EventBridge did not take it. */
  send(webhook: Webhook): Promise<void>;
  close(): void;
}

/** PutEvents takes at most 10 entries a call. */
const MAX_ENTRIES = 10;

interface Pending {
  entry: PutEventsRequestEntry;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Sends webhooks with PutEvents, batching those that wait while calls are in flight: at load one
 * call carries up to 10 webhooks (fewer requests and round trips), and an idle sender sends at
 * once. At most `maxInFlight` calls run together.
 */
export function eventBridgeWebhookSender(clientConfig: EventBridgeClientConfig, maxInFlight = 4): WebhookSender {
  const client = new EventBridgeClient(clientConfig);
  const waiting: Pending[] = [];
  let inFlight = 0;

  const putBatch = async (batch: Pending[]) => {
    try {
      const result = await client.send(new PutEventsCommand({ Entries: batch.map((p) => p.entry) }));
      // PutEvents answers 200 even when entries were refused; each entry says so, in order.
      batch.forEach((pending, i) => {
        const answer = result.Entries?.[i];
        if (!answer || answer.ErrorCode || !answer.EventId)
          pending.reject(new Error(`PutEvents refused the webhook: ${answer?.ErrorCode ?? 'no answer'} ${answer?.ErrorMessage ?? ''}`.trim()));
        else pending.resolve();
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };

  const pump = () => {
    while (inFlight < maxInFlight && waiting.length > 0) {
      inFlight++;
      void putBatch(waiting.splice(0, MAX_ENTRIES)).finally(() => {
        inFlight--;
        pump();
      });
    }
  };

  return {
    send(webhook) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({
          entry: { EventBusName: WEBHOOK_BUS, Source: WEBHOOK_SOURCE, DetailType: WEBHOOK_DETAIL_TYPE, Detail: JSON.stringify(webhook) },
          resolve,
          reject,
        });
        // Webhooks due in the same tick share a call.
        if (waiting.length === 1) setImmediate(pump);
      });
    },
    close: () => client.destroy(),
  };
}
