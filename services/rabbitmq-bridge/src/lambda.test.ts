import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { createLambdaHandler } from './lambda.js';

const message = (body: unknown) => ({ data: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)).toString('base64'), redelivered: false });
const outcome = (id: string, type: string) => ({
  id,
  type,
  source: 'order',
  time: '2025-06-01T10:00:00Z',
  sagaId: null,
  correlationId: id,
  causationId: null,
  aggregateId: `o-${id}`,
  version: 1,
  data: { orderId: `o-${id}` },
});

describe('the Lambda handler', () => {
  it('decodes the base64 messages of every queue and forwards the order outcomes, skipping what can never be forwarded', async () => {
    const put: PutEventsRequestEntry[] = [];
    const handler = createLambdaHandler(() => ({ putEvents: async (entries) => void put.push(...entries) }));
    const result = await handler({
      eventSource: 'aws:rmq',
      rmqMessagesByQueue: {
        'rabbitmq-bridge.outcomes::/': [message(outcome('a', 'order.confirmed')), message('{not json'), message(outcome('b', 'order.cancelled'))],
        'other::/': [message(outcome('c', 'payment.completed'))],
      },
    });
    expect(result).toEqual({ forwarded: 2, skipped: 2 });
    expect(put.map((e) => [e.DetailType, JSON.parse(e.Detail!).eventId])).toEqual([
      ['order.confirmed', 'a'],
      ['order.cancelled', 'b'],
    ]);
  });

  it('throws when EventBridge fails, so the batch is retried', async () => {
    const handler = createLambdaHandler(() => ({ putEvents: async () => Promise.reject(new Error('EventBridge down')) }));
    await expect(handler({ rmqMessagesByQueue: { q: [message(outcome('a', 'order.confirmed'))] } })).rejects.toThrow('EventBridge down');
  });

  it('bundles with esbuild on its own, without Express, pg, amqplib or the kit beyond its settings', async () => {
    const result = await build({
      entryPoints: [path.join(import.meta.dirname, 'lambda.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes('@aws-sdk/client-eventbridge'))).toBe(true);
    expect(inputs.filter((i) => /node_modules\/(express|pg|amqplib)\/|services\/kit\/(?!src\/settings\.ts)/.test(i))).toEqual([]);
  });
});
