import { existsSync } from 'node:fs';
import path from 'node:path';
import { FrankError, ResourceError, errorMessage, type LabPhase } from '../errors.js';
import type { RuntimeContext } from '../runtimes/runtime.js';
import { adapterFor } from './kinds/index.js';
import { runtimeContext, type Lab } from './lab.js';
import { labParts } from './lab-console.js';
import { LabStateStore, newLabState } from './lab-state.js';
import { migrateService, seedService, serviceDatabases } from './migrations.js';
import { assertPortsFree, listeningPorts } from './ports.js';
import { serviceDirectory } from '../runtimes/checkout.js';
import { assertContracts, contractOf, loadServiceContract, loadServiceContracts, type ServiceContracts } from './service-contracts.js';
import { serviceEnvironment, type ServiceAddresses } from './service-env.js';
import type { Credentials } from './credentials.js';
import { startsAfter, type LabUnit, type Link, type Service, type Topology } from './topology.js';
import { describeHealth, unitHealth, type UnitHealth } from './unit-health.js';
import { WaitTimeoutError, waitUntil } from './wait.js';

export interface PhaseEvent {
  resource: string;
  phase: LabPhase;
  /** Since this unit started its walk through the phases. */
  elapsedMs: number;
}

export type ProgressListener = (event: PhaseEvent) => void;

export interface UpOptions {
  /** The seed number of the services' demo data. */
  seed?: number;
  /** Start the servers only, e.g. to run the services from an editor. */
  services?: boolean;
  /** Told the units this run will start or wait for, before the first one starts (nothing when all are up). */
  onPlan?: (units: LabUnit[]) => void;
  /** Told the services left running because they are alive and wait for something that is down, with what they wait for. */
  onWaiting?: (units: { name: string; waitingFor: string[] }[]) => void;
}

export interface UpResult {
  alreadyUp: boolean;
  started: string[];
  /** Alive services that waited for a dependency: left running, and waited for until ready. */
  waited: string[];
  /** Services declared in frank.yaml whose code does not exist yet. */
  withoutCode: string[];
  elapsedMs: number;
}

/** What `frank up` runs: every resource, and every service whose code exists. */
export function labUnits(topology: Topology): { units: LabUnit[]; withoutCode: string[] } {
  const hasCode = (name: string) => existsSync(path.join(serviceDirectory(topology, name), 'src', 'main.ts'));
  return {
    units: [...topology.resources, ...topology.services.filter((s) => hasCode(s.name))],
    withoutCode: topology.services.filter((s) => !hasCode(s.name)).map((s) => s.name),
  };
}

/**
 * Walks every unit through starting → booted → ready → migrated → seeded → healthy along the
 * dependency graph: the servers all at once; a PostgreSQL resource migrates and seeds the
 * databases of the services that own them; a service starts when everything it uses is healthy.
 * A failure stops what this run started.
 */
