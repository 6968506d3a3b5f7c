import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@frank/kit/envelope';
import type { EventBridgeEvent } from './eventbridge-event.js';
import { bridgeEvent } from './handler.js';
import { scheduledEvent } from './schedule-firer.js';
import { bridgeScheduledEvent } from './scheduled-event.js';

const RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/analytics-cube-refresh';

function recorder() {
  const published: { routingKey: string; envelope: EventEnvelope }[] = [];
  return { published, publish: async (routingKey: string, envelope: EventEnvelope) => void published.push({ routingKey, envelope }) };
}

describe('scheduledEvent', () => {
  it('is the event AWS sends a scheduled rule target, with an id fixed by the rule and the time', () => {
    const at = new Date('2026-12-06T07:01:00.000Z');
    const event = scheduledEvent(RULE_ARN, at);
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-12-06T07:01:00Z',
      region: 'us-east-1',
      resources: [RULE_ARN],
      detail: {},
    });
    expect(scheduledEvent(RULE_ARN, at).id).toBe(event.id);
    expect(scheduledEvent(RULE_ARN, new Date('2026-12-06T07:02:00Z')).id).not.toBe(event.id);
  });
});

describe('bridgeScheduledEvent', () => {
  it('publishes schedule.fired with id schedule-<rule>-<time> and the rule as aggregate', async () => {
    const deps = recorder();
    const event = scheduledEvent(RULE_ARN, new Date('2026-12-06T07:01:00Z'));
    await bridgeScheduledEvent(event, deps);
    expect(deps.published).toEqual([
      {
        routingKey: 'schedule.fired',
        envelope: expect.objectContaining({
          id: 'schedule-analytics-cube-refresh-2026-12-06T07:01:00.000Z',
          correlationId: 'schedule-analytics-cube-refresh-2026-12-06T07:01:00.000Z',
          type: 'schedule.fired',
          source: 'eventbridge-bridge',
          aggregateId: 'analytics-cube-refresh',
          sagaId: null,
          data: { rule: 'analytics-cube-refresh', ruleArn: RULE_ARN, scheduledAt: '2026-12-06T07:01:00.000Z', eventBridgeId: event.id },
        }),
      },
    ]);
  });

  it('gives two firings of one rule and time (different EventBridge ids) one message id', async () => {
    const deps = recorder();
    const event = scheduledEvent(RULE_ARN, new Date('2026-12-06T07:01:00Z'));
    await bridgeScheduledEvent(event, deps);
    await bridgeScheduledEvent({ ...event, id: 'another-firer' }, deps);
    expect(new Set(deps.published.map((p) => p.envelope.id)).size).toBe(1);
  });

  it('refuses a malformed scheduled event as poison, publishing nothing', async () => {
    const deps = recorder();
    const event = scheduledEvent(RULE_ARN, new Date('2026-12-06T07:01:00Z'));
    await expect(bridgeScheduledEvent({ ...event, resources: [] }, deps)).rejects.toMatchObject({ code: 'poison-message' });
    await expect(bridgeScheduledEvent({ ...event, resources: ['arn:aws:sqs:us-east-1:123456789012:q'] }, deps)).rejects.toThrow(/rule ARN/);
    await expect(bridgeScheduledEvent({ ...event, time: 'yesterday' }, deps)).rejects.toThrow(/time/);
    await expect(bridgeScheduledEvent({ ...event, 'detail-type': 'Object Created' }, deps)).rejects.toMatchObject({ code: 'poison-message' });
    expect(deps.published).toEqual([]);
  });
});

describe('bridgeEvent', () => {
  it("sends AWS's own events to the scheduled mapping and the rest to the webhook's", async () => {
    const deps = recorder();
    await bridgeEvent(scheduledEvent(RULE_ARN, new Date('2026-12-06T07:01:00Z')), deps);
    const webhook = { webhookId: 'w-1', paymentId: 'p-1', providerRef: 'psp_1', outcome: 'succeeded', amountCents: 1 };
    await bridgeEvent({ source: 'frank.payment-provider', 'detail-type': 'payment.webhook', detail: webhook } as EventBridgeEvent, deps);
    expect(deps.published.map((p) => p.routingKey)).toEqual(['schedule.fired', 'payment.webhook']);
  });
});
