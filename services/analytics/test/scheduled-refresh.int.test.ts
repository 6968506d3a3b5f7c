import { ListRulesCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { deadLetterQueueOf, runService } from '@frank/kit';
import amqplib from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, freePort, migrate, startLab, tapEvents, until, type EventTap, type TestLab } from '../../../cli/test/service-lab.js';
import { scheduledEvent } from '../../eventbridge-bridge/src/schedule-firer.js';
import { definition as bridgeDefinition } from '../../eventbridge-bridge/src/service.js';
import { definition, QUEUE } from '../src/service.js';

const RULE = 'analytics-cube-refresh';
const AWS_EVENTS = 'frank-aws-events';

const LAB = `version: 1
resources:
  analytics-db:
    kind: postgres
    port: 5438
    databases:
      analytics_service: [analytics_domain, saga_coord, event_store, saga_report]
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
  aws:
    kind: aws
    port: 4566
    buses: [frank-external]
    queues: [frank-payment-webhooks, ${AWS_EVENTS}]
    rules:
      ${RULE}:
        schedule: rate(1 minute)
        target: ${AWS_EVENTS}
`;

/** The scheduled rule end to end: emulator rule → the bridge's firer → SQS → bridge → frank.events → analytics' cubes. */
describe('the scheduled cube refresh', () => {
  let lab: TestLab | undefined;
  let db: pg.Pool;
  let tap: EventTap;
  let sqs: SQSClient;
  let queueUrl: string;
  let ruleArn: string;
  const services: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    lab = await startLab(LAB);
    const env = lab.env;
    const databaseUrl = env.ANALYTICS_SERVICE_DATABASE_URL!;
    await migrate(databaseUrl, 'analytics');
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    tap = await tapEvents(env.RABBITMQ_URL!, 'scheduled-refresh-test.tap');
    const aws = {
      endpoint: env.AWS_ENDPOINT_URL!,
      region: env.AWS_REGION!,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    };
    sqs = new SQSClient(aws);
    queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: AWS_EVENTS }))).QueueUrl!;
    const events = new EventBridgeClient(aws);
    ruleArn = (await events.send(new ListRulesCommand({ NamePrefix: RULE }))).Rules![0]!.Arn!;
    events.destroy();
    // Event-driven refreshes 10 minutes apart: after the one at start, only the schedule refreshes the cubes.
    const analyticsPort = await freePort();
    services.push(
      await runService(definition, {
        PORT: String(analyticsPort),
        DATABASE_URL: databaseUrl,
        AMQP_URL: env.RABBITMQ_URL!,
        ANALYTICS_REFRESH_INTERVAL_MS: '600000',
      }),
    );
    await until(
      async () => ((await (await fetch(`http://127.0.0.1:${analyticsPort}/reports/summary`)).json()) as { cubesRefreshedAt: string | null }).cubesRefreshedAt,
    );
    services.push(await runService(bridgeDefinition, { ...env, AMQP_URL: env.RABBITMQ_URL!, PORT: String(await freePort()), AWS_EVENTS_QUEUE: AWS_EVENTS }));
  });

  afterAll(async () => {
    for (const service of services.reverse()) await service.stop();
    await tap?.close();
    await db?.end();
    sqs?.destroy();
    await lab?.stop();
  });

  const cubeRevenue = async () =>
    Number((await db.query("SELECT COALESCE(sum(revenue_cents), 0) AS r FROM analytics_domain.monthly_sales_cube WHERE sku = '*'")).rows[0].r);
  const refreshes = async (eventId: string) =>
    (await db.query<{ refreshed_at: Date }>('SELECT refreshed_at FROM analytics_domain.scheduled_refreshes WHERE event_id = $1', [eventId])).rows;
  const firedSeen = (id: string) => tap.seen.filter((e) => e.type === 'schedule.fired' && e.id === id);
  const queueDepth = async () => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  };
  const send = (body: object | string) =>
    sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: typeof body === 'string' ? body : JSON.stringify(body) }));

  it('fires the rule on its minute, and the refresh puts an order loaded since into the cubes', async () => {
    const orderId = 'o-scheduled';
    const saga = [
      envelope('order.created', orderId, {
        orderId,
        userId: 'u-1',
        customer: { email: 'u-1@frank.lab', name: 'U 1', phone: null },
        items: [{ sku: 'SKU-A', qty: 2, priceCents: 1250 }],
        totalCents: 2500,
        currency: 'EUR',
      }),
      envelope('payment.completed', orderId, { orderId, paymentId: 'p-1', amountCents: 2500, providerRef: 'x' }),
    ];
    for (const event of saga) await tap.publish(event);
    await until(
      async () => (await db.query('SELECT 1 FROM analytics_domain.sales_fact WHERE order_id = $1', [orderId])).rowCount === 1,
      20_000,
      'the sale loaded',
    );
    expect(await cubeRevenue()).toBe(0);

    const [fired] = await until(
      async () => {
        const { rows } = await db.query('SELECT * FROM analytics_domain.scheduled_refreshes WHERE rule = $1 ORDER BY scheduled_at', [RULE]);
        return rows.length > 0 && rows;
      },
      75_000,
      'the scheduled rule to fire (rate(1 minute))',
    );
    const scheduledAt = (fired.scheduled_at as Date).toISOString();
    expect(scheduledAt).toMatch(/:00\.000Z$/);
    expect(fired.event_id).toBe(`schedule-${RULE}-${scheduledAt}`);
    expect(fired.eventbridge_id).toBe(scheduledEvent(ruleArn, new Date(scheduledAt)).id);
    expect(await cubeRevenue()).toBe(2500);
    expect(firedSeen(fired.event_id)[0]).toMatchObject({ source: 'eventbridge-bridge', aggregateId: RULE, data: { rule: RULE, ruleArn, scheduledAt } });
    const views = await db.query('SELECT rule, event_id FROM saga_report.cube_refreshes WHERE event_id = $1', [fired.event_id]);
    expect(views.rows).toEqual([{ rule: RULE, event_id: fired.event_id }]);
    console.log(`scheduled refresh ${scheduledAt}: done ${(fired.refreshed_at as Date).getTime() - new Date(scheduledAt).getTime()} ms after its due time`);
  });

  it('refreshes once for a firing delivered twice (SQS redelivery, a second firer)', async () => {
    const at = new Date('2026-01-01T03:00:00Z');
    const event = scheduledEvent(ruleArn, at);
    const id = `schedule-${RULE}-${at.toISOString()}`;
    await send(event);
    await send({ ...event, id: 'b9d1c8c2-0000-4000-8000-000000000001' });
    await until(async () => firedSeen(id).length === 2, 20_000, 'both deliveries bridged');
    await until(async () => (await refreshes(id)).length === 1, 20_000, 'the refresh');
    const connection = await amqplib.connect(lab!.env.RABBITMQ_URL!);
    try {
      const channel = await connection.createChannel();
      await until(async () => (await channel.checkQueue(QUEUE)).messageCount === 0, 20_000, 'analytics to take both');
    } finally {
      await connection.close();
    }
    await until(async () => (await db.query('SELECT 1 FROM saga_coord.inbox WHERE message_id = $1', [id])).rowCount === 1, 20_000, 'the inbox entry');
    await new Promise((r) => setTimeout(r, 500));
    expect(await refreshes(id)).toHaveLength(1);
  });

  it('removes a malformed Scheduled Event at the bridge and dead-letters a malformed schedule.fired at analytics, and goes on', async () => {
    const good = scheduledEvent(ruleArn, new Date('2026-01-02T03:00:00Z'));
    await send({ ...scheduledEvent(ruleArn, new Date('2026-01-03T03:00:00Z')), resources: [] });
    await send('{"source": "aws.events", "detail-type": "Scheduled Event"');
    await send(good);
    const goodId = `schedule-${RULE}-2026-01-02T03:00:00.000Z`;
    await until(async () => (await refreshes(goodId)).length === 1, 20_000, 'the good firing after the poison');
    await until(async () => (await queueDepth()) === 0, 20_000, 'the poison removed from SQS');
    expect(tap.seen.filter((e) => e.type === 'schedule.fired' && String(e.id).includes('2026-01-03'))).toEqual([]);

    const connection = await amqplib.connect(lab!.env.RABBITMQ_URL!);
    try {
      const channel = await connection.createConfirmChannel();
      const before = (await channel.checkQueue(deadLetterQueueOf(QUEUE))).messageCount;
      const bad = envelope('schedule.fired', RULE, { rule: RULE, scheduledAt: 'nightly', eventBridgeId: 'x' });
      channel.publish('frank.events', 'schedule.fired', Buffer.from(JSON.stringify(bad)), { persistent: true, messageId: bad.id });
      await channel.waitForConfirms();
      await until(async () => (await channel.checkQueue(deadLetterQueueOf(QUEUE))).messageCount === before + 1, 20_000, 'the bad schedule.fired dead-lettered');
      expect(await refreshes(bad.id)).toEqual([]);
    } finally {
      await connection.close();
    }
  });
});
