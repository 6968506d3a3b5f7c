import { randomUUID } from 'node:crypto';
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { runService } from '@frank/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from '../../../cli/test/lab-fixture.js';
import { definition } from '../src/service.js';
import { AWS_LAB, freePort } from './helpers.js';

interface Detail {
  webhookId: string;
  paymentId: string;
  providerRef: string;
  outcome: string;
  amountCents: number;
}

/** The simulated PSP against moto: its webhooks reach the SQS queue through the bus and the rule. */
describe('payment-provider', () => {
  let dir: string;
  let url: string;
  let sqs: SQSClient;
  let queueUrl: string;
  let service: Awaited<ReturnType<typeof runService>>;
  const received: { detail: Detail; source: string; 'detail-type': string }[] = [];

  beforeAll(async () => {
    dir = await makeLabDir(AWS_LAB);
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(up.exitCode, up.stderr).toBe(0);
    const env = JSON.parse((await runFrank(dir, ['env', '--json'])).stdout) as Record<string, string>;
    const aws = {
      AWS_ENDPOINT_URL: env.AWS_ENDPOINT_URL!,
      AWS_REGION: env.AWS_REGION!,
      AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID!,
      AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY!,
    };
    sqs = new SQSClient({
      endpoint: aws.AWS_ENDPOINT_URL,
      region: aws.AWS_REGION,
      credentials: { accessKeyId: aws.AWS_ACCESS_KEY_ID, secretAccessKey: aws.AWS_SECRET_ACCESS_KEY },
    });
    queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'frank-payment-webhooks' }))).QueueUrl!;
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    service = await runService(definition, { ...aws, PORT: String(port), PROVIDER_LATENCY_MS: '10', PROVIDER_SEED: '42' });
  });

  afterAll(async () => {
    await service?.stop();
    sqs?.destroy();
    if (dir) await removeLabDir(dir);
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  /** Drains the queue until `count` webhooks of the payment arrived (and then 1 s more for extras). */
  const webhooksOf = async (paymentId: string, count: number, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    let quietUntil = Infinity;
    while (Date.now() < Math.min(deadline, quietUntil)) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      for (const message of Messages) {
        received.push(JSON.parse(message.Body!));
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
      if (quietUntil === Infinity && received.filter((r) => r.detail.paymentId === paymentId).length >= count) quietUntil = Date.now() + 1000;
    }
    return received.filter((r) => r.detail.paymentId === paymentId);
  };

  it('accepts a payment with 202 and puts its success webhook on frank-external, which the rule routes to SQS', async () => {
    expect((await call('POST', '/admin/behaviour/reset')).status).toBe(200);
    const paymentId = randomUUID();
    const accepted = await call('POST', '/payments', { paymentId, amountCents: 1234, currency: 'EUR' });
    expect(accepted).toMatchObject({ status: 202, body: { providerRef: expect.stringMatching(/^psp_/) } });
    // The same request again (a client that lost the answer): same reference, no second webhook.
    expect(await call('POST', '/payments', { paymentId, amountCents: 1234, currency: 'EUR' })).toEqual(accepted);
    const webhooks = await webhooksOf(paymentId, 1);
    expect(webhooks).toHaveLength(1);
    expect(webhooks[0]).toMatchObject({
      source: 'frank.payment-provider',
      'detail-type': 'payment.webhook',
      detail: { paymentId, providerRef: accepted.body.providerRef, outcome: 'succeeded', amountCents: 1234, webhookId: expect.any(String) },
    });
  });

  it('declines, and duplicates a webhook under the same webhookId, as its behaviour says', async () => {
    expect(await call('PUT', '/admin/behaviour', { declineRate: 1, duplicateWebhookRate: 1 })).toMatchObject({
      status: 200,
      body: { declineRate: 1, duplicateWebhookRate: 1, latencyMs: 10 },
    });
    const paymentId = randomUUID();
    await call('POST', '/payments', { paymentId, amountCents: 500, currency: 'EUR' });
    const webhooks = await webhooksOf(paymentId, 2);
    expect(webhooks.map((w) => w.detail.outcome)).toEqual(['declined', 'declined']);
    expect(webhooks[0]!.detail.webhookId).toBe(webhooks[1]!.detail.webhookId);
  });

  it('refunds once per payment', async () => {
    const paymentId = randomUUID();
    const first = await call('POST', '/refunds', { paymentId, amountCents: 500 });
    expect(first).toMatchObject({ status: 200, body: { refundId: expect.stringMatching(/^re_/) } });
    expect(await call('POST', '/refunds', { paymentId, amountCents: 500 })).toEqual(first);
  });

  it('answers 400 JSON naming the field for a bad payment or refund, and accepts nothing', async () => {
    const paymentId = randomUUID();
    for (const [body, field] of [
      [{ amountCents: 100, currency: 'EUR' }, 'paymentId'],
      [{ paymentId, amountCents: '100', currency: 'EUR' }, 'amountCents'],
      [{ paymentId, amountCents: 0, currency: 'EUR' }, 'amountCents'],
      [{ paymentId, amountCents: 1.5, currency: 'EUR' }, 'amountCents'],
      [{ paymentId, amountCents: 100, currency: 'euro' }, 'currency'],
    ] as const) {
      const answer = await call('POST', '/payments', body);
      expect(answer, JSON.stringify(body)).toMatchObject({ status: 400, body: { error: { code: 'validation-failed', field } } });
    }
    expect(await call('POST', '/payments', '{"paymentId": ')).toMatchObject({ status: 400, body: { error: { code: 'malformed-json' } } });
    expect(await call('POST', '/refunds', { paymentId })).toMatchObject({ status: 400, body: { error: { field: 'amountCents' } } });
    // A conflicting repeat is refused rather than silently answered for the first amount.
    await call('POST', '/payments', { paymentId, amountCents: 100, currency: 'EUR' });
    expect(await call('POST', '/payments', { paymentId, amountCents: 200, currency: 'EUR' })).toMatchObject({
      status: 409,
      body: { error: { field: 'paymentId' } },
    });
  });

  it('answers 400 JSON naming the field for a bad behaviour, and keeps the behaviour it had', async () => {
    const before = (await call('PUT', '/admin/behaviour', { declineRate: 0.25 })).body;
    for (const [body, field] of [
      [{ declineRate: 1.5 }, 'declineRate'],
      [{ timeoutRate: -0.1 }, 'timeoutRate'],
      [{ duplicateWebhookRate: 'often' }, 'duplicateWebhookRate'],
      [{ latencyMs: -5 }, 'latencyMs'],
      [{ lateWebhookDelayMs: 1.5 }, 'lateWebhookDelayMs'],
      [{ declinerate: 0.1 }, 'declinerate'],
      [{ timeoutRate: 0.9 }, 'timeoutRate'],
    ] as const) {
      const answer = await call('PUT', '/admin/behaviour', body);
      expect(answer, JSON.stringify(body)).toMatchObject({
        status: 400,
        body: { error: { code: 'validation-failed', field, message: expect.stringContaining(field) } },
      });
    }
    expect((await call('PUT', '/admin/behaviour', [])).status).toBe(400);
    expect((await call('GET', '/admin/behaviour')).body).toEqual(before);
    expect((await call('POST', '/admin/behaviour/reset')).body).toEqual({
      latencyMs: 10,
      declineRate: 0,
      timeoutRate: 0,
      lateWebhookDelayMs: 5000,
      duplicateWebhookRate: 0,
    });
  });

  it('stops at once with webhooks still pending, and sends none of them afterwards', async () => {
    const port = await freePort();
    const env = JSON.parse((await runFrank(dir, ['env', '--json'])).stdout) as Record<string, string>;
    const other = await runService(definition, { ...env, PORT: String(port), PROVIDER_LATENCY_MS: '1500' });
    const paymentId = randomUUID();
    expect(
      (
        await fetch(`http://127.0.0.1:${port}/payments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ paymentId, amountCents: 1, currency: 'EUR' }),
        })
      ).status,
    ).toBe(202);
    const began = Date.now();
    await other.stop();
    expect(Date.now() - began).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await webhooksOf(paymentId, 1, 1500)).toEqual([]);
  });
});
