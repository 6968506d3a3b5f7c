import { HttpError, type Pool } from '@frank/kit';

/** An order older than this that has not settled is stuck, not in flight: it does not hold new orders back. */
const IN_FLIGHT_WINDOW_S = 30;
/** How long a count of the orders in flight is reused. */
const RECOUNT_MS = 100;

/**
 * Load shedding for POST /orders: above `bound` orders accepted and not yet settled, the saga's
 * backlog would outlive payment's deadline (accepted orders time out and are refunded), so a new
 * order is refused with 503 and Retry-After before anything is written. The count comes from the
 * database (every instance and restart agree), reused for 100 ms, plus what this process accepted
 * since. A bound of 0 admits everything.
 *
 * While the broker is away nothing settles and every order waits in the outbox: then orders are
 * taken regardless (the lab degrades, it does not refuse: services/README.md); once it is back,
 * the backlog counts and new orders are shed until it drains below the bound.
 */
export function admission(pool: Pool, bound: number, brokerConnected: () => boolean) {
  let counted = 0;
  let countedAt = -Infinity;
  let acceptedSince = 0;
  let counting: Promise<void> | undefined;
  const recount = async () => {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM order_domain.orders WHERE status NOT IN ('CONFIRMED', 'CANCELLED') AND created_at > clock_timestamp() - interval '${IN_FLIGHT_WINDOW_S} seconds'`,
    );
    counted = rows[0]!.n;
    countedAt = performance.now();
    acceptedSince = 0;
  };
  return {
    /** Throws 503 `overloaded` when the order would go over the bound; otherwise counts it in. */
    async admit(): Promise<void> {
      if (bound <= 0 || !brokerConnected()) return;
      if (performance.now() - countedAt > RECOUNT_MS) {
        counting ??= recount().finally(() => (counting = undefined));
        await counting;
      }
      const inFlight = counted + acceptedSince;
      if (inFlight >= bound)
        throw new HttpError(
          503,
          'overloaded',
          `${inFlight} orders are in flight, the bound (ORDER_MAX_IN_FLIGHT=${bound}): another would not settle before payment's deadline. Nothing was written; try again shortly (Retry-After).`,
          { inFlight, bound },
        );
      acceptedSince++;
    },
  };
}
