import { FLAGS, type FlagName } from '@frank/contracts/flags';
import type { FlagChange } from '../lab/flags.js';
import { FrankError } from '../errors.js';
import { evaluateExpectations, type ExpectationResult, type OutcomeCounts } from './expectations.js';
import { checkInvariants, type InvariantResult } from './invariants.js';
import type { LabAccess } from './lab-access.js';
import { latencyHistogram, type HistogramBucket } from './latency-histogram.js';
import { driveLoad, driveOpenLoad, http, loginCustomers, type LoadProgress, type LoadResult, type PlacedOrder } from './load-driver.js';
import { resolveLoadModel, type LoadModel } from './load-model.js';
import type { Scenario } from './scenario.js';
import type { LabSnapshot } from './snapshot.js';

export interface RunOptions {
  orders?: number;
  concurrency?: number;
  /** The open model (see load-model.ts): orders per second, for how long, and the safety limit. */
  rate?: number;
  durationMs?: number;
  maxInFlight?: number;
  seed?: number;
  settleTimeoutMs?: number;
  /** Progress lines for a human, on stderr. */
  onProgress?: (line: string) => void;
  /** Flips a flag in the lab's Unleash and waits until its service reads it (a scenario's `flags`). */
  setFlag?: (flag: FlagName, on: boolean) => Promise<FlagChange>;
}

/** What `frank saga run --json` prints. */
export interface RunResult {
  /** The run's folder under .frank/runs, once recorded. */
  runId?: string;
  scenario: string;
  verdict: 'pass' | 'fail';
  seed: number;
  startedAt: string;
  /** The load model as run; the open model also says how many arrivals were due, skipped at the safety limit, and the most in flight. */
  load: (LoadModel & { model: 'closed' }) | (LoadModel & { model: 'open'; arrivals: number; skippedArrivals: number; peakInFlight: number });
  orders: {
    placed: number;
    confirmed: number;
    cancelled: number;
    stuck: number;
    failedToPlace: number;
    /** Orders order-service shed (503 overloaded) that were sent again after Retry-After. */
    shedRetries?: number;
  };
  compensations: { released: number; refunded: number };
  outcomes: { rejected: number; notificationsFailed: number };
  /** Settled sagas per second during the load. */
  throughput: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  durationMs: { load: number; settle: number };
  expectations: ExpectationResult[];
  invariants: { name: string; ok: boolean; details: string; ids: string[] }[];
  stuckOrderIds: string[];
  /** The first few refusals of POST /orders. */
  failures: string[];
  /** Sagas settled in each second of the load (for charts). */
  throughputPerSecond: number[];
  /** Latencies of the settled sagas in equal buckets (for charts). */
  latencyHistogram: HistogramBucket[];
  /** The scenario's flag flips: before which order each happened, and how long its service took to read it. */
  flags?: { flag: FlagName; set: boolean; beforeOrder: number; seenAfterMs: number | null }[];
  /** The faults of `--chaos`: when each went in and was healed. */
  chaos?: { fault: string; plannedAtMs: number; injectedAtMs: number | null; healedAtMs: number | null; error: string | null }[];
}

/** Why an open-model run skipped arrivals, for every report of it; undefined when none was skipped. */
export function safetyLimitNote(result: Pick<RunResult, 'load'>): string | undefined {
  const { load } = result;
  if (load.model !== 'open' || load.skippedArrivals === 0) return undefined;
  return `safety limit: ${load.maxInFlight} orders were in flight, so ${load.skippedArrivals} of ${load.arrivals} arrivals were not sent; the lab does not keep up with ${load.rate} orders/s (lower --rate, or raise --max-in-flight)`;
}

/** The p-th percentile of sorted values (nearest rank); 0 for none. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The numbers a scenario's expectations speak of, for the run's own orders only. */
export function outcomeCounts(snapshot: LabSnapshot, orderIds: string[]): OutcomeCounts {
  const mine = new Set(orderIds);
  const count = <T extends { orderId: string; status: string }>(rows: T[], status: string) =>
    rows.filter((r) => mine.has(r.orderId) && r.status === status).length;
  return {
    confirmed: snapshot.orders.filter((o) => mine.has(o.id) && o.status === 'CONFIRMED').length,
    cancelled: snapshot.orders.filter((o) => mine.has(o.id) && o.status === 'CANCELLED').length,
    rejected: count(snapshot.reservations, 'REJECTED'),
    released: count(snapshot.reservations, 'RELEASED'),
    refunded: count(snapshot.payments, 'REFUNDED'),
    notificationsFailed: count(snapshot.deliveries, 'FAILED'),
  };
}

