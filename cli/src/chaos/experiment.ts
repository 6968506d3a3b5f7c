import { setTimeout as sleep } from 'node:timers/promises';
import { FrankError, errorMessage } from '../errors.js';
import { checkInvariants, type InvariantResult } from '../saga/invariants.js';
import type { LabAccess } from '../saga/lab-access.js';
import { http, loginCustomers } from '../saga/load-driver.js';
import { outcomeCounts, runScenario, type RunResult } from '../saga/run.js';
import type { LabSnapshot } from '../saga/snapshot.js';
import type { Scenario } from '../saga/scenario.js';
import type { ChaosLab } from './chaos-lab.js';
import { armEventTrigger } from './event-trigger.js';
import type { Fault } from './fault-spec.js';
import { healExpiredFaults, holdFault } from './faults.js';
import { startOrderGateway } from './order-gateway.js';
import { patientAccess } from './patient-access.js';
import { probeRecovery, type RecoveryResult } from './recovery-probe.js';
import type { SagaEventType } from './saga-events.js';

export interface ExperimentOptions {
  fault: Fault;
  scenario: Scenario;
  orders: number;
  concurrency: number;
  seed: number;
  /** How long the fault stays in force once injected. */
  holdMs: number;
  /** The fault goes in when the first event of this type of the run passes on the broker. */
  trigger: SagaEventType;
  /** How long sagas may take to settle, for the load, the probes and the end. */
  settleTimeoutMs: number;
  onProgress?: (line: string) => void;
  /** Aborting heals the fault at once and ends the experiment. */
  signal?: AbortSignal;
}

/** What `frank chaos run --json` prints; times are ms since the experiment began unless named otherwise. */
export interface ExperimentResult {
  fault: string;
  scenario: string;
  seed: number;
  verdict: 'pass' | 'fail';
  /** Why it failed, one line each; empty on pass. */
  reasons: string[];
  steadyState: { ok: boolean; failed: string[] };
  trigger: { event: string; firedAtMs: number | null; sagaId?: string };
  injection: { atMs: number | null; heldMs: number; healedAtMs: number | null; healMs: number | null };
  recovery: { ms: number | null; probes: number; probesConfirmed: number; refused: string[] };
  /** Sagas in flight when the fault went in, placed while it was in force, or held back by it. */
  affected: number;
  orders: { placed: number; confirmed: number; cancelled: number; stuck: number; refused: number };
  compensations: { released: number; refunded: number };
  invariants: InvariantResult[];
  load: { error?: string; durationMs: number };
  durationMs: number;
}

const TERMINAL = ['CONFIRMED', 'CANCELLED'];

/**
 * How long past the fault's hold the saga load driver waits for each order's outcome. It hears
 * outcomes on a broker connection of its own that does not come back after kill-broker, and would
 * then wait this long for every order; the experiment's own settle (`settleTimeoutMs`) waits for the
 * sagas themselves. Long enough that the load's own settle starts after the heal.
 */
const LOAD_OUTCOME_WAIT_MS = 15_000;

/**
 * A chaos experiment: the steady state (every invariant holds) checked first; the scenario's load
 * started; the fault injected when the trigger event passes and held for `holdMs`; healed; the time
 * to recover measured with probe orders; the sagas left to settle; the invariants checked again.
 * It passes when the steady state held, every saga (the load's and the probes') reached a terminal
 * state, every invariant holds at the end, and the lab recovered. Orders refused while the fault was
 * in force do not fail it: nothing the lab accepted was lost.
 */
