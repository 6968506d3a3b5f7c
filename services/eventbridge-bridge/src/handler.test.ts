import { describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from './eventbridge-event.js';
import { bridgeWebhookEvent } from './handler.js';
import type { EventEnvelope } from '@frank/kit/envelope';

const webhook = { webhookId: 'w-1', paymentId: 'p-1', providerRef: 'psp_1', outcome: 'succeeded', amountCents: 4200 };
const event = (overrides: Partial<EventBridgeEvent> = {}): EventBridgeEvent => ({
  id: 'eb-1',
  version: '0',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  source: 'frank.payment-provider',
  'detail-type': 'payment.webhook',
  detail: webhook,
  ...overrides,
});

function recorder() {
  const published: { routingKey: string; envelope: EventEnvelope }[] = [];
  return { published, publish: async (routingKey: string, envelope: EventEnvelope) => void published.push({ routingKey, envelope }) };
}

describe('bridgeWebhookEvent', () => {
  it('publishes the webhook as payment.webhook with id webhook-<webhookId> and the payment as aggregate', async () => {
    const deps = recorder();
    await bridgeWebhookEvent(event(), deps);
    expect(deps.published).toHaveLength(1);
    expect(deps.published[0]!.routingKey).toBe('payment.webhook');
    expect(deps.published[0]!.envelope).toMatchObject({
      id: 'webhook-w-1',
      type: 'payment.webhook',
      source: 'eventbridge-bridge',
      aggregateId: 'p-1',
      correlationId: 'webhook-w-1',
      causationId: null,
      sagaId: null,
      version: 1,
      data: webhook,
    });
  });

  it('gives a duplicate webhook the same message id', async () => {
    const deps = recorder();
    await bridgeWebhookEvent(event({ id: 'eb-1' }), deps);
    await bridgeWebhookEvent(event({ id: 'eb-2' }), deps);
    expect(deps.published.map((p) => p.envelope.id)).toEqual(['webhook-w-1', 'webhook-w-1']);
  });

  it('refuses what is not a webhook as poison, publishing nothing', async () => {
    const deps = recorder();
    await expect(bridgeWebhookEvent(event({ source: 'someone.else' }), deps)).rejects.toMatchObject({ code: 'poison-message' });
    await expect(bridgeWebhookEvent(event({ detail: { ...webhook, outcome: 'maybe' } }), deps)).rejects.toThrow(/outcome/);
    await expect(bridgeWebhookEvent(event({ detail: { ...webhook, amountCents: '12' } }), deps)).rejects.toThrow(/amountCents/);
    await expect(bridgeWebhookEvent(null as unknown as EventBridgeEvent, deps)).rejects.toMatchObject({ code: 'poison-message' });
    expect(deps.published).toEqual([]);
  });

  it('does not swallow a failed publish: the caller keeps the message', async () => {
    await expect(bridgeWebhookEvent(event(), { publish: async () => Promise.reject(new Error('broker gone')) })).rejects.toThrow('broker gone');
  });
});
