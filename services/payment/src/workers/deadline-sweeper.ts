import { errorFields, inTransaction, type Logger, type Pool } from '@frank/kit';
import { deadlineReason } from '../domain/payment-transitions.js';
import { appendPaymentEvent } from '../messaging/payment-events.js';
import { lockOverduePayments, setPaymentStatus } from '../persistence/payments.js';

export interface DeadlineSweeper {
  /** Fails every overdue payment now; resolves with how many. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Fails pending payments whose webhook did not come by their deadline: each one's status and its
 * payment.failed commit together. SKIP LOCKED leaves a payment that a webhook is handling to the
 * webhook; several payment processes sweep without doubling an event.
 */
export function startDeadlineSweeper(options: { pool: Pool; log: Logger; intervalMs: number; batchSize?: number }): DeadlineSweeper {
  const { pool, log, intervalMs, batchSize = 100 } = options;
  let running: Promise<number> | undefined;

  const sweepOnce = () =>
    inTransaction(pool, async (client) => {
      const overdue = await lockOverduePayments(client, batchSize);
      for (const payment of overdue) {
        const reason = deadlineReason(payment.providerAccepted);
        await setPaymentStatus(client, payment.id, { status: 'FAILED', failureReason: reason });
        await appendPaymentEvent(
          client,
          { type: 'payment.failed', data: { orderId: payment.orderId, paymentId: payment.id, reason } },
          { id: payment.causedByEventId, sagaId: payment.sagaId, correlationId: payment.correlationId },
        );
        log.info('payment failed at its deadline', { orderId: payment.orderId, paymentId: payment.id, reason });
      }
      return overdue.length;
    });

  const sweep = async () => {
    let total = 0;
    // A full batch may mean more are overdue: keep going, one short transaction per batch.
    for (;;) {
      const swept = await sweepOnce();
      total += swept;
      if (swept < batchSize) return total;
    }
  };

  // One sweep at a time: a slow one is not overtaken by the next tick.
  const tick = () => {
    running ??= sweep()
      .catch((error) => {
        log.warn('deadline sweep failed; next tick retries', errorFields(error));
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    sweep: tick,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