/**
 * Runs one scenario against a running lab: sets the simulators' behaviour and the stock, drives
 * the load, waits until the lab is at rest (every invariant and expectation holds) or the settle
 * timeout passes, and gives the verdict. The simulators get their behaviour back afterwards.
 */
/**
 * The verdict of a run under `--chaos`, as in `chaos run`: orders the lab refused while a fault was
 * in force do not fail it; a fault that did not go in, a saga left unfinished or a broken invariant
 * or expectation does.
 */
export function underChaos(result: RunResult, chaos: NonNullable<RunResult['chaos']>): RunResult {
  const held =
    chaos.every((c) => c.error === null) && result.orders.stuck === 0 && result.invariants.every((i) => i.ok) && result.expectations.every((e) => e.ok);
  return { ...result, chaos, verdict: held ? 'pass' : 'fail' };
}

export async function runScenario(access: LabAccess, scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  return (await runScenarioWithOrders(access, scenario, options)).result;
}

/** runScenario, with the orders it placed (for the run's record: too many for the result itself). */
export async function runScenarioWithOrders(
  access: LabAccess,
  scenario: Scenario,
  options: RunOptions = {},
): Promise<{ result: RunResult; orders: PlacedOrder[] }> {
  const model = resolveLoadModel(scenario, options);
  const seed = options.seed ?? 1;
  const settleTimeoutMs = options.settleTimeoutMs ?? scenario.settleTimeoutMs;
  const say = options.onProgress ?? (() => undefined);
  const providerUrl = access.url('payment-provider');
  const notificationUrl = access.url('notification');
  const startedAt = new Date().toISOString();
  // The random pool is restocked for the most orders the run can place.
  const orders = model.model === 'closed' ? model.orders : Math.ceil((model.rate * model.durationMs) / 1000);
  const concurrency = model.model === 'closed' ? model.concurrency : Math.min(model.maxInFlight, Math.ceil(model.rate * 2));

  if (scenario.flags.length > 0 && !options.setFlag)
    throw new FrankError(`${scenario.name} flips feature flags, and this lab has none to flip.`, {
      hint: 'Flags live in Unleash: add the unleash resource to frank.yaml (see README, "Feature flags").',
    });
  const flips = flagFlips(scenario, orders, options.setFlag, say);

  const savedProvider = await http<Record<string, number>>(`${providerUrl}/admin/behaviour`);
  const savedChannels = await http<Record<string, number>>(`${notificationUrl}/admin/channels`);
  if (savedProvider.status !== 200 || savedChannels.status !== 200)
    throw new FrankError('The payment provider or notification service does not answer its admin endpoint.', { hint: 'Check `npx frank status`.' });
  try {
    await put(`${providerUrl}/admin/behaviour/reset`, undefined, 'POST');
    if (Object.keys(scenario.provider).length > 0) await put(`${providerUrl}/admin/behaviour`, scenario.provider);
    if (Object.keys(scenario.channels).length > 0) await put(`${notificationUrl}/admin/channels`, scenario.channels);
    for (const [sku, onHand] of Object.entries(scenario.stock))
      await put(`${access.url('inventory')}/admin/stock/${encodeURIComponent(sku)}`, { onHand }, 'POST');
    const pool = await randomPool(access, scenario, orders);
    const customers = await loginCustomers(access, Math.max(4, Math.min(concurrency, 21)));

    const onProgress = (p: LoadProgress) =>
      say(
        `  placed ${p.placed}/${p.total}, in flight ${p.inFlight}, settled ${p.settled}${p.skipped ? `, ${p.skipped} arrivals skipped at the safety limit` : ''}`,
      );
    let load: LoadResult;
    if (model.model === 'closed') {
      say(`${scenario.name}: ${model.orders} orders, concurrency ${model.concurrency}, seed ${seed}`);
      load = await driveLoad(access, scenario, pool, customers, {
        orders: model.orders,
        concurrency: model.concurrency,
        seed,
        settleTimeoutMs,
        onProgress,
        beforeOrder: flips.beforeOrder,
      });
    } else {
      say(
        `${scenario.name}: ${model.rate} orders/s for ${(model.durationMs / 1000).toFixed(1)} s (open model, at most ${model.maxInFlight} in flight), seed ${seed}`,
      );
      load = await driveOpenLoad(access, scenario, pool, customers, {
        rate: model.rate,
        durationMs: model.durationMs,
        maxInFlight: model.maxInFlight,
        seed,
        settleTimeoutMs,
        onProgress,
        beforeOrder: flips.beforeOrder,
      });
    }
    say(`  load done in ${(load.elapsedMs / 1000).toFixed(1)} s; waiting for the lab to come to rest (up to ${Math.round(settleTimeoutMs / 1000)} s)`);
    const result = await settle(access, scenario, load, { seed, settleTimeoutMs, model, startedAt });
    return { result: flips.done.length > 0 ? { ...result, flags: flips.done } : result, orders: load.placed };
  } finally {
    await flips.restore();
    await put(`${providerUrl}/admin/behaviour`, savedProvider.body).catch(() => undefined);
    await put(`${notificationUrl}/admin/channels`, savedChannels.body).catch(() => undefined);
  }
}

