import { errorFields, type Logger, type Pool } from '@frank/kit';
import { claimProviderRequests, recordProviderAccepted, recordProviderError, type ProviderRequest } from '../persistence/payments.js';
import { ProviderCallError, type ProviderClient } from '../provider/provider-client.js';

export interface ProviderRequester {
  /** Claims and requests what is due now (after a payment committed); also runs on a timer. */
  kick(): void;
  stop(): Promise<void>;
}

export interface ProviderRequesterOptions {
  pool: Pool;
  provider: ProviderClient;
  log: Logger;
  /** The polling fallback: picks up payments whose kick was lost (a crash, a restart). */
  pollIntervalMs: number;
  /** Longer than one call's timeout, so a call in flight is not claimed twice. */
  leaseMs: number;
  batchSize?: number;
}

/**
 * Asks the provider for each payment recorded but not accepted yet, outside any transaction:
 * payments are claimed with a lease, called, and the answer recorded. A retryable failure is
 * tried again with backoff until the deadline fails the payment (reason provider-error); a
 * refused request is not retried.
 */
export function startProviderRequester(options: ProviderRequesterOptions): ProviderRequester {
  const { pool, provider, log, pollIntervalMs, leaseMs, batchSize = 20 } = options;
  const inFlight = new Set<Promise<void>>();
  let draining: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const request = async (payment: ProviderRequest) => {
    try {
      const { providerRef } = await provider.requestPayment(
        { paymentId: payment.id, amountCents: payment.amountCents, currency: payment.currency },
        payment.providerPath,
      );
      await recordProviderAccepted(pool, payment.id, providerRef);
    } catch (error) {
      const retryable = !(error instanceof ProviderCallError) || error.retryable;
      const retryInMs = retryable ? Math.min(2000, 100 * 2 ** (payment.attempts - 1)) : undefined;
      log.warn('provider did not accept the payment', { paymentId: payment.id, attempt: payment.attempts, retryInMs, ...errorFields(error) });
      await recordProviderError(pool, payment.id, (error as Error).message, retryInMs).catch((recordError) =>
        log.warn('cannot record the provider error; the lease expires instead', errorFields(recordError)),
      );
    }
  };

  const drain = async () => {
    do {
      again = false;
      for (;;) {
        const due = await claimProviderRequests(pool, batchSize, leaseMs);
        for (const payment of due) {
          const call = request(payment).finally(() => inFlight.delete(call));
          inFlight.add(call);
        }
        if (due.length < batchSize || stopped) break;
      }
    } while (again && !stopped);
  };

  const kick = () => {
    if (stopped) return;
    if (draining) {
      again = true;
      return;
    }
    draining = drain()
      .catch((error) => log.warn('cannot claim provider requests; the next poll retries', errorFields(error)))
      .finally(() => {
        draining = undefined;
      });
  };

  const timer = setInterval(kick, pollIntervalMs);
  timer.unref();
  return {
    kick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await draining;
      await Promise.allSettled([...inFlight]);
    },
  };
}
