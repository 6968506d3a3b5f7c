/**
 * Step 6 of the saga (services/README.md) as one pure function: where an order is, plus the
 * event that arrived, gives what to do. No I/O, so every cell of the table is unit-tested.
 */
export type OrderStatus = 'PENDING' | 'RESERVED' | 'CONFIRMED' | 'CANCELLING' | 'CANCELLED';
export type SagaStatus = 'STARTED' | 'COMPENSATING' | 'COMPLETED' | 'COMPENSATED';

export interface SagaPosition {
  status: OrderStatus;
  sagaStatus: SagaStatus;
  cancelReason: string | null;
}

export type SagaEvent =
  | { type: 'inventory.reserved' }
  | { type: 'inventory.reservation-failed'; reason: string }
  | { type: 'inventory.released' }
  | { type: 'payment.completed' }
  | { type: 'payment.failed'; reason: string }
  | { type: 'payment.refunded' }
  | { type: 'analytics.recorded' };

export type SagaEventType = SagaEvent['type'];

export type Transition =
  /** Move the order and the saga on; publish `order.confirmed`/`order.cancelled` when named. */
  | { kind: 'apply'; status: OrderStatus; sagaStatus: SagaStatus; cancelReason: string | null; publish?: 'order.confirmed' | 'order.cancelled' }
  /** The event does not apply to this state (late, duplicate, someone else's compensation): record nothing. */
  | { kind: 'ignore'; why: string }
  /** The event overtook the one before it (handlers run concurrently): retry it shortly. */
  | { kind: 'too-early'; why: string };

const ignore = (why: string): Transition => ({ kind: 'ignore', why });
const tooEarly = (why: string): Transition => ({ kind: 'too-early', why });

export function sagaTransition(at: SagaPosition, event: SagaEvent): Transition {
  const { status } = at;
  switch (event.type) {
    case 'inventory.reserved':
      if (status === 'PENDING') return { kind: 'apply', status: 'RESERVED', sagaStatus: 'STARTED', cancelReason: null };
      return ignore(`order is ${status}, already past its reservation`);

    case 'inventory.reservation-failed':
      if (status === 'PENDING')
        return { kind: 'apply', status: 'CANCELLED', sagaStatus: 'COMPENSATED', cancelReason: event.reason, publish: 'order.cancelled' };
      return ignore(`order is ${status}, already past its reservation`);

    case 'payment.completed':
      if (status === 'RESERVED') return { kind: 'apply', status: 'CONFIRMED', sagaStatus: 'STARTED', cancelReason: null, publish: 'order.confirmed' };
      if (status === 'PENDING') return tooEarly('payment.completed before inventory.reserved');
      // CANCELLING/CANCELLED: a late success after a timeout; payment refunds it, not us.
      return ignore(`order is ${status}`);

    case 'payment.failed':
      if (status === 'RESERVED') return { kind: 'apply', status: 'CANCELLING', sagaStatus: 'COMPENSATING', cancelReason: event.reason };
      if (status === 'PENDING') return tooEarly('payment.failed before inventory.reserved');
      return ignore(`order is ${status}`);

    case 'inventory.released':
      if (status === 'CANCELLING')
        return { kind: 'apply', status: 'CANCELLED', sagaStatus: 'COMPENSATED', cancelReason: at.cancelReason, publish: 'order.cancelled' };
      if (status === 'PENDING' || status === 'RESERVED') return tooEarly('inventory.released before payment.failed');
      return ignore(`order is ${status}`);

    case 'analytics.recorded':
      if (status === 'CONFIRMED' && at.sagaStatus === 'STARTED') return { kind: 'apply', status: 'CONFIRMED', sagaStatus: 'COMPLETED', cancelReason: null };
      if (status === 'PENDING' || status === 'RESERVED') return tooEarly('analytics.recorded before payment.completed');
      return ignore(`order is ${status}, saga ${at.sagaStatus}`);

    case 'payment.refunded':
      // The refund is payment's own compensation of a late success; the order is already cancelled.
      return ignore('a refund changes nothing on the order');
  }
}
