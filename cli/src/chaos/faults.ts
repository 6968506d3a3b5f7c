import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FrankError, ResourceError, errorMessage } from '../errors.js';
import { setFlag } from '../lab/flags.js';
import { unitHealth } from '../lab/unit-health.js';
import { restartUnit, type ProgressListener } from '../lab/up.js';
import { portClosed, waitUntil } from '../lab/wait.js';
import { unitOf, type ChaosLab } from './chaos-lab.js';
import type { Fault } from './fault-spec.js';
import type { FaultRecord } from './fault-store.js';

export interface InjectOptions {
  /** Heal by itself after this long: the record says when, so a later command heals it if this process cannot. */
  durationMs?: number;
  trigger?: string;
}

/** A process that waits to heal its own `--for` fault gets this long past the heal time before others do it. */
const OWNER_GRACE_MS = 10_000;

/**
 * Injects the fault and records it in `.frank/faults.json`. A kill must take effect (its port
 * closes) before this returns; a link fault is in force once Toxiproxy has answered.
 */
export async function injectFault(chaos: ChaosLab, fault: Fault, options: InjectOptions = {}): Promise<FaultRecord> {
  const clash = (await chaos.store.list()).find((r) => clashes(r.fault, fault));
  if (clash)
    throw new FrankError(`${fault.label} would overlap a fault in force: ${clash.label} (${clash.id}).`, { hint: 'Heal it first: `npx frank chaos heal`.' });
  const now = Date.now();
  const record: FaultRecord = {
    id: randomBytes(3).toString('hex'),
    label: fault.label,
    fault,
    injectedAt: new Date(now).toISOString(),
    ...(options.durationMs !== undefined ? { healAt: new Date(now + options.durationMs).toISOString() } : {}),
    pid: process.pid,
    ...(options.trigger ? { trigger: options.trigger } : {}),
  };
  // Recorded before it is applied: a fault half applied (a crash between two links) is still healed by `chaos heal`.
  await chaos.store.add(record);
  try {
    await applyFault(chaos, fault, record.id);
  } catch (error) {
    await chaos.store.claim((r) => r.id === record.id);
    await undoFault(chaos, record).catch(() => undefined);
    throw error;
  }
  return record;
}

export interface Healed {
  record: FaultRecord;
  /** How long the heal took (a restart waits for the unit to be healthy again). */
  ms: number;
}

/**
 * Heals the faults that match: each is claimed first, so two processes never heal one fault twice.
 * A heal that fails puts its fault back in the record and fails naming it.
 */
export async function healFaults(chaos: ChaosLab, match: (record: FaultRecord) => boolean, onPhase?: ProgressListener): Promise<Healed[]> {
  const claimed = await chaos.store.claim(match);
  const healed: Healed[] = [];
  const failures: string[] = [];
  for (const record of claimed) {
    const began = performance.now();
    try {
      await undoFault(chaos, record, onPhase);
      healed.push({ record, ms: Math.round(performance.now() - began) });
    } catch (error) {
      await chaos.store.add(record);
      // The server's own last words say why it did not come back.
      const logTail = error instanceof ResourceError && error.logTail ? `\n${error.logTail}` : '';
      failures.push(`${record.label}: ${errorMessage(error)}${logTail}`);
    }
  }
  if (failures.length > 0)
    throw new FrankError(`Could not heal ${failures.join('; ')}`, { hint: '`npx frank up` restarts whatever is down; `npx frank chaos heal` tries again.' });
  return healed;
}

export interface HoldOptions {
  /** How long the fault stays in force; an abort of `signal` cuts it short (Ctrl-C, a run that ends). */
  forMs: number;
  trigger?: string;
  signal?: AbortSignal;
  onPhase?: ProgressListener;
  /** Once the fault is in force. */
  onInjected?(record: FaultRecord): void | Promise<void>;
  /** After the hold, just before the heal (an experiment starts its recovery probes there). */
  beforeHeal?(): void | Promise<void>;
}

/**
 * The one chaos flow of `frank chaos <fault> --for`, `saga run --chaos` and `chaos run`: inject,
 * hold, heal that fault. Whatever happens while it is held, it is healed before this returns or
 * throws. `healed` is undefined when something else healed it first (`frank chaos heal`, `down`).
 */
