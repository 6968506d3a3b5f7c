import { describe, expect, it } from 'vitest';
import { sagaTransition, type OrderStatus, type SagaEvent, type SagaPosition, type SagaStatus } from './saga-transition.js';

const at = (status: OrderStatus, sagaStatus: SagaStatus = 'STARTED', cancelReason: string | null = null): SagaPosition => ({
  status,
  sagaStatus,
  cancelReason,
});

describe('the order saga as a transition table', () => {
  it('walks the happy path: PENDING → RESERVED → CONFIRMED (order.confirmed) → saga COMPLETED', () => {
    expect(sagaTransition(at('PENDING'), { type: 'inventory.reserved' })).toEqual({
      kind: 'apply',
      status: 'RESERVED',
      sagaStatus: 'STARTED',
      cancelReason: null,
    });
    expect(sagaTransition(at('RESERVED'), { type: 'payment.completed' })).toEqual({
      kind: 'apply',
      status: 'CONFIRMED',
      sagaStatus: 'STARTED',
      cancelReason: null,
      publish: 'order.confirmed',
    });
    expect(sagaTransition(at('CONFIRMED'), { type: 'analytics.recorded' })).toEqual({
      kind: 'apply',
      status: 'CONFIRMED',
      sagaStatus: 'COMPLETED',
      cancelReason: null,
    });
  });

  it('cancels on a failed reservation at once: CANCELLED, COMPENSATED, order.cancelled with the reason', () => {
    expect(sagaTransition(at('PENDING'), { type: 'inventory.reservation-failed', reason: 'out-of-stock' })).toEqual({
      kind: 'apply',
      status: 'CANCELLED',
      sagaStatus: 'COMPENSATED',
      cancelReason: 'out-of-stock',
      publish: 'order.cancelled',
    });
  });

  it('cancels on a failed payment in two steps: CANCELLING, then CANCELLED once inventory released, keeping the payment reason', () => {
    expect(sagaTransition(at('RESERVED'), { type: 'payment.failed', reason: 'declined' })).toEqual({
      kind: 'apply',
      status: 'CANCELLING',
      sagaStatus: 'COMPENSATING',
      cancelReason: 'declined',
    });
    expect(sagaTransition(at('CANCELLING', 'COMPENSATING', 'declined'), { type: 'inventory.released' })).toEqual({
      kind: 'apply',
      status: 'CANCELLED',
      sagaStatus: 'COMPENSATED',
      cancelReason: 'declined',
      publish: 'order.cancelled',
    });
  });

  it('ignores what no longer applies: late successes, duplicates and refunds', () => {
    const ignored: [SagaPosition, SagaEvent][] = [
      [at('CANCELLING', 'COMPENSATING', 'timeout'), { type: 'payment.completed' }],
      [at('CANCELLED', 'COMPENSATED', 'timeout'), { type: 'payment.completed' }],
      [at('CONFIRMED'), { type: 'payment.completed' }],
      [at('RESERVED'), { type: 'inventory.reserved' }],
      [at('CANCELLED', 'COMPENSATED', 'out-of-stock'), { type: 'inventory.reserved' }],
      [at('CANCELLED', 'COMPENSATED', 'out-of-stock'), { type: 'inventory.reservation-failed', reason: 'out-of-stock' }],
      [at('CONFIRMED'), { type: 'payment.failed', reason: 'declined' }],
      [at('CANCELLED', 'COMPENSATED', 'declined'), { type: 'inventory.released' }],
      [at('CONFIRMED', 'COMPLETED'), { type: 'analytics.recorded' }],
      [at('CANCELLED', 'COMPENSATED', 'declined'), { type: 'analytics.recorded' }],
      [at('CANCELLED', 'COMPENSATED', 'timeout'), { type: 'payment.refunded' }],
      [at('CONFIRMED'), { type: 'payment.refunded' }],
    ];
    for (const [position, event] of ignored) expect(sagaTransition(position, event), `${event.type} at ${position.status}`).toMatchObject({ kind: 'ignore' });
  });

  it('asks for a retry when an event overtook its predecessor', () => {
    const early: [OrderStatus, SagaEvent][] = [
      ['PENDING', { type: 'payment.completed' }],
      ['PENDING', { type: 'payment.failed', reason: 'declined' }],
      ['RESERVED', { type: 'inventory.released' }],
      ['PENDING', { type: 'inventory.released' }],
      ['RESERVED', { type: 'analytics.recorded' }],
    ];
    for (const [status, event] of early) expect(sagaTransition(at(status), event), `${event.type} at ${status}`).toMatchObject({ kind: 'too-early' });
  });

  it('answers every event type in every state without throwing', () => {
    const statuses: OrderStatus[] = ['PENDING', 'RESERVED', 'CONFIRMED', 'CANCELLING', 'CANCELLED'];
    const events: SagaEvent[] = [
      { type: 'inventory.reserved' },
      { type: 'inventory.reservation-failed', reason: 'unknown-sku' },
      { type: 'inventory.released' },
      { type: 'payment.completed' },
      { type: 'payment.failed', reason: 'timeout' },
      { type: 'payment.refunded' },
      { type: 'analytics.recorded' },
    ];
    for (const status of statuses) for (const event of events) expect(['apply', 'ignore', 'too-early']).toContain(sagaTransition(at(status), event).kind);
  });
});
