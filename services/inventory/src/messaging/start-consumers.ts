import { consumeEvents, type AmqpConnection, type Logger, type Pool } from '@frank/kit';
import { reserveStock } from './reserve-stock.js';
import { settleReservation } from './settle-reservation.js';

export const SAGA_QUEUE = 'inventory.saga';

/** inventory's one queue, bound to the three events it answers. */
export function startConsumers(options: { amqp: AmqpConnection; pool: Pool; log: Logger }): Promise<void> {
  return consumeEvents({
    ...options,
    queue: SAGA_QUEUE,
    handlers: {
      'order.created': reserveStock(options.log),
      'payment.failed': settleReservation('release', options.log),
      'payment.completed': settleReservation('commit', options.log),
    },
  });
}