export async function holdFault(chaos: ChaosLab, fault: Fault, options: HoldOptions): Promise<{ record: FaultRecord; healed: Healed | undefined }> {
  const record = await injectFault(chaos, fault, { durationMs: options.forMs, trigger: options.trigger });
  const heal = async () => (await healFaults(chaos, (r) => r.id === record.id, options.onPhase))[0];
  try {
    await options.onInjected?.(record);
    await sleep(options.forMs, undefined, { signal: options.signal }).catch(() => undefined);
    await options.beforeHeal?.();
  } catch (error) {
    await heal().catch(() => undefined);
    throw error;
  }
  return { record, healed: await heal() };
}

/** Faults whose `--for` has run out and whose owner did not heal them (it died, or was killed). */
export function healExpiredFaults(chaos: ChaosLab, onPhase?: ProgressListener): Promise<Healed[]> {
  const now = Date.now();
  return healFaults(
    chaos,
    (r) => r.healAt !== undefined && now > Date.parse(r.healAt) + (r.pid !== process.pid && processAlive(r.pid) ? OWNER_GRACE_MS : 0),
    onPhase,
  );
}

/** Every recorded fault, then whatever Toxiproxy still holds (a toxic added by hand): the links as `up` made them. */
export async function healEveryFault(chaos: ChaosLab, onPhase?: ProgressListener): Promise<Healed[]> {
  const healed = await healFaults(chaos, () => true, onPhase);
  if (chaos.lab.topology.resources.some((r) => r.kind === 'toxiproxy')) await chaos.toxiproxy().reset();
  return healed;
}

/** The name of a fault's toxic on each of its links: ours are found again by it. */
export function toxicName(faultId: string): string {
  return `frank-${faultId}`;
}

async function applyFault(chaos: ChaosLab, fault: Fault, id: string): Promise<void> {
  const { runtime } = chaos.lab;
  if (fault.kind === 'flag') {
    // In force once the service reads it (setFlag waits for that).
    await setFlag(chaos.lab, fault.flag, true);
    return;
  }
  if (fault.kind === 'kill') {
    const unit = unitOf(chaos, fault.unit);
    if (!(await runtime.isRunning(unit, chaos.context)))
      throw new FrankError(`${unit.name} is not running: there is nothing to kill.`, { hint: 'See `npx frank status`; `npx frank up` starts it.' });
    await runtime.kill(unit, chaos.context);
    // In force only once nothing answers on its port any more.
    await waitUntil(portClosed(chaos.lab.topology.host, unit.port), { timeoutMs: 10_000, intervalMs: 50 });
    return;
  }
  const proxies = await chaos.toxiproxy().proxies();
  const missing = fault.links.filter((link) => !proxies[link]);
  if (missing.length > 0)
    throw new FrankError(`Toxiproxy has no proxy for ${missing.join(', ')}.`, { hint: 'Run `npx frank up`: it creates one proxy per link.' });
  for (const link of fault.links) {
    if (fault.toxic) await chaos.toxiproxy().addToxic(link, toxicName(id), fault.toxic);
    else await chaos.toxiproxy().setEnabled(link, false);
  }
}

async function undoFault(chaos: ChaosLab, record: FaultRecord, onPhase?: ProgressListener): Promise<void> {
  const { fault } = record;
  if (fault.kind === 'flag') {
    await setFlag(chaos.lab, fault.flag, false);
    return;
  }
  if (fault.kind === 'kill') {
    const unit = unitOf(chaos, fault.unit);
    // `frank up` may have brought it back already; a service alive again is not restarted either.
    const now = await unitHealth(unit, chaos.lab.runtime, chaos.context);
    if (now.health === 'healthy' || now.health === 'degraded') return;
    await restartUnit(chaos.lab, unit, onPhase);
    return;
  }
  for (const link of fault.links) {
    if (fault.toxic) await chaos.toxiproxy().removeToxic(link, toxicName(record.id));
    else await chaos.toxiproxy().setEnabled(link, true);
  }
}

/** Two kills of one unit, two partitions of one link or two flips of one flag: healing one would undo the other. Toxics stack. */
function clashes(a: Fault, b: Fault): boolean {
  if (a.kind === 'flag' && b.kind === 'flag') return a.flag === b.flag;
  if (a.kind === 'kill' && b.kind === 'kill') return a.unit === b.unit;
  if (a.kind === 'link' && b.kind === 'link' && !a.toxic && !b.toxic) return a.links.some((l) => b.links.includes(l));
  return false;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