export async function runExperiment(chaos: ChaosLab, access: LabAccess, options: ExperimentOptions): Promise<ExperimentResult> {
  const began = performance.now();
  const at = () => Math.round(performance.now() - began);
  const say = options.onProgress ?? (() => undefined);
  const result: ExperimentResult = {
    fault: options.fault.label,
    scenario: options.scenario.name,
    seed: options.seed,
    verdict: 'fail',
    reasons: [],
    steadyState: { ok: false, failed: [] },
    trigger: { event: options.trigger, firedAtMs: null },
    injection: { atMs: null, heldMs: options.holdMs, healedAtMs: null, healMs: null },
    recovery: { ms: null, probes: 0, probesConfirmed: 0, refused: [] },
    affected: 0,
    orders: { placed: 0, confirmed: 0, cancelled: 0, stuck: 0, refused: 0 },
    compensations: { released: 0, refunded: 0 },
    invariants: [],
    load: { durationMs: 0 },
    durationMs: 0,
  };
  const finish = () => {
    result.durationMs = at();
    result.verdict = result.reasons.length === 0 ? 'pass' : 'fail';
    return result;
  };

  await healExpiredFaults(chaos);
  const inForce = await chaos.store.list();
  if (inForce.length > 0)
    throw new FrankError(`Faults are in force already: ${inForce.map((f) => f.label).join(', ')}.`, { hint: 'Heal them first: `npx frank chaos heal`.' });

  say(`steady state: waiting for every invariant to hold (up to ${Math.round(options.settleTimeoutMs / 1000)} s)`);
  const steady = (await atRest(access, [], options.settleTimeoutMs, options.signal)).invariants;
  if (options.signal?.aborted) throw new FrankError('Interrupted before the load: nothing was injected.');
  result.steadyState = { ok: steady.every((i) => i.ok), failed: steady.filter((i) => !i.ok).map((i) => `${i.name}: ${i.details}`) };
  if (!result.steadyState.ok) {
    result.invariants = steady;
    result.reasons.push(`the steady state does not hold before the fault: ${result.steadyState.failed.join('; ')}`);
    return finish();
  }

  // The probes' customer and product, fetched now: the fault may take the user service or the catalogue away.
  const [probeCustomer] = await loginCustomers(access, 1);
  const probeSku = await stockedProbeSku(access, options.scenario);
  const gateway = await startOrderGateway(access.url('order'), { holdMs: options.settleTimeoutMs });
  const trigger = await armEventTrigger(access.amqpUrl, options.trigger);
  const patient = patientAccess(access, options.holdMs + options.settleTimeoutMs);
  const loadAccess: LabAccess = { ...patient, url: (service) => (service === 'order' ? gateway.url : access.url(service)) };
  let run: RunResult | undefined;
  let recovery: RecoveryResult | undefined;
  const loadWall = new Date();
  try {
    say(
      `load: ${options.scenario.name}, ${options.orders} orders, concurrency ${options.concurrency}, seed ${options.seed}; ${options.fault.label} when the first ${options.trigger} passes`,
    );
    const loadBegan = performance.now();
    const load = runScenario(loadAccess, options.scenario, {
      orders: options.orders,
      concurrency: options.concurrency,
      seed: options.seed,
      settleTimeoutMs: Math.min(options.settleTimeoutMs, options.holdMs + LOAD_OUTCOME_WAIT_MS),
      onProgress: (line) => say(`  ${line.trim()}`),
    }).then(
      (value) => {
        run = value;
        result.load.durationMs = Math.round(performance.now() - loadBegan);
      },
      (error: unknown) => {
        result.load = { error: errorMessage(error), durationMs: Math.round(performance.now() - loadBegan) };
      },
    );

    const interrupted = new Promise<'interrupted'>((resolve) => {
      if (options.signal?.aborted) resolve('interrupted');
      options.signal?.addEventListener('abort', () => resolve('interrupted'), { once: true });
    });
    const fired = await Promise.race([
      trigger.fired.then(
        (event) => event,
        () => undefined,
      ),
      load.then(() => undefined),
      interrupted,
    ]);
    await trigger.close();
    if (fired === 'interrupted') throw new FrankError("Interrupted before the fault went in: nothing was injected; the load's sagas settle by themselves.");
    if (!fired) {
      await load;
      const finalRun = run as RunResult | undefined;
      if (finalRun)
        result.orders = {
          placed: finalRun.orders.placed,
          confirmed: finalRun.orders.confirmed,
          cancelled: finalRun.orders.cancelled,
          stuck: finalRun.orders.stuck,
          refused: finalRun.orders.failedToPlace,
        };
      result.reasons.push(
        `the fault was never injected: no ${options.trigger} passed during the load${result.load.error ? ` (the load failed: ${result.load.error})` : ''}`,
      );
      return finish();
    }
    result.trigger = { event: options.trigger, firedAtMs: at(), sagaId: fired.sagaId };

    const inFlight = await ordersInFlight(access);
    const injectedWall = new Date();
    let heldWall = injectedWall;
    let heldByGateway = 0;
    let probes: ReturnType<typeof probeRecovery> | undefined;
    const { healed } = await holdFault(chaos, options.fault, {
      forMs: options.holdMs,
      trigger: options.trigger,
      signal: options.signal,
      onPhase: (event) => say(`  ${event.resource} ${event.phase}`),
      onInjected: () => {
        result.injection.atMs = at();
        say(
          `fault: ${options.fault.label} in force at ${(at() / 1000).toFixed(1)} s (${inFlight.length} sagas in flight); healing in ${Math.round(options.holdMs / 100) / 10} s`,
        );
      },
      // The probes start as the heal begins: recovery is measured from there.
      beforeHeal: () => {
        heldWall = new Date();
        heldByGateway = gateway.held;
        probes = probeRecovery(access, {
          orderUrl: access.url('order'),
          token: probeCustomer!.token,
          sku: probeSku,
          since: performance.now(),
          deadlineMs: options.settleTimeoutMs,
        });
      },
    });
    result.injection.healedAtMs = at();
    result.injection.healMs = healed?.ms ?? null;
    say(
      `heal: ${options.fault.label} removed at ${(at() / 1000).toFixed(1)} s${healed && healed.ms > 500 ? ` (back in ${(healed.ms / 1000).toFixed(1)} s)` : ''}; probing for recovery`,
    );
    if (options.signal?.aborted) {
      probes!.stop();
      throw new FrankError('Interrupted: the fault was healed; the sagas of the load were left to settle by themselves.');
    }

    recovery = await probes!.done;
    result.recovery = {
      ms: recovery.recoveryMs,
      probes: recovery.probes.length,
      probesConfirmed: recovery.probes.filter((p) => p.status === 'CONFIRMED').length,
      refused: recovery.refused,
    };
    say(
      recovery.recoveryMs === null
        ? '  no probe saga was confirmed in time'
        : `  recovered: a probe saga confirmed ${(recovery.recoveryMs / 1000).toFixed(1)} s after the heal began`,
    );
    await load;
    result.affected = inFlight.length + (await ordersPlacedBetween(access, injectedWall, heldWall, inFlight)) + heldByGateway;
  } finally {
    await trigger.close();
    await gateway.close();
  }

  say('settle: waiting for every saga to settle and every invariant to hold');
  const probeIds = recovery?.probes.map((p) => p.orderId) ?? [];
  const end = await atRest(access, probeIds, options.settleTimeoutMs);
  result.invariants = end.invariants;
  // The load's orders: those placed since it began, less the probes (the steady state had none in flight).
  const loadOrders = (await ordersPlacedSince(access, loadWall)).filter((id) => !probeIds.includes(id));
  // Assigned in the load's callback, which TypeScript's flow analysis does not follow.
  const finalRun = run as RunResult | undefined;
  if (end.snapshot) {
    const counts = outcomeCounts(end.snapshot, loadOrders);
    const settled = new Set(end.snapshot.orders.filter((o) => TERMINAL.includes(o.status)).map((o) => o.id));
    result.orders = {
      placed: loadOrders.length,
      confirmed: counts.confirmed,
      cancelled: counts.cancelled,
      stuck: loadOrders.filter((id) => !settled.has(id)).length,
      refused: finalRun?.orders.failedToPlace ?? 0,
    };
    result.compensations = { released: counts.released, refunded: counts.refunded };
  }
  if (result.load.error) result.reasons.push(`the load failed: ${result.load.error}`);
  for (const invariant of end.invariants.filter((i) => !i.ok)) result.reasons.push(`${invariant.name}: ${invariant.details}`);
  if (result.recovery.ms === null)
    result.reasons.push(`not recovered: no probe saga was confirmed within ${Math.round(options.settleTimeoutMs / 1000)} s of the heal`);
  return finish();
}