/**
 * A scenario's flag flips: each before the order at its share of `orders`, once; `restore` sets
 * every flipped flag back to what it was before the run, so a scenario leaves the lab as it found it.
 */
function flagFlips(scenario: Scenario, orders: number, setFlag: RunOptions['setFlag'], say: (line: string) => void) {
  const pending = scenario.flags.map((change) => ({ ...change, atIndex: Math.min(orders - 1, Math.floor((orders * change.after) / 100)) }));
  const done: NonNullable<RunResult['flags']> = [];
  const before = new Map<FlagName, boolean>();
  let flipping = Promise.resolve();
  return {
    done,
    beforeOrder: async (index: number) => {
      const due = pending.filter((c) => c.atIndex <= index);
      // An order past the flip point waits for a flip in progress, so none goes out ahead of it.
      if (due.length === 0) return flipping;
      pending.splice(0, pending.length, ...pending.filter((c) => c.atIndex > index));
      // Concurrent workers wait for one flip after another, in the scenario's order.
      flipping = flipping.then(async () => {
        for (const change of due) {
          const flipped = await setFlag!(change.flag, change.set);
          if (!before.has(change.flag)) before.set(change.flag, flipped.before);
          done.push({ flag: change.flag, set: change.set, beforeOrder: index, seenAfterMs: flipped.seenAfterMs ?? null });
          say(
            `  ${change.flag} ${change.set ? 'on' : 'off'} before order ${index + 1}` +
              (flipped.seenAfterMs === undefined
                ? `: ${FLAGS[change.flag].service} did not read it within 10 s`
                : `, read by ${FLAGS[change.flag].service} after ${flipped.seenAfterMs} ms`),
          );
        }
      });
      await flipping;
    },
    restore: async () => {
      for (const [flag, value] of before) await setFlag!(flag, value).catch(() => undefined);
    },
  };
}

async function put(url: string, body: unknown, method = 'PUT'): Promise<void> {
  const answer = await http<{ error?: { message?: string } }>(url, { method, body });
  if (answer.status >= 300)
    throw new FrankError(`${method} ${url} answered ${answer.status}: ${answer.body.error?.message ?? JSON.stringify(answer.body)}`, {
      hint: 'Check the scenario file against the service contract (services/README.md).',
    });
}

/**
 * The SKUs `random` lines draw from: up to 20 products the scenario does not name, restocked
 * (an adjustment in inventory's ledger, so conservation still holds) so the run cannot run out.
 */
