import { DescribeArchiveCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { deadLetterQueueOf, runService } from '@frank/kit';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeLabDir } from '../../../cli/test/lab-fixture.js';
import { createEventBridgeClient, putEventsWith } from '../src/event-bridge-put-events.js';
import { createLambdaHandler } from '../src/lambda.js';
import { QUEUE } from '../src/outcome-queue.js';
import { definition } from '../src/service.js';
import { envelope, freePort, startLab, tapEvents, until, type EventTap } from '../../../cli/test/service-lab.js';

// The aws block of the repository's frank.yaml: the buses and the archive of order outcomes.
const LAB = `version: 1
resources:
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
  aws:
    kind: aws
    port: 4566
    emulator: moto
    region: us-east-1
    buses: [frank-external, frank-internal]
    queues: [frank-payment-webhooks]
    rules:
      payment-webhooks:
        bus: frank-external
        pattern: { source: [frank.payment-provider], detail-type: [payment.webhook] }
        target: frank-payment-webhooks
    archives:
      order-outcomes:
        bus: frank-internal
        pattern: { detail-type: [order.confirmed, order.cancelled] }
        retentionDays: 14
`;

/** The test's own window on frank-internal: a rule sending every event there to a queue (an archive cannot be read back, only replayed). */
const WINDOW = 'rabbitmq-bridge-test-window';

interface ForwardedEvent {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
}