export async function upLab(lab: Lab, onPhase: ProgressListener = () => undefined, options: UpOptions = {}): Promise<UpResult> {
  const began = Date.now();
  const { topology, runtime } = lab;
  const missing = (await runtime.requirements(topology)).filter((r) => !r.path);
  if (missing.length > 0) {
    throw new FrankError(`Missing program${missing.length > 1 ? 's' : ''}: ${missing.map((m) => `${m.program} (for ${m.resource})`).join(', ')}.`, {
      hint: `Run \`npx frank deps install\`, or install by hand:\n${missing.map((m) => `  ${m.fix}`).join('\n')}`,
    });
  }
  const all = labUnits(topology);
  const units = options.services === false ? all.units.filter((u) => u.kind !== 'service') : all.units;
  const withoutCode = options.services === false ? [] : all.withoutCode;
  // frank.yaml against what each service reads, before anything starts.
  const services = units.filter((u): u is Service => u.kind === 'service');
  const contracts = await loadServiceContracts({ ...topology, services });
  assertContracts({ ...topology, services }, contracts);

  const store = new LabStateStore(lab.paths.labFile, lab.state ?? newLabState(runtime.name, topology.portOffset));
  store.state.runtime = runtime.name;
  store.state.portOffset = topology.portOffset;
  const context = await runtimeContext(lab, store.state.id);

  const abort = new AbortController();
  const walks = new Map<string, Promise<void>>();
  /**
   * After a failure: what this run started is stopped again, services first. Leftovers of the lab
   * are swept only when nothing of it ran before this run: a sweep would kill the units that were
   * running fine (a heal that fails leaves the rest of the lab as it was).
   */
  const stopStarted = async (started: LabUnit[], sweep: boolean) => {
    await Promise.all(started.filter((u) => u.kind === 'service').map((u) => runtime.stop(u, context)));
    await Promise.all(started.filter((u) => u.kind !== 'service').map((u) => runtime.stop(u, context)));
    if (sweep) await runtime.sweep(context);
    for (const unit of started) {
      if (store.state.resources[unit.name]?.phase !== 'failed') await store.setPhase(unit.name, 'stopped');
    }
  };
  const dependenciesOf = (unit: LabUnit) =>
    startsAfter(unit, topology)
      .map((name) => walks.get(name))
      .filter((w): w is Promise<void> => w !== undefined);
  const walk = (unit: LabUnit) => {
    const walking = Promise.all(dependenciesOf(unit)).then(() => bringUp(unit, context, lab, store, onPhase, abort.signal, { ...options, contracts }));
    walking.catch(() => abort.abort());
    walks.set(unit.name, walking);
  };
  /** Clears what a dead or sick unit left (a stale pid file, an epmd holding the name), then checks that their ports are free. */
  const prepare = async (restarting: LabUnit[], checkPortsOf: LabUnit[] = restarting) => {
    await Promise.all(restarting.map((u) => runtime.stop(u, context)));
    const names = new Set(checkPortsOf.map((u) => u.name));
    await assertPortsFree(topology, new Set(units.filter((u) => !names.has(u.name)).map((u) => u.name)));
  };

  // A server whose process is gone (a killed broker or database) needs no probe to know it must be
  // started: it starts at once, while the units that run are probed.
  const runningNow = new Map(await Promise.all(units.map(async (u) => [u.name, await runtime.isRunning(u, context)] as const)));
  const goneServers = units.filter((u) => u.kind !== 'service' && !runningNow.get(u.name));
  if (goneServers.length > 0) {
    // Every port of every unit that does not run is checked before anything starts.
    await prepare(
      goneServers,
      units.filter((u) => !runningNow.get(u.name)),
    );
    for (const unit of goneServers) walk(unit);
  }

  const health = new Map<string, UnitHealth>(goneServers.map((u) => [u.name, { health: 'stopped' }]));
  await Promise.all(units.filter((u) => !health.has(u.name)).map(async (unit) => health.set(unit.name, await unitHealth(unit, runtime, context))));
  const healthy = new Set(units.filter((u) => health.get(u.name)!.health === 'healthy').map((u) => u.name));
  if (healthy.size === units.length) return { alreadyUp: true, started: [], waited: [], withoutCode, elapsedMs: Date.now() - began };

  // A service that is alive but not ready waits for something that is down (the broker, its
  // database): it keeps serving what it can, so it is left running and waited for. Only a unit
  // whose process is gone, or that answers nothing (a resource its probe, a service /health/live),
  // is restarted.
  const waiting = units.filter((u) => health.get(u.name)!.health === 'degraded');
  const running = new Set([...healthy, ...waiting.map((u) => u.name)]);
  const toStart = units.filter((u) => !running.has(u.name));
  const later = toStart.filter((u) => !goneServers.includes(u));
  // Nothing else starts while the servers started first fail: their failure ends this run.
  if (later.length > 0 && !abort.signal.aborted) {
    try {
      await prepare(later);
    } catch (error) {
      // A port of a unit to restart is taken: what this run started already is stopped again.
      abort.abort();
      await Promise.allSettled(goneServers.map((u) => walks.get(u.name)));
      await stopStarted(goneServers, running.size === 0);
      throw error;
    }
  }
  if (waiting.length > 0)
    options.onWaiting?.(waiting.map((u) => ({ name: u.name, waitingFor: (health.get(u.name) as Extract<UnitHealth, { health: 'degraded' }>).waitingFor })));
  options.onPlan?.([...toStart, ...waiting]);

  for (const unit of units) {
    if (healthy.has(unit.name)) walks.set(unit.name, Promise.resolve());
  }
  for (const unit of later) walk(unit);
  // A service left running that does not become ready fails `up`, but stops nothing: what this run brought back stays.
  for (const unit of waiting)
    walks.set(
      unit.name,
      Promise.all(dependenciesOf(unit)).then(() => awaitReady(unit, context, lab, store, onPhase, abort.signal, health.get(unit.name)!)),
    );
  const outcomes = await Promise.allSettled(toStart.map((u) => walks.get(u.name)!));
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected' && !(o.reason instanceof CancelledError));
  const waited = await Promise.allSettled(waiting.map((u) => walks.get(u.name)!));
  if (failure || abort.signal.aborted) {
    await stopStarted(toStart, running.size === 0);
    throw failure?.reason ?? new Error('frank up was cancelled');
  }
  const stillWaiting = waited.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (stillWaiting) throw stillWaiting.reason;
  return { alreadyUp: false, started: toStart.map((u) => u.name), waited: waiting.map((u) => u.name), withoutCode, elapsedMs: Date.now() - began };
}

