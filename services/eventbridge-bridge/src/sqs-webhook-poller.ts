import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from '@frank/kit';
import type { EventBridgeEvent } from './eventbridge-event.js';
import { PoisonMessageError } from '@frank/kit/errors';
import { errorFields } from '@frank/kit/log';

export interface SqsWebhookPollerOptions {
  sqs: SQSClient;
  queueName: string;
  log: Logger;
  /** Bridges one event; resolves once the broker confirmed it, throws PoisonMessageError for poison. */
  bridge(event: EventBridgeEvent): Promise<void>;
  waitTimeSeconds?: number;
  /** A message whose publish failed comes back after this long. */
  retryAfterSeconds?: number;
  /** Receive loops side by side: one SQS round trip on the emulator takes tens of milliseconds. */
  concurrency?: number;
}

export interface SqsWebhookPoller {
  stop(): Promise<void>;
}

/** Resolves the queue's URL, retrying until SQS answers: the bridge is not ready before. */
export async function queueUrlOf(sqs: SQSClient, queueName: string, log: Logger, signal?: AbortSignal): Promise<string> {
  for (let delay = 200; ; delay = Math.min(delay * 2, 5000)) {
    try {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }), { abortSignal: signal });
      if (QueueUrl) return QueueUrl;
      throw new Error(`SQS gave no URL for ${queueName}`);
    } catch (error) {
      if (signal?.aborted) throw error;
      log.warn('SQS not answering; retrying', { queue: queueName, retryInMs: delay, ...errorFields(error) });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * The lab's stand-in for Lambda's SQS event source: long-polls the queue, bridges each message and
 * deletes it only after the broker confirmed. A failed publish leaves the message to come back; a
 * malformed one is logged and deleted (moto has no redrive policy, so there is no SQS DLQ to move
 * it to, and keeping it would redeliver it forever).
 */
export function startSqsWebhookPoller(queueUrl: string, options: SqsWebhookPollerOptions): SqsWebhookPoller {
  const { sqs, log, bridge, waitTimeSeconds = 10, retryAfterSeconds = 1, concurrency = 4 } = options;
  const aborter = new AbortController();
  const signal = aborter.signal;

  const handle = async (message: Message): Promise<boolean> => {
    const body = message.Body ?? '';
    try {
      let event: EventBridgeEvent;
      try {
        event = JSON.parse(body) as EventBridgeEvent;
      } catch (error) {
        throw new PoisonMessageError('SQS message body is not JSON', {}, { cause: error });
      }
      await bridge(event);
      return true;
    } catch (error) {
      if (error instanceof PoisonMessageError) {
        log.error('poison webhook message removed from SQS', {
          queue: options.queueName,
          messageId: message.MessageId,
          body: body.slice(0, 500),
          ...errorFields(error),
        });
        return true;
      }
      log.warn('webhook not bridged; SQS will redeliver it', { messageId: message.MessageId, retryInSeconds: retryAfterSeconds, ...errorFields(error) });
      await sqs
        .send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: retryAfterSeconds }))
        .catch(() => undefined);
      return false;
    }
  };

  const loop = async () => {
    let backoff = 200;
    while (!signal.aborted) {
      try {
        const { Messages = [] } = await sqs.send(
          // The visibility timeout outlasts a publish that waits for a reconnecting broker (30 s).
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitTimeSeconds, VisibilityTimeout: 60 }),
          { abortSignal: signal },
        );
        const done = await Promise.all(Messages.map(async (message) => ((await handle(message)) ? message : undefined)));
        const entries = done.filter((m): m is Message => m !== undefined).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle }));
        if (entries.length > 0) {
          const result = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
          // Not deleted means delivered again later: the envelope id makes that harmless downstream.
          if (result.Failed?.length) log.warn('SQS did not delete some bridged messages', { failed: result.Failed.length });
        }
        backoff = 200;
      } catch (error) {
        if (signal.aborted) break;
        log.warn('SQS poll failed; retrying', { retryInMs: backoff, ...errorFields(error) });
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  };

  const running = Array.from({ length: concurrency }, loop);
  return {
    async stop() {
      aborter.abort();
      await Promise.all(running);
    },
  };
}
