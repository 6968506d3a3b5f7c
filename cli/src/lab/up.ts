import { FrankError, ResourceError, errorMessage, type LabPhase } from '../errors.js';
import type { RuntimeContext } from '../runtimes/runtime.js';
import { adapterFor } from './kinds/index.js';
import { runtimeContext, type Lab } from './lab.js';
import { LabStateStore, newLabState } from './lab-state.js';
import { assertPortsFree } from './ports.js';
import type { Link, Resource } from './topology.js';
import { WaitTimeoutError, waitUntil } from './wait.js';

export interface PhaseEvent {
  resource: string;
  phase: LabPhase;
  /** Since this resource started its walk through the phases. */
  elapsedMs: number;
}

export type ProgressListener = (event: PhaseEvent) => void;

export interface UpResult {
  alreadyUp: boolean;
  started: string[];
  elapsedMs: number;
}

/**
 * Walks every resource through starting → booted → ready → migrated → seeded → healthy, all in
 * parallel (no infrastructure resource depends on another). A failure stops what this run started.
 */
export async function upLab(lab: Lab, onPhase: ProgressListener = () => undefined): Promise<UpResult> {
  const began = Date.now();
  const { topology, runtime } = lab;
  const missing = (await runtime.requirements(topology)).filter((r) => !r.path);
  if (missing.length > 0) {
    throw new FrankError(`Missing program${missing.length > 1 ? 's' : ''}: ${missing.map((m) => `${m.program} (for ${m.resource})`).join(', ')}.`, {
      hint: `Run \`npx frank deps install\`, or install by hand:\n${missing.map((m) => `  ${m.fix}`).join('\n')}`,
    });
  }

  const store = new LabStateStore(lab.paths.labFile, lab.state ?? newLabState(runtime.name, topology.portOffset));
  store.state.runtime = runtime.name;
  store.state.portOffset = topology.portOffset;
  const context = await runtimeContext(lab, store.state.id);

  const healthy = new Set<string>();
  await Promise.all(
    topology.resources.map(async (resource) => {
      if ((await runtime.isRunning(resource, context)) && (await probeOnce(resource, context))) healthy.add(resource.name);
    }),
  );
  if (healthy.size === topology.resources.length) return { alreadyUp: true, started: [], elapsedMs: Date.now() - began };

  // A resource whose process runs but does not answer is restarted rather than trusted.
  const toStart = topology.resources.filter((r) => !healthy.has(r.name));
  await Promise.all(toStart.map((r) => runtime.stop(r, context)));
  await assertPortsFree(topology, healthy);

  const abort = new AbortController();
  const attempts = toStart.map((resource) => bringUp(resource, context, lab, store, onPhase, abort.signal));
  const outcomes = await Promise.allSettled(attempts.map((attempt) => attempt.catch((error) => {
    abort.abort();
    throw error;
  })));
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) {
    await Promise.all(toStart.map((r) => runtime.stop(r, context)));
    await runtime.sweep(context);
    for (const resource of toStart) {
      if (store.state.resources[resource.name]?.phase !== 'failed') await store.setPhase(resource.name, 'stopped');
    }
    throw failure.reason;
  }
  return { alreadyUp: false, started: toStart.map((r) => r.name), elapsedMs: Date.now() - began };
}

async function bringUp(resource: Resource, context: RuntimeContext, lab: Lab, store: LabStateStore, onPhase: ProgressListener, signal: AbortSignal): Promise<void> {
  const began = Date.now();
  const adapter = adapterFor(resource);
  const route = lab.runtime.proxyRoute?.bind(lab.runtime);
  const access = { topology: context.topology, credentials: context.credentials, proxyRoute: route && ((link: Link) => route(link, context.topology)) };
  let phase: LabPhase = 'starting';
  const enter = async (next: LabPhase) => {
    if (signal.aborted) throw new Error('cancelled: another resource failed');
    phase = next;
    await store.setPhase(resource.name, next);
    onPhase({ resource: resource.name, phase: next, elapsedMs: Date.now() - began });
  };
  try {
    await enter('starting');
    const started = await lab.runtime.start(resource, context);
    await enter('booted');
    await waitUntil((s) => adapter.probe(resource, access, s), { timeoutMs: adapter.readyTimeoutMs, intervalMs: 100, giveUpWhen: started.exited, signal });
    await enter('ready');
    await adapter.provision(resource, access);
    await enter('migrated');
    // Infrastructure carries no seed data; services' seeds land in their own phase.
    await enter('seeded');
    await adapter.probe(resource, access, signal);
    await enter('healthy');
  } catch (error) {
    if (signal.aborted && !(error instanceof FrankError)) {
      await store.setPhase(resource.name, 'stopped');
      throw error;
    }
    const logTail = await lab.runtime.logTail(resource, context, 15);
    const reason = error instanceof WaitTimeoutError ? error.message : errorMessage(error);
    await store.setPhase(resource.name, 'failed', `${phase}: ${reason}`);
    onPhase({ resource: resource.name, phase: 'failed', elapsedMs: Date.now() - began });
    if (error instanceof FrankError) throw error;
    throw new ResourceError(resource.name, phase, reason, {
      logTail,
      hint: `Its log: ${lab.runtime.logLocation?.(resource, context) ?? context.paths.log(resource.name)}`,
      cause: error,
    });
  }
}

async function probeOnce(resource: Resource, context: RuntimeContext): Promise<boolean> {
  try {
    await adapterFor(resource).probe(resource, { topology: context.topology, credentials: context.credentials }, AbortSignal.timeout(3000));
    return true;
  } catch {
    return false;
  }
}

export { probeOnce };
