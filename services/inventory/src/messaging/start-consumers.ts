import { consumeEvents, type AmqpConnection, type Logger, type Pool } from '@frank/kit';
import { reserveStock } from './reserve-stock.js';
import { settleReservation } from './settle-reservation.js';
import { recordImage } from './record-image.js';

export const SAGA_QUEUE = 'inventory.saga';
export const IMAGES_QUEUE = 'inventory.product-images';

/** inventory's saga queue, bound to the three events it answers, and its product images' queue. */
export async function startConsumers(options: { amqp: AmqpConnection; pool: Pool; log: Logger }): Promise<void> {
  await consumeEvents({ ...options, queue: IMAGES_QUEUE, handlers: { 'product.image-ready': recordImage(options.log) } });
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
