import { randomUUID } from 'node:crypto';
import { newEnvelope, runService, type EventEnvelope } from '@frank/kit';
import amqplib from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from '../../../cli/test/lab-fixture.js';
import { definition as bridgeDefinition } from '../../eventbridge-bridge/src/service.js';
import { definition as providerDefinition } from '../../payment-provider/src/service.js';
import { definition as paymentDefinition } from '../src/service.js';
import { PAYMENT_LAB, freePort, migratePayment, until } from './lab.js';

type Running = Awaited<ReturnType<typeof runService>>;

// Room for the whole webhook chain (provider, EventBridge, SQS, bridge, broker) on a busy machine.
const TIMEOUT_MS = 4000;

/**
 * The whole webhook chain on real servers: payment → provider (HTTP) → EventBridge PutEvents on
 * moto → rule → SQS → eventbridge-bridge → RabbitMQ → payment. The test plays order and inventory
 * by publishing their events, and reads payment's database and the events it publishes.
 */
describe('payment, payment-provider and eventbridge-bridge together', () => {
  let dir: string;
  let db: pg.Pool;
  let connection: amqplib.ChannelModel;
  let channel: amqplib.ConfirmChannel;
  let providerUrl: string;
  let paymentUrl: string;
  let providerEnv: NodeJS.ProcessEnv;
  const services: Running[] = [];
  const seen: EventEnvelope[] = [];

  beforeAll(async () => {
    dir = await makeLabDir(PAYMENT_LAB);
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(up.exitCode, up.stderr).toBe(0);
    const env = JSON.parse((await runFrank(dir, ['env', '--json'])).stdout) as Record<string, string>;
    const databaseUrl = env.PAYMENT_SERVICE_DATABASE_URL!;
    await migratePayment(databaseUrl);
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    const aws = {
      AWS_ENDPOINT_URL: env.AWS_ENDPOINT_URL!,
      AWS_REGION: env.AWS_REGION!,
      AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID!,
      AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY!,
    };

    // What order, inventory and the other consumers would see of payment's events.
    connection = await amqplib.connect(env.RABBITMQ_URL!);
    channel = await connection.createConfirmChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, 'frank.events', 'payment.#');
    await channel.consume(queue, (message) => message && seen.push(JSON.parse(message.content.toString())), { noAck: true });

    const [providerPort, bridgePort, paymentPort] = [await freePort(), await freePort(), await freePort()];
    providerUrl = `http://127.0.0.1:${providerPort}`;
    paymentUrl = `http://127.0.0.1:${paymentPort}`;
    providerEnv = { ...aws, PORT: String(providerPort), PROVIDER_LATENCY_MS: '20', PROVIDER_LATE_WEBHOOK_DELAY_MS: String(TIMEOUT_MS * 2) };
    services.push(await runService(providerDefinition, providerEnv));
    services.push(await runService(bridgeDefinition, { ...aws, AMQP_URL: env.RABBITMQ_URL!, PORT: String(bridgePort) }));
    services.push(
      await runService(paymentDefinition, {
        DATABASE_URL: databaseUrl,
        AMQP_URL: env.RABBITMQ_URL!,
        PORT: String(paymentPort),
        PAYMENT_PROVIDER_URL: providerUrl,
        PAYMENT_TIMEOUT_MS: String(TIMEOUT_MS),
      }),
    );
    for (const url of [providerUrl, `http://127.0.0.1:${bridgePort}`, paymentUrl])
      await until(async () => (await fetch(`${url}/health/ready`)).ok, `${url} ready`);
  });

  afterAll(async () => {
    for (const service of services.reverse()) await service.stop();
    await connection?.close().catch(() => undefined);
    await db?.end();
    if (dir) await removeLabDir(dir);
  });

  const publish = async (envelope: EventEnvelope) => {
    channel.publish('frank.events', envelope.type, Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId: envelope.id });
    await channel.waitForConfirms();
  };

  const behave = async (behaviour: Record<string, number>) => {
    expect((await fetch(`${providerUrl}/admin/behaviour/reset`, { method: 'POST' })).ok).toBe(true);
    const answer = await fetch(`${providerUrl}/admin/behaviour`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(behaviour),
    });
    expect(answer.status).toBe(200);
  };

  /** Plays order-service and inventory: order.created, then inventory.reserved caused by it. */
  const placeOrder = async (totalCents: number) => {
    const orderId = randomUUID();
    const sagaId = randomUUID();
    const created = newEnvelope({
      type: 'order.created',
      source: 'order',
      aggregateId: orderId,
      sagaId,
      data: {
        orderId,
        userId: 'user-1',
        customer: { email: 'a@frank.lab', name: 'A', phone: '+100' },
        items: [{ sku: 'SKU-1', qty: 2, priceCents: totalCents / 2 }],
        totalCents,
        currency: 'EUR',
      },
    });
    await publish(created);
    await publish(
      newEnvelope({
        type: 'inventory.reserved',
        source: 'inventory',
        aggregateId: orderId,
        causedBy: created,
        data: { orderId, reservationId: randomUUID(), items: [{ sku: 'SKU-1', qty: 2 }] },
      }),
    );
    return { orderId, sagaId };
  };

  const eventsOf = (orderId: string, type: string) =>
    seen.filter((e) => e.type === type && (e.aggregateId === orderId || (e.data as { orderId?: string }).orderId === orderId));
  const eventOf = (orderId: string, type: string, timeoutMs?: number) => until(async () => eventsOf(orderId, type)[0], `${type} of ${orderId}`, timeoutMs);

  const stateOf = async (orderId: string) => {
    const { rows } = await db.query(
      `SELECT p.id, p.status, p.failure_reason AS "failureReason", p.amount_cents AS "amountCents",
              (SELECT count(*)::int FROM payment_domain.captures c WHERE c.payment_id = p.id) AS captures,
              (SELECT COALESCE(sum(c.amount_cents), 0)::int FROM payment_domain.captures c WHERE c.payment_id = p.id) AS captured,
              (SELECT COALESCE(sum(r.amount_cents), 0)::int FROM payment_domain.refunds r WHERE r.payment_id = p.id) AS refunded
       FROM payment_domain.payments p WHERE p.order_id = $1`,
      [orderId],
    );
    return rows[0] as { id: string; status: string; failureReason: string | null; amountCents: number; captures: number; captured: number; refunded: number };
  };

  it('captures a successful payment once and publishes payment.completed, the webhook having come through EventBridge, SQS and the bridge', async () => {
    await behave({});
    const { orderId, sagaId } = await placeOrder(4200);
    const completed = await eventOf(orderId, 'payment.completed');
    const state = await stateOf(orderId);
    expect(state).toMatchObject({ status: 'CAPTURED', captures: 1, captured: 4200, refunded: 0 });
    expect(completed).toMatchObject({
      source: 'payment',
      aggregateId: orderId,
      sagaId,
      data: { orderId, paymentId: state.id, amountCents: 4200, providerRef: expect.stringMatching(/^psp_/) },
    });
    const [webhook] = seen.filter((e) => e.type === 'payment.webhook' && (e.data as { paymentId: string }).paymentId === state.id);
    expect(webhook).toMatchObject({
      id: expect.stringMatching(/^webhook-/),
      source: 'eventbridge-bridge',
      aggregateId: state.id,
      data: { outcome: 'succeeded', amountCents: 4200 },
    });
    expect(completed.causationId).toBe(webhook!.id);

    const view = await (await fetch(`${paymentUrl}/payments/${orderId}`)).json();
    expect(view).toMatchObject({
      orderId,
      paymentId: state.id,
      status: 'CAPTURED',
      captures: [{ amountCents: 4200, webhookId: (webhook!.data as { webhookId: string }).webhookId }],
      refunds: [],
    });
  });

  it('fails a declined payment with payment.failed {declined}', async () => {
    await behave({ declineRate: 1 });
    const { orderId } = await placeOrder(1000);
    const failed = await eventOf(orderId, 'payment.failed');
    expect(failed.data).toMatchObject({ orderId, reason: 'declined' });
    expect(await stateOf(orderId)).toMatchObject({ status: 'FAILED', failureReason: 'declined', captures: 0, refunded: 0 });
  });

  it('fails a payment at its deadline, then refunds the late success: captured minus refunded is 0', async () => {
    await behave({ timeoutRate: 1, lateWebhookDelayMs: TIMEOUT_MS * 2 });
    const { orderId } = await placeOrder(2500);
    const failed = await eventOf(orderId, 'payment.failed');
    expect(failed.data).toMatchObject({ orderId, reason: 'timeout' });
    expect(eventsOf(orderId, 'payment.refunded')).toEqual([]);
    const refunded = await eventOf(orderId, 'payment.refunded', TIMEOUT_MS * 10);
    expect(refunded.data).toMatchObject({ orderId, amountCents: 2500, refundId: expect.stringMatching(/^re_/), reason: 'late-success' });
    const state = await stateOf(orderId);
    expect(state).toMatchObject({ status: 'REFUNDED', failureReason: 'timeout', captures: 1, captured: 2500, refunded: 2500 });
    expect(state.captured - state.refunded).toBe(0);
    expect(eventsOf(orderId, 'payment.completed')).toEqual([]);
  });

  it('captures once for a webhook sent twice, and once for a second success under a new webhook id', async () => {
    await behave({ duplicateWebhookRate: 1 });
    const { orderId } = await placeOrder(3000);
    await eventOf(orderId, 'payment.completed');
    const { id: paymentId } = await stateOf(orderId);
    const webhooks = await until(async () => {
      const found = seen.filter((e) => e.type === 'payment.webhook' && (e.data as { paymentId: string }).paymentId === paymentId);
      return found.length === 2 && found;
    }, 'the duplicate webhook');
    expect(webhooks[0]!.id).toBe(webhooks[1]!.id);

    // The same success again under another webhook id: the state machine absorbs it.
    const again = { ...webhooks[0]!, id: `webhook-${randomUUID()}`, data: { ...(webhooks[0]!.data as object), webhookId: randomUUID() } };
    await publish(again);
    await until(async () => (await db.query('SELECT 1 FROM saga_coord.inbox WHERE message_id = $1', [again.id])).rowCount === 1, 'the second success handled');
    await until(
      async () => (await db.query('SELECT 1 FROM saga_coord.inbox WHERE message_id = $1', [webhooks[0]!.id])).rowCount === 1,
      'the first success handled',
    );
    // The duplicate delivery with the first id arrives before or after; give it its moment.
    await new Promise((r) => setTimeout(r, 500));
    expect(await stateOf(orderId)).toMatchObject({ status: 'CAPTURED', captures: 1, captured: 3000, refunded: 0 });
    expect(eventsOf(orderId, 'payment.completed')).toHaveLength(1);
    expect(eventsOf(orderId, 'payment.failed')).toEqual([]);
  });

  it('fails with reason provider-error when the provider cannot be reached until the deadline', async () => {
    const provider = services[0]!;
    await provider.stop();
    try {
      const { orderId } = await placeOrder(500);
      expect((await eventOf(orderId, 'payment.failed')).data).toMatchObject({ orderId, reason: 'provider-error' });
      expect(await stateOf(orderId)).toMatchObject({ status: 'FAILED', failureReason: 'provider-error', captures: 0 });
    } finally {
      services[0] = await runService(providerDefinition, providerEnv);
    }
  });

  it('dead-letters an inventory.reserved that does not fit and goes on; answers 404 JSON for an unknown order', async () => {
    const orderId = randomUUID();
    await publish(newEnvelope({ type: 'inventory.reserved', source: 'inventory', aggregateId: orderId, data: { reservationId: 'r' } }));
    const admin = await connection.createChannel();
    await until(async () => (await admin.checkQueue('payment.saga.dlq')).messageCount >= 1, 'the dead-lettered message');
    await admin.close();
    await behave({});
    const { orderId: next } = await placeOrder(800);
    await eventOf(next, 'payment.completed');

    const missing = await fetch(`${paymentUrl}/payments/${orderId}`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not-found', field: 'orderId' } });
    expect((await db.query('SELECT count(*)::int AS n FROM payment_domain.payments WHERE order_id = $1', [orderId])).rows[0].n).toBe(0);
  });

  it('leaves every outbox row dispatched at rest', async () => {
    await until(
      async () => (await db.query('SELECT count(*)::int AS n FROM saga_coord.outbox WHERE dispatched_at IS NULL')).rows[0].n === 0,
      'the outbox drained',
    );
  });
});
