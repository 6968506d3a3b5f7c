import { runService } from '@frank/kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeLabDir } from '../../../cli/test/lab-fixture.js';
import { seed } from '../src/seed.js';
import { definition } from '../src/service.js';
import { envelope, freePort, migrate, startLab, tapEvents, until, type EventTap } from '../../../cli/test/service-lab.js';

const LAB = `version: 1
resources:
  notification-db:
    kind: postgres
    port: 5437
    databases:
      notification_service: [notification_domain, saga_coord, event_store]
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
`;

describe('notification against real PostgreSQL and RabbitMQ', () => {
  let dir: string | undefined;
  let db: pg.Pool;
  let tap: EventTap;
  let service: { stop(): Promise<void> } | undefined;
  let base: string;

  beforeAll(async () => {
    const lab = await startLab(LAB);
    dir = lab.dir;
    const databaseUrl = lab.env.NOTIFICATION_SERVICE_DATABASE_URL!;
    await migrate(databaseUrl, 'notification');
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    const client = await db.connect();
    await seed(client, { seed: 1, secrets: { jwtSecret: 'unused' } });
    client.release();
    tap = await tapEvents(lab.env.RABBITMQ_URL!, 'notification-test.tap');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = await runService(definition, {
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      AMQP_URL: lab.env.RABBITMQ_URL!,
      CHANNEL_FAILURE_RATE: '0',
      NOTIFICATION_MAX_ATTEMPTS: '3',
      // Long enough that the test can change the channel between two attempts.
      NOTIFICATION_BACKOFF_MS: '1000',
      // No poll within a test: a delivery is sent because its commit woke the worker, a retry
      // because it fell due.
      NOTIFICATION_POLL_MS: '600000',
    });
    await until(async () => (await fetch(`${base}/health/ready`)).ok);
  });

  afterAll(async () => {
    await service?.stop();
    await tap?.close();
    await db?.end();
    if (dir) await removeLabDir(dir);
  });

  const setChannels = async (body: unknown) =>
    fetch(`${base}/admin/channels`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const deliveriesOf = async (orderId: string) =>
    (await (await fetch(`${base}/deliveries?orderId=${orderId}`)).json()) as {
      id: string;
      status: string;
      attempts: number;
      channel: string;
      subject: string | null;
      body: string;
      lastError: string | null;
    }[];
  const outcomesOf = (orderId: string) => tap.seen.filter((e) => e.source === 'notification' && e.aggregateId === orderId);
  const placeOrder = async (orderId: string, customer: Record<string, unknown> = { email: `${orderId}@frank.lab`, name: 'Ada', phone: '+49 1' }) => {
    await tap.publish(
      envelope('order.created', orderId, {
        orderId,
        userId: 'u-1',
        customer,
        items: [{ sku: 'SKU-1', qty: 2, priceCents: 1250 }],
        totalCents: 2500,
        currency: 'EUR',
      }),
    );
    const paid = envelope('payment.completed', orderId, { orderId, paymentId: `p-${orderId}`, amountCents: 2500, providerRef: 'ref' });
    await tap.publish(paid);
    return paid;
  };

  it('serves the seeded templates, and seeding again changes nothing', async () => {
    const before = (await (await fetch(`${base}/templates`)).json()) as { name: string; channel: string; updatedAt: string }[];
    expect(before.map((t) => `${t.name}/${t.channel}`)).toEqual(['order-cancelled/email', 'order-confirmed/email', 'order-confirmed/sms']);
    const client = await db.connect();
    await seed(client, { seed: 1, secrets: { jwtSecret: 'unused' } });
    client.release();
    expect(await (await fetch(`${base}/templates`)).json()).toEqual(before);
  });

  it('renders and sends the confirmation once, even when payment.completed is delivered again', async () => {
    const paid = await placeOrder('o-once');
    await tap.publish(paid); // the same message again
    await tap.publish({ ...envelope('payment.completed', 'o-once', paid.data), id: 'another-message-id' }); // same order, new id
    const [notified] = await until(async () => outcomesOf('o-once').length > 0 && outcomesOf('o-once'));
    await new Promise((r) => setTimeout(r, 1500));
    expect(outcomesOf('o-once')).toHaveLength(1);
    expect(notified).toMatchObject({ type: 'customer.notified', sagaId: 'saga-o-once', data: { orderId: 'o-once', channel: 'email', attempts: 1 } });
    // Whichever of the two payment.completed messages was handled first caused it.
    expect([paid.id, 'another-message-id']).toContain(notified!.causationId);
    const deliveries = await deliveriesOf('o-once');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      id: notified!.data.deliveryId,
      status: 'SENT',
      attempts: 1,
      channel: 'email',
      subject: 'Your order o-once is confirmed',
    });
    expect(deliveries[0]!.body).toContain('Hello Ada');
    expect(deliveries[0]!.body).toContain('25.00 EUR');
  });

  it('texts a customer without an email address', async () => {
    await placeOrder('o-sms', { email: null, name: 'Bo', phone: '+49 2' });
    await until(async () => outcomesOf('o-sms').length > 0);
    const [delivery] = await deliveriesOf('o-sms');
    expect(delivery).toMatchObject({ channel: 'sms', status: 'SENT', subject: null });
    expect(delivery!.body).toContain('Thank you, Bo');
  });

  it('retries a failing channel with backoff and succeeds once it recovers', async () => {
    expect((await setChannels({ failureRate: 1 })).status).toBe(200);
    await placeOrder('o-retry');
    await until(async () => (await deliveriesOf('o-retry'))[0]?.attempts === 1);
    expect((await setChannels({ failureRate: 0 })).status).toBe(200);
    const [notified] = await until(async () => outcomesOf('o-retry').length > 0 && outcomesOf('o-retry'));
    const [delivery] = await deliveriesOf('o-retry');
    expect(delivery).toMatchObject({ status: 'SENT', lastError: null });
    expect(delivery!.attempts).toBeGreaterThanOrEqual(2);
    expect(notified).toMatchObject({ type: 'customer.notified', data: { attempts: delivery!.attempts } });
  });

  it('gives up after NOTIFICATION_MAX_ATTEMPTS with notification.failed, and compensates nothing', async () => {
    await setChannels({ failureRate: 1 });
    try {
      await placeOrder('o-fail');
      const [failed] = await until(async () => outcomesOf('o-fail').length > 0 && outcomesOf('o-fail'), 30_000);
      expect(failed).toMatchObject({
        type: 'notification.failed',
        data: { orderId: 'o-fail', channel: 'email', attempts: 3, reason: 'simulated email channel failure' },
      });
      const [delivery] = await deliveriesOf('o-fail');
      expect(delivery).toMatchObject({ status: 'FAILED', attempts: 3 });
      await new Promise((r) => setTimeout(r, 1000));
      // The one and only event about this order: no refund, release or cancellation is asked for.
      expect(outcomesOf('o-fail').map((e) => e.type)).toEqual(['notification.failed']);
      const outbox = await db.query("SELECT event_type FROM saga_coord.outbox WHERE aggregate_id = 'o-fail'");
      expect(outbox.rows).toEqual([{ event_type: 'notification.failed' }]);
    } finally {
      await setChannels({ failureRate: 0 });
    }
  });

  it('refuses bad channel settings with a 400 naming the field, and keeps the old ones', async () => {
    const before = await (await fetch(`${base}/admin/channels`)).json();
    for (const [body, field] of [
      [{ failureRate: 1.5 }, 'failureRate'],
      [{ failureRate: 'often' }, 'failureRate'],
      [{ latencyMs: -1 }, 'latencyMs'],
      [{ failureRate: 0.5, colour: 'red' }, '(body)'],
    ] as const) {
      const response = await setChannels(body);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { error: { code: string; field: string; message: string } };
      expect(answer.error).toMatchObject({ code: 'validation-failed', field });
    }
    expect(await (await fetch(`${base}/admin/channels`)).json()).toEqual(before);
  });
});
