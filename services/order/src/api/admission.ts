import { HttpError, type Pool } from '@frank/kit';

/** An order older than this that has not settled is stuck, not in flight: it does not hold new orders back. */
const IN_FLIGHT_WINDOW_S = 30;
/** How long a count of the orders in flight is reused. */
const RECOUNT_MS = 100;

export interface AdmissionOptions {
  /** ORDER_MAX_IN_FLIGHT: the bound to start from and never exceed; 0 admits everything. */
  maxInFlight: number;
  /** ORDER_PAYMENT_TARGET_MS: the 90th percentile of payment's answer time the bound is steered to keep under. */
  paymentTargetMs: number;
  brokerConnected: () => boolean;
}

export interface Admission {
  /** Throws 503 `overloaded` when the order would go over the bound; otherwise counts it in. */
  admit(): Promise<void>;
  /** Payment answered a reserved order (completed or failed) this long after the reservation. */
  paymentAnswered(latencyMs: number): void;
  /** The bound now. */
  bound(): number;
}

/**
 * Load shedding for POST /orders: above a bound of orders accepted and not yet settled, the saga's
 * backlog would outlive payment's deadline (accepted orders time out and are refunded), so a new
 * order is refused with 503 and Retry-After before anything is written. The count comes from the
 * database (every instance and restart agree), reused for 100 ms, plus what this process accepted
 * since. The bound follows the lab's capacity (paymentBound): a slower machine, or one with a fault
 * injected, holds fewer orders in flight.
 *
 * While the broker is away nothing settles and every order waits in the outbox: then orders are
 * taken regardless (the lab degrades, it does not refuse: services/README.md); once it is back,
 * the backlog counts and new orders are shed until it drains below the bound.
 */
export function admission(pool: Pool, options: AdmissionOptions): Admission {
  const { maxInFlight, brokerConnected } = options;
  const steer = paymentBound({ max: maxInFlight, targetMs: options.paymentTargetMs });
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
    async admit() {
      if (maxInFlight <= 0 || !brokerConnected()) return;
      if (performance.now() - countedAt > RECOUNT_MS) {
        counting ??= recount().finally(() => (counting = undefined));
        await counting;
      }
      const inFlight = counted + acceptedSince;
      const bound = steer.bound(performance.now());
      if (inFlight >= bound) {
        steer.shed();
        throw new HttpError(
          503,
          'overloaded',
          `${inFlight} orders are in flight, the bound now (${bound}: at most ORDER_MAX_IN_FLIGHT=${maxInFlight}, lower while payments answer slower than ORDER_PAYMENT_TARGET_MS=${options.paymentTargetMs}): another would not be paid before payment's deadline. Nothing was written; try again shortly (Retry-After).`,
          { inFlight, bound },
        );
      }
      acceptedSince++;
    },
    paymentAnswered: (latencyMs) => steer.answered(latencyMs),
    bound: () => steer.bound(performance.now()),
  };
}

export interface PaymentBoundOptions {
  /** Where the bound starts, and its ceiling. */
  max: number;
  /** The bound never goes below this (nor above max). */
  min?: number;
  /** The 90th percentile of payment's answer time to keep under. */
  targetMs: number;
  /** How often the bound moves, at most. */
  stepMs?: number;
  /** Fewer answers than this in a step say nothing about latency. */
  minSamples?: number;
}

/**
 * The in-flight bound, steered by how long payment takes to answer a reserved order: that is the
 * time payment's deadline (3 s) counts, and under load it stretches with the backlog (Little's law:
 * at a given capacity the orders in flight set the latency). Each step (1 s) that saw enough
 * answers: when their 90th percentile is over the target, the bound drops by a fifth; when it is
 * under and orders were shed, it rises by a tenth (at least 1), back up to max. A fixed bound fits
 * one machine: measured on 2 cores, 24 (the default max) kept every payment in time at 14 sagas/s,
 * and let 9.5 % of the accepted orders time out where the same lab settled 7.8 sagas/s. The whole
 * saga's latency steered too, but it also counts the wait before the reservation, which no deadline
 * does: at twice the capacity it took 4-10 % fewer orders and confirmed fewer (bench:saga, 2 cores
 * and one core).
 */
export function paymentBound(options: PaymentBoundOptions) {
  const { max, targetMs, stepMs = 1000, minSamples = 5 } = options;
  const min = Math.min(options.min ?? 4, max);
  let bound = max;
  let samples: number[] = [];
  let shed = false;
  let stepStartedAt: number | undefined;
  return {
    answered(latencyMs: number) {
      samples.push(latencyMs);
    },
    shed() {
      shed = true;
    },
    /** The bound at `now` (ms, any monotonic clock), after the step that ended, if one did. */
    bound(now: number): number {
      stepStartedAt ??= now;
      if (now - stepStartedAt < stepMs) return bound;
      // After a quiet spell the answers seen are old news: they decide nothing.
      if (samples.length >= minSamples && now - stepStartedAt <= 3 * stepMs) {
        const sorted = samples.sort((a, b) => a - b);
        const p90 = sorted[Math.ceil(0.9 * sorted.length) - 1]!;
        if (p90 > targetMs) bound = Math.max(min, Math.min(bound - 1, Math.floor(bound * 0.8)));
        else if (shed) bound = Math.min(max, bound + Math.max(1, Math.round(bound * 0.1)));
      }
      samples = [];
      shed = false;
      stepStartedAt = now;
      return bound;
    },
  };
}
