import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import amqplib from 'amqplib';
import type { LocalLambda } from './local-lambda.js';

/** What stops an event source mapping's poller; resolves once it is idle. */
export interface EventSourcePoller {
  stop(): Promise<void>;
  /** Batches handed to the function, and records of them it reported failed. */
  stats(): { batches: number; records: number; failed: number };
}

export interface PollerLog {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/**
 * An SQS event source mapping with ReportBatchItemFailures, as Lambda runs one: receive up to
 * `batchSize`, hand them to the function in one event, delete those it did not report failed.
 * A failed record (or a failed invocation) comes back after the queue's visibility timeout, and
 * the queue's redrive policy moves poison to its dead-letter queue.
 */
export function pollSqs(options: {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  lambda: LocalLambda;
  log: PollerLog;
}): EventSourcePoller {
  const stats = { batches: 0, records: 0, failed: 0 };
  const abort = new AbortController();
  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        const { Messages = [] } = await options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: options.batchSize,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
        if (Messages.length === 0) continue;
        const Records = Messages.map((m) => ({
          messageId: m.MessageId!,
          receiptHandle: m.ReceiptHandle!,
          body: m.Body ?? '',
          attributes: m.Attributes ?? {},
          messageAttributes: {},
          md5OfBody: m.MD5OfBody,
          eventSource: 'aws:sqs',
          eventSourceARN: options.queueArn,
        }));
        stats.batches++;
        stats.records += Records.length;
        let failed: Set<string>;
        try {
          const answer = await options.lambda.invoke<{ batchItemFailures?: { itemIdentifier: string }[] } | null>({ Records });
          failed = new Set((answer?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        } catch (error) {
          options.log.warn('invocation failed; the batch comes back after its visibility timeout', {
            function: options.lambda.name,
            error: (error as Error).message,
          });
          failed = new Set(Records.map((r) => r.messageId));
        }
        stats.failed += failed.size;
        const done = Messages.filter((m) => !failed.has(m.MessageId!));
        if (done.length > 0)
          await options.sqs.send(
            new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
          );
      } catch (error) {
        if (abort.signal.aborted) break;
        options.log.warn('receiving from SQS failed; trying again', { queue: options.queueUrl, error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  })();
  return {
    async stop() {
      abort.abort();
      await loop;
    },
    stats: () => ({ ...stats }),
  };
}

/**
 * An Amazon MQ for RabbitMQ event source mapping: consume the queue, hand up to `batchSize`
 * messages (or what came within `lingerMs`) to the function in Amazon MQ's event shape, ack them
 * all when it returns, give them back to the queue when it throws.
 */
export async function consumeRabbitmq(options: {
  amqpUrl: string;
  queue: string;
  batchSize: number;
  lingerMs?: number;
  lambda: LocalLambda;
  log: PollerLog;
}): Promise<EventSourcePoller> {
  const stats = { batches: 0, records: 0, failed: 0 };
  const connection = await amqplib.connect(options.amqpUrl);
  // A closed channel or a lost connection ends the poller; it never takes the process down.
  connection.on('error', (error: Error) => options.log.warn('RabbitMQ connection failed', { queue: options.queue, error: error.message }));
  const channel = await connection.createChannel();
  channel.on('error', (error: Error) => options.log.warn('RabbitMQ channel failed', { queue: options.queue, error: error.message }));
  try {
    await channel.checkQueue(options.queue);
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw new Error(`the queue ${options.queue} does not exist on RabbitMQ: ${(error as Error).message}`, { cause: error });
  }
  await channel.prefetch(options.batchSize);
  let batch: amqplib.ConsumeMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const messages = batch;
    batch = [];
    if (messages.length === 0) return;
    running = running.then(async () => {
      stats.batches++;
      stats.records += messages.length;
      const event = {
        eventSource: 'aws:rmq',
        rmqMessagesByQueue: {
          [`${options.queue}::/`]: messages.map((m) => ({
            basicProperties: {
              contentType: m.properties.contentType,
              messageId: m.properties.messageId,
              type: m.properties.type,
              headers: m.properties.headers ?? {},
              deliveryMode: m.properties.deliveryMode,
            },
            redelivered: m.fields.redelivered,
            data: m.content.toString('base64'),
          })),
        },
      };
      try {
        await options.lambda.invoke(event);
        for (const m of messages) channel.ack(m);
      } catch (error) {
        stats.failed += messages.length;
        options.log.warn('invocation failed; the batch goes back to the queue', { function: options.lambda.name, error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, 500));
        for (const m of messages) channel.nack(m, false, true);
      }
    });
  };
  const { consumerTag } = await channel.consume(options.queue, (message) => {
    if (!message) return;
    batch.push(message);
    if (batch.length >= options.batchSize) flush();
    else timer ??= setTimeout(flush, options.lingerMs ?? 100);
  });
  return {
    async stop() {
      await channel.cancel(consumerTag).catch(() => undefined);
      flush();
      await running;
      await connection.close().catch(() => undefined);
    },
    stats: () => ({ ...stats }),
  };
}