async function randomPool(access: LabAccess, scenario: Scenario, orders: number): Promise<string[]> {
  const randomLines = scenario.mix.flatMap((e) => e.items).filter((l) => l.sku === 'random');
  if (randomLines.length === 0) return [];
  const named = new Set([...Object.keys(scenario.stock), ...scenario.mix.flatMap((e) => e.items.map((l) => l.sku))]);
  const products = await http<{ sku: string; available: number }[]>(`${access.url('inventory')}/products?limit=200`);
  if (products.status !== 200 || !Array.isArray(products.body))
    throw new FrankError(`inventory's catalogue answered ${products.status}.`, { hint: 'Check `npx frank status`.' });
  // Products seeded with little stock (for oversell) are left alone: the pool is the well-stocked ones.
  const pool = products.body
    .filter((p) => !named.has(p.sku) && p.available >= 10)
    .slice(0, 20)
    .map((p) => p.sku);
  const need = orders * Math.max(...randomLines.map((l) => l.qty));
  for (const sku of pool) {
    const product = await http<{ onHand: number; available: number }>(`${access.url('inventory')}/products/${encodeURIComponent(sku)}`);
    if (product.body.available < need)
      await put(`${access.url('inventory')}/admin/stock/${encodeURIComponent(sku)}`, { onHand: product.body.onHand + need }, 'POST');
  }
  if (pool.length === 0) throw new FrankError("No product has stock for the scenario's random lines.", { hint: 'Run `npx frank seed --service inventory`.' });
  return pool;
}

async function settle(
  access: LabAccess,
  scenario: Scenario,
  load: LoadResult,
  options: { seed: number; settleTimeoutMs: number; model: LoadModel; startedAt: string },
): Promise<RunResult> {
  const orderIds = load.placed.map((o) => o.orderId);
  const began = performance.now();
  const deadline = began + options.settleTimeoutMs;
  let snapshot: LabSnapshot;
  let invariants: InvariantResult[];
  let counts: OutcomeCounts;
  let expectations: ExpectationResult[];
  for (;;) {
    ({ snapshot, invariants } = await checkInvariants(access, { placedOrderIds: orderIds }));
    counts = outcomeCounts(snapshot, orderIds);
    expectations = evaluateExpectations(scenario, counts, orderIds.length);
    // The simulator follows every timeout with a late success: wait for its refund too (it does not decide the verdict).
    const mine = new Set(orderIds);
    const lateSuccessDue = snapshot.payments.some((p) => mine.has(p.orderId) && p.status === 'FAILED' && p.failureReason === 'timeout');
    if ((invariants.every((i) => i.ok) && expectations.every((e) => e.ok) && !lateSuccessDue) || performance.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const settledIds = new Set(snapshot.orders.filter((o) => o.status === 'CONFIRMED' || o.status === 'CANCELLED').map((o) => o.id));
  const stuckOrderIds = orderIds.filter((id) => !settledIds.has(id));
  const latencies = load.placed.flatMap((o) => (o.latencyMs === undefined ? [] : [o.latencyMs])).sort((a, b) => a - b);
  const seconds = Math.max(1, Math.ceil(load.elapsedMs / 1000));
  const throughputPerSecond = Array.from({ length: seconds }, () => 0);
  for (const o of load.placed) if (o.settledAtMs !== undefined) throughputPerSecond[Math.min(seconds - 1, Math.floor(o.settledAtMs / 1000))]!++;
  const round = (x: number) => Math.round(x * 10) / 10;
  const skipped = load.skippedArrivals ?? 0;
  const verdict =
    load.failedToPlace === 0 && skipped === 0 && stuckOrderIds.length === 0 && invariants.every((i) => i.ok) && expectations.every((e) => e.ok)
      ? 'pass'
      : 'fail';
  const { model } = options;
  return {
    scenario: scenario.name,
    verdict,
    seed: options.seed,
    startedAt: options.startedAt,
    load: model.model === 'closed' ? model : { ...model, arrivals: load.arrivals ?? 0, skippedArrivals: skipped, peakInFlight: load.peakInFlight ?? 0 },
    orders: {
      placed: orderIds.length,
      confirmed: counts.confirmed,
      cancelled: counts.cancelled,
      stuck: stuckOrderIds.length,
      failedToPlace: load.failedToPlace,
      shedRetries: load.shedRetries ?? 0,
    },
    compensations: { released: counts.released, refunded: counts.refunded },
    outcomes: { rejected: counts.rejected, notificationsFailed: counts.notificationsFailed },
    throughput: round(latencies.length / (load.elapsedMs / 1000 || 1)),
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.at(-1) ?? 0),
    },
    durationMs: { load: Math.round(load.elapsedMs), settle: Math.round(performance.now() - began) },
    expectations,
    invariants,
    stuckOrderIds: stuckOrderIds.slice(0, 50),
    failures: load.failures,
    throughputPerSecond,
    latencyHistogram: latencyHistogram(latencies.map(round)),
  };
}