class CancelledError extends Error {}

/**
 * Waits for a live service that is not ready (it waits for a dependency, which this run brings
 * back) to become ready, without touching its process. One that stays unready is a failure that
 * names what it waits for; it is not restarted.
 */
async function awaitReady(
  unit: LabUnit,
  context: RuntimeContext,
  lab: Lab,
  store: LabStateStore,
  onPhase: ProgressListener,
  signal: AbortSignal,
  before: UnitHealth,
): Promise<void> {
  const began = Date.now();
  const adapter = adapterFor(unit);
  const access = { topology: context.topology, credentials: context.credentials };
  try {
    await waitUntil((s) => adapter.probe(unit, access, s), { timeoutMs: adapter.readyTimeoutMs, intervalMs: 100, signal });
  } catch (error) {
    if (signal.aborted) throw new CancelledError(errorMessage(error));
    const now = await unitHealth(unit, lab.runtime, context);
    const waitingFor = now.health === 'degraded' ? now.waitingFor : before.health === 'degraded' ? before.waitingFor : [];
    const reason = `alive but not ready after ${Math.round(adapter.readyTimeoutMs / 1000)} s${waitingFor.length > 0 ? `: it waits for ${waitingFor.join(', ')}` : ''} (${describeHealth(now)})`;
    onPhase({ resource: unit.name, phase: 'failed', elapsedMs: Date.now() - began });
    throw new ResourceError(unit.name, 'ready', reason, {
      logTail: await lab.runtime.logTail(unit, context, 15),
      hint: `It was left running. Its log: ${lab.runtime.logLocation?.(unit, context) ?? context.paths.log(unit.name)}; \`npx frank status\` says what it waits for.`,
      cause: error,
    });
  }
  await store.setPhase(unit.name, 'healthy');
  onPhase({ resource: unit.name, phase: 'healthy', elapsedMs: Date.now() - began });
}

/** What the lab gives one of its services: what it declares, natively or in a container, with the lab's own parts. */
export function labServiceEnvironment(
  lab: Pick<Lab, 'topology'>,
  service: Service,
  credentials: Credentials,
  contracts: ServiceContracts,
  addresses?: ServiceAddresses,
): Record<string, string> {
  return serviceEnvironment(service, lab.topology, credentials, contractOf(contracts, service.name).described, {
    ...(addresses ? { addresses } : {}),
    lab: labParts(lab, credentials),
    runtime: { NODE_ENV: 'development' },
  });
}

/**
 * Brings one unit back after it died (a chaos fault, a crash): the same start, readiness probes
 * and provisioning as `up`, without the migration and seed jobs, which ran when the lab came up
 * (a seed after a load would put back stock the orders took).
 */
export async function restartUnit(lab: Lab, unit: LabUnit, onPhase: ProgressListener = () => undefined): Promise<void> {
  if (!lab.state) throw new FrankError('The lab is not up.', { hint: 'Run `npx frank up` first.' });
  const store = new LabStateStore(lab.paths.labFile, lab.state);
  const context = await runtimeContext(lab, lab.state.id);
  const contracts: ServiceContracts = unit.kind === 'service' ? new Map([[unit.name, await loadServiceContract(lab.topology, unit.name)]]) : new Map();
  for (let attempt = 1; ; attempt++) {
    // What the dead unit left: a stale pid file, an exited container, an epmd still holding the node's name.
    await lab.runtime.stop(unit, context);
    try {
      await bringUp(unit, context, lab, store, onPhase, new AbortController().signal, { jobs: false, contracts });
      return;
    } catch (error) {
      // A server that exits while it recovers from a SIGKILL gets another start, as a supervisor would give it;
      // one that never answers in time does not.
      const exitedWhileStarting = error instanceof ResourceError && !(error.cause instanceof WaitTimeoutError);
      if (!exitedWhileStarting || attempt >= RESTART_ATTEMPTS) throw error;
    }
  }
}