/** Polls until every invariant holds (the probes included) or the timeout passes; the last reading either way. */
async function atRest(
  access: LabAccess,
  placedOrderIds: string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ invariants: InvariantResult[]; snapshot?: LabSnapshot }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    let reading: { invariants: InvariantResult[]; snapshot?: LabSnapshot };
    try {
      reading = await checkInvariants(access, { placedOrderIds });
    } catch (error) {
      reading = { invariants: [{ name: 'lab-readable', ok: false, details: `the lab could not be read: ${errorMessage(error)}`, ids: [] }] };
    }
    if (reading.invariants.every((i) => i.ok) || performance.now() > deadline || signal?.aborted) return reading;
    await sleep(500);
  }
}

async function ordersPlacedSince(access: LabAccess, since: Date): Promise<string[]> {
  const { rows } = await access.report('orders').query<{ id: string }>('SELECT id::text FROM saga_report.orders WHERE created_at >= $1', [since]);
  return rows.map((r) => r.id);
}

async function ordersInFlight(access: LabAccess): Promise<string[]> {
  const { rows } = await access.report('orders').query<{ id: string }>('SELECT id::text FROM saga_report.orders WHERE status <> ALL($1)', [TERMINAL]);
  return rows.map((r) => r.id);
}

async function ordersPlacedBetween(access: LabAccess, from: Date, to: Date, except: string[]): Promise<number> {
  const { rows } = await access
    .report('orders')
    .query<{ n: number }>('SELECT count(*)::int AS n FROM saga_report.orders WHERE created_at >= $1 AND created_at < $2 AND id::text <> ALL($3)', [
      from,
      to,
      except,
    ]);
  return rows[0]?.n ?? 0;
}