describe('rabbitmq-bridge against real RabbitMQ and the AWS emulator', () => {
  let dir: string | undefined;
  let amqpUrl: string;
  let tap: EventTap;
  let sqs: SQSClient;
  let events: EventBridgeClient;
  let windowUrl: string;
  let service: { stop(): Promise<void> } | undefined;
  let base: string;
  let aws: Record<'AWS_ENDPOINT_URL' | 'AWS_REGION' | 'AWS_ACCESS_KEY_ID' | 'AWS_SECRET_ACCESS_KEY', string>;
  const forwarded: ForwardedEvent[] = [];

  beforeAll(async () => {
    const lab = await startLab(LAB);
    dir = lab.dir;
    amqpUrl = lab.env.RABBITMQ_URL!;
    aws = {
      AWS_ENDPOINT_URL: lab.env.AWS_ENDPOINT_URL!,
      AWS_REGION: lab.env.AWS_REGION!,
      AWS_ACCESS_KEY_ID: lab.env.AWS_ACCESS_KEY_ID!,
      AWS_SECRET_ACCESS_KEY: lab.env.AWS_SECRET_ACCESS_KEY!,
    };
    sqs = new SQSClient({
      endpoint: aws.AWS_ENDPOINT_URL,
      region: aws.AWS_REGION,
      credentials: { accessKeyId: aws.AWS_ACCESS_KEY_ID, secretAccessKey: aws.AWS_SECRET_ACCESS_KEY },
    });
    events = new EventBridgeClient({
      endpoint: aws.AWS_ENDPOINT_URL,
      region: aws.AWS_REGION,
      credentials: { accessKeyId: aws.AWS_ACCESS_KEY_ID, secretAccessKey: aws.AWS_SECRET_ACCESS_KEY },
    });
    windowUrl = (await sqs.send(new CreateQueueCommand({ QueueName: WINDOW }))).QueueUrl!;
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: windowUrl, AttributeNames: ['QueueArn'] }));
    await events.send(new PutRuleCommand({ Name: WINDOW, EventBusName: 'frank-internal', EventPattern: JSON.stringify({ source: ['frank.order'] }) }));
    await events.send(new PutTargetsCommand({ Rule: WINDOW, EventBusName: 'frank-internal', Targets: [{ Id: WINDOW, Arn: Attributes!.QueueArn! }] }));
    tap = await tapEvents(amqpUrl, 'rabbitmq-bridge-test.tap');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = await runService(definition, { PORT: String(port), AMQP_URL: amqpUrl, ...aws });
    await until(async () => (await fetch(`${base}/health/ready`)).ok);
  });

  afterAll(async () => {
    await service?.stop();
    await tap?.close();
    sqs?.destroy();
    events?.destroy();
    if (dir) await removeLabDir(dir);
  });

  /** Drains the test's window queue into `forwarded` until `probe` is satisfied. */
  const forwardedUntil = async (probe: (events: ForwardedEvent[]) => boolean) =>
    until(async () => {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: windowUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      for (const m of Messages) {
        forwarded.push(JSON.parse(m.Body!) as ForwardedEvent);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: windowUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
      return probe(forwarded);
    }, 30_000);
  const archivedCount = async () => (await events.send(new DescribeArchiveCommand({ ArchiveName: 'order-outcomes' }))).EventCount ?? 0;
  const withEventId = (id: string) => (events: ForwardedEvent[]) => events.filter((e) => e.detail.eventId === id);

  it('is ready once the broker is connected', async () => {
    expect(await (await fetch(`${base}/health/ready`)).json()).toMatchObject({ status: 'ready', service: 'rabbitmq-bridge' });
  });

  it('forwards order.confirmed and order.cancelled to frank-internal, where the archive order-outcomes keeps them', async () => {
    const archivedBefore = await archivedCount();
    const confirmed = envelope('order.confirmed', 'o-1', { orderId: 'o-1', userId: 'u-1', totalCents: 2999 });
    const cancelled = envelope('order.cancelled', 'o-2', { orderId: 'o-2', userId: 'u-1', reason: 'declined' });
    await tap.publish(confirmed);
    await tap.publish(cancelled);
    await forwardedUntil((events) => withEventId(confirmed.id)(events).length > 0 && withEventId(cancelled.id)(events).length > 0);
    expect(withEventId(confirmed.id)(forwarded)[0]).toMatchObject({
      source: 'frank.order',
      'detail-type': 'order.confirmed',
      detail: { orderId: 'o-1', userId: 'u-1', totalCents: 2999, sagaId: 'saga-o-1', eventId: confirmed.id },
    });
    expect(withEventId(cancelled.id)(forwarded)[0]).toMatchObject({ 'detail-type': 'order.cancelled', detail: { orderId: 'o-2', reason: 'declined' } });
    // moto archives as it puts: by the time the window has both, the archive holds both.
    expect(await archivedCount()).toBe(archivedBefore + 2);
  });

  it('dead-letters a message that is not an envelope and goes on forwarding', async () => {
    const connection = await amqplib.connect(amqpUrl);
    try {
      const channel = await connection.createConfirmChannel();
      channel.publish('frank.events', 'order.confirmed', Buffer.from('{not json'));
      await channel.waitForConfirms();
      await until(async () => (await channel.checkQueue(deadLetterQueueOf(QUEUE))).messageCount === 1);
    } finally {
      await connection.close();
    }
    const after = envelope('order.confirmed', 'o-3', { orderId: 'o-3', userId: 'u-1', totalCents: 1 });
    await tap.publish(after);
    await forwardedUntil((events) => withEventId(after.id)(events).length > 0);
  });

  it('does the same as a Lambda fed by an Amazon MQ event source', async () => {
    const client = createEventBridgeClient({
      endpoint: aws.AWS_ENDPOINT_URL,
      region: aws.AWS_REGION,
      accessKeyId: aws.AWS_ACCESS_KEY_ID,
      secretAccessKey: aws.AWS_SECRET_ACCESS_KEY,
    });
    try {
      const handler = createLambdaHandler(() => ({ putEvents: putEventsWith(client) }));
      const confirmed = envelope('order.confirmed', 'o-4', { orderId: 'o-4', userId: 'u-2', totalCents: 500 });
      const archivedBefore = await archivedCount();
      const result = await handler({
        eventSource: 'aws:rmq',
        rmqMessagesByQueue: { 'rabbitmq-bridge.outcomes::/': [{ data: Buffer.from(JSON.stringify(confirmed)).toString('base64') }] },
      });
      expect(result).toEqual({ forwarded: 1, skipped: 0 });
      await forwardedUntil((events) => withEventId(confirmed.id)(events).length > 0);
      expect(await archivedCount()).toBe(archivedBefore + 1);
    } finally {
      client.destroy();
    }
  });
});