const RESTART_ATTEMPTS = 3;

async function bringUp(
  unit: LabUnit,
  context: RuntimeContext,
  lab: Lab,
  store: LabStateStore,
  onPhase: ProgressListener,
  signal: AbortSignal,
  options: UpOptions & { jobs?: boolean; contracts: ServiceContracts },
): Promise<void> {
  const began = Date.now();
  const adapter = adapterFor(unit);
  const route = lab.runtime.proxyRoute?.bind(lab.runtime);
  const access = { topology: context.topology, credentials: context.credentials, proxyRoute: route && ((link: Link) => route(link, context.topology)) };
  let phase: LabPhase = 'starting';
  const enter = async (next: LabPhase) => {
    if (signal.aborted) throw new CancelledError('cancelled: another unit failed');
    phase = next;
    await store.setPhase(unit.name, next);
    onPhase({ resource: unit.name, phase: next, elapsedMs: Date.now() - began });
  };
  const owners = serviceDatabases(context.topology).filter((owner) => owner.resource.name === unit.name);
  try {
    await enter('starting');
    const environment =
      unit.kind === 'service'
        ? (addresses?: ServiceAddresses) => labServiceEnvironment(lab, unit, context.credentials, options.contracts, addresses)
        : undefined;
    const started = await lab.runtime.start(unit, context, environment);
    await enter('booted');
    // Natively, the probe connects only once the port listens: a connection to a port nobody
    // listens on can be given that very port as its own (one try in a few thousand in the
    // ephemeral range) and connect to itself, and then the server cannot bind it.
    const probe = async (s: AbortSignal) => {
      if (lab.runtime.name === 'native' && (await listeningPorts([unit.port]))?.length === 0) throw new Error(`nothing listens on port ${unit.port} yet`);
      await adapter.probe(unit, access, s);
    };
    await waitUntil(probe, { timeoutMs: adapter.readyTimeoutMs, intervalMs: 100, giveUpWhen: started.exited, signal });
    await enter('ready');
    await adapter.provision(unit, access);
    if (options.jobs !== false) {
      for (const owner of owners) await migrateService(owner, context.topology, context.credentials);
      await enter('migrated');
      for (const owner of owners) await seedService(owner, context.topology, context.credentials, options.seed ?? 1);
      await enter('seeded');
    }
    // The same probe again, after the jobs; a loaded machine may need a few tries.
    await waitUntil((s) => adapter.probe(unit, access, s), { timeoutMs: 15_000, intervalMs: 200, giveUpWhen: started.exited, signal });
    await enter('healthy');
  } catch (error) {
    if (error instanceof CancelledError || (signal.aborted && !(error instanceof FrankError))) {
      await store.setPhase(unit.name, 'stopped');
      throw new CancelledError(errorMessage(error));
    }
    const logTail = await lab.runtime.logTail(unit, context, 15);
    const reason = error instanceof WaitTimeoutError ? error.message : errorMessage(error);
    await store.setPhase(unit.name, 'failed', `${phase}: ${reason}`);
    onPhase({ resource: unit.name, phase: 'failed', elapsedMs: Date.now() - began });
    if (error instanceof FrankError) throw error;
    throw new ResourceError(unit.name, phase, reason, {
      logTail,
      hint: `Its log: ${lab.runtime.logLocation?.(unit, context) ?? context.paths.log(unit.name)}`,
      cause: error,
    });
  }
}

/**
 * Whether a running unit answers its protocol probe; one that fails is asked once more, since a
 * single slow answer on a busy machine is no sick unit (and `up` would restart what it calls sick).
 */
export async function answersProbe(unit: LabUnit, context: RuntimeContext): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await adapterFor(unit).probe(unit, { topology: context.topology, credentials: context.credentials }, AbortSignal.timeout(3000));
      return true;
    } catch {
      // the second try decides
    }
  }
  return false;
}
