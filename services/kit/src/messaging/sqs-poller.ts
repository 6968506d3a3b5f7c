import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { PoisonMessageError } from '../errors.js';
import { errorFields, type Logger } from '../log.js';

/** An EventBridge event as a rule's target receives it (an SQS message body, or a Lambda's input). */
export interface EventBridgeEvent<Detail = unknown> {
  id?: string;
  version?: string;
  account?: string;
  time?: string | number;
  region?: string;
  resources?: string[];
  source: string;
  'detail-type': string;
  detail: Detail;
}

export interface SqsEventPollerOptions {
  sqs: SQSClient;
  queueName: string;
  log: Logger;
  /** Handles one event; resolves once its effects are durable, throws PoisonMessageError for poison. */
  handle(event: EventBridgeEvent): Promise<void>;
  /**
   * What becomes of poison: `delete` (logged and gone: the queue has no dead-letter queue), or
   * `redrive` (left for SQS to redeliver until its redrive policy moves it to the dead-letter queue,
   * as with a Lambda's SQS event source reporting the record as failed).
   */
  poison?: 'delete' | 'redrive';
  waitTimeSeconds?: number;
  /** A message whose publish failed comes back after this long. */
  retryAfterSeconds?: number;
  /** Receive loops side by side: one SQS round trip on the emulator takes tens of milliseconds. */
  concurrency?: number;
}

export interface SqsEventPoller {
  stop(): Promise<void>;
}

/** Resolves the queue's URL, retrying until SQS answers: its service is not ready before. */
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
 * The lab's stand-in for Lambda's SQS event source: long-polls the queue, handles each message and
 * deletes it only after its effects are durable. A failed attempt leaves the message to come back;
 * poison is deleted or left to the queue's redrive policy (`poison`).
 */
export function startSqsEventPoller(queueUrl: string, options: SqsEventPollerOptions): SqsEventPoller {
  const { sqs, log, handle, waitTimeSeconds = 10, retryAfterSeconds = 1, concurrency = 4, poison = 'delete' } = options;
  const aborter = new AbortController();
  const signal = aborter.signal;

  const consume = async (message: Message): Promise<boolean> => {
    const body = message.Body ?? '';
    try {
      let event: EventBridgeEvent;
      try {
        event = JSON.parse(body) as EventBridgeEvent;
      } catch (error) {
        throw new PoisonMessageError('SQS message body is not JSON', {}, { cause: error });
      }
      await handle(event);
      return true;
    } catch (error) {
      if (error instanceof PoisonMessageError && poison === 'redrive') {
        log.error('poison message left to the dead-letter queue', { queue: options.queueName, messageId: message.MessageId, ...errorFields(error) });
        // Visible again at once: each receive counts towards the redrive policy's maxReceiveCount.
        await sqs
          .send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }))
          .catch(() => undefined);
        return false;
      }
      if (error instanceof PoisonMessageError) {
        log.error('poison message removed from SQS', {
          queue: options.queueName,
          messageId: message.MessageId,
          body: body.slice(0, 500),
          ...errorFields(error),
        });
        return true;
      }
      log.warn('message not handled; SQS will redeliver it', { messageId: message.MessageId, retryInSeconds: retryAfterSeconds, ...errorFields(error) });
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
        const done = await Promise.all(Messages.map(async (message) => ((await consume(message)) ? message : undefined)));
        const entries = done.filter((m): m is Message => m !== undefined).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle }));
        if (entries.length > 0) {
          const result = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
          // Not deleted means delivered again later: the envelope id makes that harmless downstream.
          if (result.Failed?.length) log.warn('SQS did not delete some handled messages', { failed: result.Failed.length });
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
