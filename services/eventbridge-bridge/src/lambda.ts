import amqp from 'amqplib';
import type { EventBridgeEvent } from './eventbridge-event.js';
import { bridgeEvent } from './handler.js';
import { createLogger, errorFields } from '@frank/kit/log';
import { secretReader } from '@frank/kit/aws-secrets';
import { readSettings } from '@frank/kit/settings';
import { lambdaSettings } from './settings.js';
import { EVENTS_EXCHANGE } from '@frank/contracts/events';

/** The parts of Lambda's SQS event that the handler reads (no @types/aws-lambda in the project). */
export interface SqsEvent {
  Records: { messageId: string; body: string }[];
}

export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * AWS Lambda entry point, fed by an SQS event source mapping with ReportBatchItemFailures: each
 * record's body is the EventBridge event. A record that fails (poison included) is reported, so
 * SQS redelivers it and its redrive policy moves poison to the dead-letter queue. A connection per
 * invocation: simpler than one cached across warm starts, and a batch amortises it.
 */
export async function handler(event: SqsEvent): Promise<SqsBatchResponse> {
  const log = createLogger('eventbridge-bridge-lambda');
  const url = await amqpUrl();
  const connection = await amqp.connect(url, { timeout: 5000 });
  try {
    const channel = await connection.createConfirmChannel();
    channel.on('error', (error) => log.warn('broker channel error', errorFields(error)));
    const publish = async (routingKey: string, envelope: { id: string; type: string }) => {
      channel.publish(EVENTS_EXCHANGE, routingKey, Buffer.from(JSON.stringify(envelope)), {
        persistent: true,
        contentType: 'application/json',
        messageId: envelope.id,
        type: envelope.type,
      });
      await channel.waitForConfirms();
    };
    const batchItemFailures: SqsBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        await bridgeEvent(JSON.parse(record.body) as EventBridgeEvent, { publish });
      } catch (error) {
        log.error('record not bridged', { messageId: record.messageId, body: record.body.slice(0, 200), ...errorFields(error) });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

let resolvedUrl: Promise<string> | undefined;

/** RabbitMQ's URL: read from its secret once per warm container (on AWS), or given as is (the lab). */
function amqpUrl(): Promise<string> {
  const settings = readSettings(lambdaSettings);
  if (settings.AMQP_URL) return Promise.resolve(settings.AMQP_URL);
  if (!settings.AMQP_URL_SECRET_ARN)
    return Promise.reject(new Error('Bad Lambda configuration: set AMQP_URL_SECRET_ARN (the secret with JSON key url) or AMQP_URL'));
  const reference = `${settings.AMQP_URL_SECRET_ARN}:url::`;
  resolvedUrl ??= (async () => {
    const reader = secretReader(settings);
    try {
      return await reader.read(reference);
    } finally {
      reader.close();
    }
  })();
  resolvedUrl.catch(() => (resolvedUrl = undefined));
  return resolvedUrl;
}
