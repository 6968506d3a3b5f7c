import { UsageError } from '../errors.js';
import { MAX_LOAD_DURATION_MS, MAX_RATE, RATE_MESSAGE, type Scenario } from './scenario.js';

/**
 * How a run loads the lab. Closed: `concurrency` workers, each placing its next order when the
 * last settled, `orders` in all. Open: one arrival every 1/rate s for `durationMs`, whether or not
 * earlier orders settled; only `maxInFlight` bounds the orders in flight, as a safety limit.
 */
export type LoadModel = { model: 'closed'; orders: number; concurrency: number } | { model: 'open'; rate: number; durationMs: number; maxInFlight: number };

/** The default safety limit of the open model: far above what the lab settles at once on one machine. */
export const DEFAULT_MAX_IN_FLIGHT = 1000;
const MAX_ARRIVALS = 100_000;

export interface LoadFlags {
  orders?: number;
  concurrency?: number;
  rate?: number;
  durationMs?: number;
  maxInFlight?: number;
}

/**
 * The flags choose the model; what they leave open comes from the scenario file. --rate or
 * --duration alone takes the other from the scenario, else it is a usage error: an open model
 * needs both. --orders/--concurrency with --rate/--duration is a usage error (two models).
 */
export function resolveLoadModel(scenario: Pick<Scenario, 'orders' | 'concurrency' | 'rate' | 'durationMs' | 'file'>, flags: LoadFlags): LoadModel {
  const closedFlags = [flags.orders !== undefined && '--orders', flags.concurrency !== undefined && '--concurrency'].filter(Boolean);
  const openFlags = [flags.rate !== undefined && '--rate', flags.durationMs !== undefined && '--duration'].filter(Boolean);
  if (closedFlags.length > 0 && openFlags.length > 0) {
    throw new UsageError(`${closedFlags.join(' and ')} (closed model) and ${openFlags.join(' and ')} (open model) do not go together.`, {
      hint: 'Give --orders/--concurrency for a fixed number of orders at a fixed concurrency, or --rate/--duration for arrivals per second over a time.',
    });
  }
  if (flags.maxInFlight !== undefined && closedFlags.length > 0)
    throw new UsageError('--max-in-flight bounds the open model; the closed model has --concurrency.', {
      hint: 'Drop --max-in-flight, or use --rate and --duration.',
    });
  const open = openFlags.length > 0 || (closedFlags.length === 0 && scenario.rate !== undefined);
  if (!open) {
    if (flags.maxInFlight !== undefined)
      throw new UsageError('--max-in-flight bounds the open model, and this run is closed (no rate and duration).', {
        hint: 'Add --rate <orders/s> and --duration <time>, or drop --max-in-flight.',
      });
    return { model: 'closed', orders: flags.orders ?? scenario.orders, concurrency: flags.concurrency ?? scenario.concurrency };
  }
  const rate = flags.rate ?? scenario.rate;
  const durationMs = flags.durationMs ?? scenario.durationMs;
  if (rate === undefined)
    throw new UsageError(`--duration needs a rate: the open model places so many orders per second for the duration; ${scenario.file} sets no rate.`, {
      hint: 'Add --rate <orders/s>, e.g. --rate 50; or use --orders for the closed model.',
    });
  if (durationMs === undefined)
    throw new UsageError(`--rate needs a duration: the open model places orders at that rate for a while; ${scenario.file} sets no duration.`, {
      hint: 'Add --duration <time>, e.g. --duration 60s; or use --orders for the closed model.',
    });
  const arrivals = arrivalCount(rate, durationMs);
  if (arrivals < 1)
    throw new UsageError(`${rate} orders/s for ${durationMs} ms places no order.`, { hint: 'Raise --rate or --duration so that rate × duration ≥ 1.' });
  if (arrivals > MAX_ARRIVALS)
    throw new UsageError(`${rate} orders/s for ${durationMs / 1000} s is ${arrivals} orders, more than ${MAX_ARRIVALS}.`, {
      hint: 'Lower --rate or --duration.',
    });
  return { model: 'open', rate, durationMs, maxInFlight: flags.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT };
}

/** --rate: orders per second, a decimal number in (0, MAX_RATE]. */
export function parseRate(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || !(value > 0) || value > MAX_RATE) throw new UsageError(`--rate ${RATE_MESSAGE}, not "${text}".`);
  return value;
}

/** --duration must be positive and at most an hour (the parser already read the text). */
export function checkLoadDuration(ms: number, text: string): number {
  if (ms <= 0 || ms > MAX_LOAD_DURATION_MS) throw new UsageError(`--duration must be longer than 0 and at most 60m, not "${text}".`);
  return ms;
}

export function arrivalCount(rate: number, durationMs: number): number {
  // The epsilon keeps 0.1 × 30000 / 1000 = 2.9999… from losing an arrival.
  return Math.floor((rate * durationMs) / 1000 + 1e-9);
}

/** When each arrival of the open model is due, in ms from the start: evenly spaced at 1/rate s. */
export function arrivalSchedule(rate: number, durationMs: number): number[] {
  const interval = 1000 / rate;
  return Array.from({ length: arrivalCount(rate, durationMs) }, (_, i) => i * interval);
}
