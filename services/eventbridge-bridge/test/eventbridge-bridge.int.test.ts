import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createLogger, runService, type EventEnvelope } from '@frank/kit';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from '../../../cli/test/lab-fixture.js';
import { handler } from '../src/lambda.js';
import { definition } from '../src/service.js';
import { startSqsEventPoller } from '@frank/kit/sqs-poller';
import { BRIDGE_LAB, freePort, until } from './helpers.js';

/** The bridge on moto and RabbitMQ: EventBridge → rule → SQS → bridge → frank.events. */
describe('eventbridge-bridge', () => {
  let dir: string;
  let url: string;
  let amqpUrl: string;
  let awsEndpoint: string;
  let events: EventBridgeClient;
  let sqs: SQSClient;
  let queueUrl: string;
  let connection: amqplib.ChannelModel;
  let service: Awaited<ReturnType<typeof runService>>;
  const published: EventEnvelope[] = [];

  beforeAll(async () => {
    dir = await makeLabDir(BRIDGE_LAB);
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(up.exitCode, up.stderr).toBe(0);
    const env = JSON.parse((await runFrank(dir, ['env', '--json'])).stdout) as Record<string, string>;
    amqpUrl = env.RABBITMQ_URL!;
    awsEndpoint = env.AWS_ENDPOINT_URL!;
    const clientConfig = {
      endpoint: env.AWS_ENDPOINT_URL!,
      region: env.AWS_REGION!,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    };
    events = new EventBridgeClient(clientConfig);
    sqs = new SQSClient(clientConfig);
    queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'frank-payment-webhooks' }))).QueueUrl!;

    connection = await amqplib.connect(amqpUrl);
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, 'frank.events', 'payment.webhook');
    await channel.consume(queue, (message) => message && published.push(JSON.parse(message.content.toString())), { noAck: true });

    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    service = await runService(definition, { ...env, AMQP_URL: amqpUrl, PORT: String(port) });
  });

  afterAll(async () => {
    await service?.stop();
    await connection?.close().catch(() => undefined);
    events?.destroy();
    sqs?.destroy();
    if (dir) await removeLabDir(dir);
  });

  const webhook = () => ({
    webhookId: randomUUID(),
    paymentId: randomUUID(),
    providerRef: `psp_${randomUUID()}`,
    outcome: 'succeeded' as const,
    amountCents: 4200,
  });
  const putWebhook = async (detail: object) => {
    const result = await events.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: 'frank-external', Source: 'frank.payment-provider', DetailType: 'payment.webhook', Detail: JSON.stringify(detail) }],
      }),
    );
    expect(result.FailedEntryCount ?? 0).toBe(0);
  };
  const queueDepth = async (of = queueUrl) => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: of, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  };

  it("keeps the SDKs' connections to the AWS emulator open (a new one per call was a new link in Toxiproxy each time)", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const call = () =>
      new Promise<{ reused: boolean; connection: string | undefined; status: number | undefined }>((resolve, reject) => {
        const request = http.request(
          `${awsEndpoint}/`,
          {
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
            },
          },
          (response) => {
            response.resume();
            response.on('end', () => resolve({ reused: request.reusedSocket, connection: response.headers.connection, status: response.statusCode }));
          },
        );
        request.on('error', reject);
        request.end('Action=ListQueues&Version=2012-11-05');
      });
    try {
      const first = await call();
      const second = await call();
      expect(first).toMatchObject({ reused: false, status: 200 });
      expect(first.connection).not.toBe('close');
      expect(second).toMatchObject({ reused: true, status: 200 });
    } finally {
      agent.destroy();
    }
  });

  it('answers an SDK’s retry of a call (same amz-sdk-invocation-id) with the first answer instead of doing it twice', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `retried-${randomUUID()}` }));
    const send = async (invocation: string, attempt: number) => {
      const response = await fetch(`${awsEndpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
          'amz-sdk-invocation-id': invocation,
          'amz-sdk-request': `attempt=${attempt}; max=3`,
        },
        body: new URLSearchParams({ Action: 'SendMessage', QueueUrl: QueueUrl!, MessageBody: 'once', Version: '2012-11-05' }).toString(),
      });
      expect(response.status).toBe(200);
      return /<MessageId>([^<]+)</.exec(await response.text())?.[1];
    };
    const invocation = randomUUID();
    const first = await send(invocation, 1);
    expect(first).toBeTruthy();
    // The answer was lost on the way (as when a connection drops): the SDK sends the call again.
    expect(await send(invocation, 2)).toBe(first);
    expect(await queueDepth(QueueUrl)).toBe(1);
    // Another call, even with the same body, is carried out.
    expect(await send(randomUUID(), 1)).not.toBe(first);
    expect(await queueDepth(QueueUrl)).toBe(2);
  });

  it('becomes ready once the broker is connected (it listens only after SQS answered)', async () => {
    await until(async () => (await fetch(`${url}/health/ready`)).ok, 'ready');
  });

  it('publishes a webhook put on the bus as payment.webhook with id webhook-<webhookId>, and deletes it from SQS', async () => {
    const detail = webhook();
    await putWebhook(detail);
    const envelope = await until(async () => published.find((e) => e.aggregateId === detail.paymentId), 'the bridged webhook');
    expect(envelope).toMatchObject({ id: `webhook-${detail.webhookId}`, type: 'payment.webhook', source: 'eventbridge-bridge', data: detail });
    await until(async () => (await queueDepth()) === 0, 'the SQS queue drained');
  });

  it('logs and removes malformed SQS messages, and goes on bridging', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{not json' }));
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify({ source: 'frank.payment-provider', 'detail-type': 'payment.webhook', detail: { paymentId: 'p' } }),
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ source: 'somebody.else', 'detail-type': 'x', detail: {} }) }));
    const detail = webhook();
    await putWebhook(detail);
    await until(async () => published.find((e) => e.aggregateId === detail.paymentId), 'the webhook after the poison');
    await until(async () => (await queueDepth()) === 0, 'the poison removed');
    expect(published.filter((e) => e.aggregateId === 'p')).toEqual([]);
  });

  it('runs the same handler as a Lambda: publishes the good records and reports the bad ones', async () => {
    const detail = webhook();
    const good = {
      id: 'eb-1',
      version: '0',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
      source: 'frank.payment-provider',
      'detail-type': 'payment.webhook',
      detail,
    };
    const previous = process.env.AMQP_URL;
    process.env.AMQP_URL = amqpUrl;
    try {
      const result = await handler({
        Records: [
          { messageId: 'm-good', body: JSON.stringify(good) },
          { messageId: 'm-bad', body: 'nope' },
        ],
      });
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
    } finally {
      process.env.AMQP_URL = previous;
    }
    expect(await until(async () => published.find((e) => e.aggregateId === detail.paymentId), 'the Lambda-bridged webhook')).toMatchObject({
      id: `webhook-${detail.webhookId}`,
    });
  });

  it('keeps a message whose publish was not confirmed, and deletes it once a later publish is', async () => {
    // A queue of its own, so the running bridge does not take the message first.
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `bridge-retry-${randomUUID()}` }));
    const detail = webhook();
    await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ source: 'frank.payment-provider', 'detail-type': 'payment.webhook', detail }) }),
    );
    const attempts: string[] = [];
    const poller = startSqsEventPoller(QueueUrl!, {
      sqs,
      queueName: 'bridge-retry',
      log: createLogger('bridge-test', {}, 'error'),
      waitTimeSeconds: 1,
      retryAfterSeconds: 3, // long enough for the depth check below to see the kept message before the retry deletes it
      handle: async (event) => {
        attempts.push((event.detail as { webhookId: string }).webhookId);
        if (attempts.length === 1) throw new Error('broker did not confirm');
      },
    });
    try {
      await until(async () => attempts.length === 1, 'the first attempt');
      expect(await queueDepth(QueueUrl)).toBe(1);
      await until(async () => attempts.length === 2 && (await queueDepth(QueueUrl)) === 0, 'the retry and the delete');
      expect(attempts).toEqual([detail.webhookId, detail.webhookId]);
    } finally {
      await poller.stop();
    }
  });
});
