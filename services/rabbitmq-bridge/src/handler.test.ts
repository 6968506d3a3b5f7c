import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { forwardOrderOutcome } from './handler.js';
import { UnforwardableMessageError, type OrderOutcomeEnvelope } from './order-outcome-envelope.js';

const confirmed: OrderOutcomeEnvelope = {
  id: 'e-1',
  type: 'order.confirmed',
  source: 'order',
  time: '2025-06-01T10:00:00.000Z',
  sagaId: 's-1',
  correlationId: 'c-1',
  causationId: 'x',
  aggregateId: 'o-1',
  version: 4,
  data: { orderId: 'o-1', userId: 'u-1', totalCents: 2999 },
};

const recording = () => {
  const calls: PutEventsRequestEntry[][] = [];
  return { calls, deps: { putEvents: async (entries: PutEventsRequestEntry[]) => void calls.push(entries) } };
};

describe('forwardOrderOutcome', () => {
  it('puts order.confirmed on frank-internal with the data and the ids', async () => {
    const { calls, deps } = recording();
    await forwardOrderOutcome(confirmed, deps);
    expect(calls).toHaveLength(1);
    const [entry] = calls[0]!;
    expect(entry).toMatchObject({
      EventBusName: 'frank-internal',
      Source: 'frank.order',
      DetailType: 'order.confirmed',
      Time: new Date('2025-06-01T10:00:00.000Z'),
    });
    expect(JSON.parse(entry!.Detail!)).toEqual({ orderId: 'o-1', userId: 'u-1', totalCents: 2999, sagaId: 's-1', eventId: 'e-1' });
  });

  it('forwards order.cancelled, taking the orderId from the aggregate when the data lacks it', async () => {
    const { calls, deps } = recording();
    await forwardOrderOutcome({ ...confirmed, type: 'order.cancelled', data: { userId: 'u-1', reason: 'declined' } }, deps);
    expect(calls[0]![0]!.DetailType).toBe('order.cancelled');
    expect(JSON.parse(calls[0]![0]!.Detail!)).toMatchObject({ orderId: 'o-1', reason: 'declined', eventId: 'e-1' });
  });

  it('refuses any other type without putting anything', async () => {
    const { calls, deps } = recording();
    await expect(forwardOrderOutcome({ ...confirmed, type: 'order.created' }, deps)).rejects.toBeInstanceOf(UnforwardableMessageError);
    expect(calls).toHaveLength(0);
  });

  it('fails when putEvents fails, so that the message is not acknowledged', async () => {
    await expect(forwardOrderOutcome(confirmed, { putEvents: async () => Promise.reject(new Error('throttled')) })).rejects.toThrow('throttled');
  });
});