/** A product with plenty of stock that the scenario does not name, restocked when short (an adjustment: conservation holds). */
async function stockedProbeSku(access: LabAccess, scenario: Scenario): Promise<string> {
  const named = new Set([...Object.keys(scenario.stock), ...scenario.mix.flatMap((e) => e.items.map((l) => l.sku))]);
  const products = await http<{ sku: string; available: number }[]>(`${access.url('inventory')}/products?limit=200`);
  if (products.status !== 200 || !Array.isArray(products.body))
    throw new FrankError(`inventory's catalogue answered ${products.status}.`, { hint: 'Check `npx frank status`.' });
  const best = products.body.filter((p) => !named.has(p.sku)).sort((a, b) => b.available - a.available || a.sku.localeCompare(b.sku))[0];
  if (!best) throw new FrankError('inventory has no product for the recovery probes.', { hint: 'Run `npx frank seed --service inventory`.' });
  if (best.available < 50) {
    const product = await http<{ onHand: number }>(`${access.url('inventory')}/products/${encodeURIComponent(best.sku)}`);
    const answer = await http(`${access.url('inventory')}/admin/stock/${encodeURIComponent(best.sku)}`, {
      method: 'POST',
      body: { onHand: product.body.onHand + 50 },
    });
    if (answer.status >= 300) throw new FrankError(`inventory refused to restock ${best.sku} for the probes (${answer.status}).`);
  }
  return best.sku;
}
