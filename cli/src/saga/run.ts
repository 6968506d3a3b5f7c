import { FrankError } from '../errors.js';
import { evaluateExpectations, type ExpectationResult, type OutcomeCounts } from './expectations.js';
import { checkInvariants, type InvariantResult } from './invariants.js';
import type { LabAccess } from './lab-access.js';
import { driveLoad, http, loginCustomers, type LoadResult } from './load-driver.js';
import type { Scenario } from './scenario.js';
import type { LabSnapshot } from './snapshot.js';

export interface RunOptions {
  orders?: number;
  concurrency?: number;
  seed?: number;
  settleTimeoutMs?: number;
  /** Progress lines for a human, on stderr. */
  onProgress?: (line: string) => void;
}

/** What `frank saga run --json` prints. */
export interface RunResult {
  scenario: string;
  verdict: 'pass' | 'fail';
  seed: number;
  orders: { placed: number; confirmed: number; cancelled: number; stuck: number; failedToPlace: number };
  compensations: { released: number; refunded: number };
  outcomes: { rejected: number; notificationsFailed: number };
  /** Settled sagas per second during the load. */
  throughput: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  durationMs: { load: number; settle: number };
  expectations: ExpectationResult[];
  invariants: { name: string; ok: boolean; details: string; ids: string[] }[];
  stuckOrderIds: string[];
  failures: string[];
  /** Sagas settled in each second of the load (for charts). */
  throughputPerSecond: number[];
}

/** The p-th percentile of sorted values (nearest rank); 0 for none. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The numbers a scenario's expectations speak of, for the run's own orders only. */
export function outcomeCounts(snapshot: LabSnapshot, orderIds: string[]): OutcomeCounts {
  const mine = new Set(orderIds);
  const count = <T extends { orderId: string; status: string }>(rows: T[], status: string) => rows.filter((r) => mine.has(r.orderId) && r.status === status).length;
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
export async function runScenario(access: LabAccess, scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const orders = options.orders ?? scenario.orders;
  const concurrency = options.concurrency ?? scenario.concurrency;
  const seed = options.seed ?? 1;
  const settleTimeoutMs = options.settleTimeoutMs ?? scenario.settleTimeoutMs;
  const say = options.onProgress ?? (() => undefined);
  const providerUrl = access.url('payment-provider');
  const notificationUrl = access.url('notification');

  const savedProvider = await http<Record<string, number>>(`${providerUrl}/admin/behaviour`);
  const savedChannels = await http<Record<string, number>>(`${notificationUrl}/admin/channels`);
  if (savedProvider.status !== 200 || savedChannels.status !== 200) throw new FrankError('The payment provider or notification service does not answer its admin endpoint.', { hint: 'Check `npx frank status`.' });
  try {
    await put(`${providerUrl}/admin/behaviour/reset`, undefined, 'POST');
    if (Object.keys(scenario.provider).length > 0) await put(`${providerUrl}/admin/behaviour`, scenario.provider);
    if (Object.keys(scenario.channels).length > 0) await put(`${notificationUrl}/admin/channels`, scenario.channels);
    for (const [sku, onHand] of Object.entries(scenario.stock)) await put(`${access.url('inventory')}/admin/stock/${encodeURIComponent(sku)}`, { onHand }, 'POST');
    const pool = await randomPool(access, scenario, orders);
    const customers = await loginCustomers(access, Math.max(4, Math.min(concurrency, 21)));

    say(`${scenario.name}: ${orders} orders, concurrency ${concurrency}, seed ${seed}`);
    const load = await driveLoad(access, scenario, pool, customers, {
      orders,
      concurrency,
      seed,
      settleTimeoutMs,
      onProgress: (p) => say(`  placed ${p.placed}/${p.total}, settled ${p.settled}`),
    });
    say(`  load done in ${(load.elapsedMs / 1000).toFixed(1)} s; waiting for the lab to come to rest (up to ${Math.round(settleTimeoutMs / 1000)} s)`);
    return await settle(access, scenario, load, { seed, settleTimeoutMs });
  } finally {
    await put(`${providerUrl}/admin/behaviour`, savedProvider.body).catch(() => undefined);
    await put(`${notificationUrl}/admin/channels`, savedChannels.body).catch(() => undefined);
  }
}

async function put(url: string, body: unknown, method = 'PUT'): Promise<void> {
  const answer = await http<{ error?: { message?: string } }>(url, { method, body });
  if (answer.status >= 300) throw new FrankError(`${method} ${url} answered ${answer.status}: ${answer.body.error?.message ?? JSON.stringify(answer.body)}`, { hint: 'Check the scenario file against the service contract (services/README.md).' });
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
  if (products.status !== 200 || !Array.isArray(products.body)) throw new FrankError(`inventory's catalogue answered ${products.status}.`, { hint: 'Check `npx frank status`.' });
  // Products seeded with little stock (for oversell) are left alone: the pool is the well-stocked ones.
  const pool = products.body.filter((p) => !named.has(p.sku) && p.available >= 10).slice(0, 20).map((p) => p.sku);
  const need = orders * Math.max(...randomLines.map((l) => l.qty));
  for (const sku of pool) {
    const product = await http<{ onHand: number; available: number }>(`${access.url('inventory')}/products/${encodeURIComponent(sku)}`);
    if (product.body.available < need) await put(`${access.url('inventory')}/admin/stock/${encodeURIComponent(sku)}`, { onHand: product.body.onHand + need }, 'POST');
  }
  if (pool.length === 0) throw new FrankError('No product has stock for the scenario\'s random lines.', { hint: 'Run `npx frank seed --service inventory`.' });
  return pool;
}

async function settle(access: LabAccess, scenario: Scenario, load: LoadResult, options: { seed: number; settleTimeoutMs: number }): Promise<RunResult> {
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
  const verdict = load.failedToPlace === 0 && stuckOrderIds.length === 0 && invariants.every((i) => i.ok) && expectations.every((e) => e.ok) ? 'pass' : 'fail';
  return {
    scenario: scenario.name,
    verdict,
    seed: options.seed,
    orders: { placed: orderIds.length, confirmed: counts.confirmed, cancelled: counts.cancelled, stuck: stuckOrderIds.length, failedToPlace: load.failedToPlace },
    compensations: { released: counts.released, refunded: counts.refunded },
    outcomes: { rejected: counts.rejected, notificationsFailed: counts.notificationsFailed },
    throughput: round(latencies.length / (load.elapsedMs / 1000 || 1)),
    latencyMs: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1) ?? 0) },
    durationMs: { load: Math.round(load.elapsedMs), settle: Math.round(performance.now() - began) },
    expectations,
    invariants,
    stuckOrderIds: stuckOrderIds.slice(0, 50),
    failures: load.failures,
    throughputPerSecond,
  };
}
