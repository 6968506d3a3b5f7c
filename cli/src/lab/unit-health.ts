import type { RuntimeContext, Runtime } from '../runtimes/runtime.js';
import { adapterFor } from './kinds/index.js';
import { serviceAdapter } from './kinds/service.js';
import type { LabUnit, Service, Topology } from './topology.js';

/**
 * How a unit is doing now, from its process and its probes:
 * - healthy: it runs and its readiness probe passes;
 * - degraded: a service that runs and is alive (/health/live) but not ready, because something it
 *   uses does not answer; it is left running and waited for, never restarted;
 * - unhealthy: it runs and answers neither (a resource that fails its protocol probe, a service
 *   that is not alive): it is restarted;
 * - stopped: its process is gone.
 */
export type UnitHealth =
  { health: 'healthy' } | { health: 'degraded'; waitingFor: string[]; reason: string } | { health: 'unhealthy'; reason: string } | { health: 'stopped' };

export type HealthName = UnitHealth['health'];

const PROBE_TIMEOUT_MS = 3000;

/** Each probe is asked twice before it counts as failed: one slow answer on a busy machine is no sick unit. */
async function twice(probe: (signal: AbortSignal) => Promise<void>): Promise<string | undefined> {
  let last: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await probe(AbortSignal.timeout(PROBE_TIMEOUT_MS));
      return undefined;
    } catch (error) {
      last = error;
    }
  }
  return last instanceof Error ? last.message : String(last);
}

export async function unitHealth(unit: LabUnit, runtime: Pick<Runtime, 'isRunning'>, context: RuntimeContext): Promise<UnitHealth> {
  if (!(await runtime.isRunning(unit, context))) return { health: 'stopped' };
  const access = { topology: context.topology, credentials: context.credentials };
  const notReady = await twice((signal) => adapterFor(unit).probe(unit, access, signal));
  if (notReady === undefined) return { health: 'healthy' };
  if (unit.kind !== 'service') return { health: 'unhealthy', reason: notReady };
  const notLive = await twice((signal) => serviceAdapter.live(unit, access, signal));
  if (notLive !== undefined) return { health: 'unhealthy', reason: `not alive: ${notLive}` };
  const readiness = await serviceAdapter.readiness(unit, access, AbortSignal.timeout(PROBE_TIMEOUT_MS)).catch(() => undefined);
  // It became ready between the two readings: that is healthy.
  if (readiness?.ready) return { health: 'healthy' };
  const waitingFor = [...new Set((readiness?.waitingFor ?? []).map((w) => labNameOf(w.dependency, unit, context.topology)))];
  return { health: 'degraded', waitingFor, reason: readiness?.reason ?? notReady };
}

/** What a service's readiness names (a kind such as `rabbitmq` or `postgres`, or a service) as the lab names it: the resource it uses of that kind. */
export function labNameOf(dependency: string, service: Service, topology: Topology): string {
  const used = service.uses.map((name) => topology.resources.find((r) => r.name === name)).find((r) => r?.kind === dependency);
  if (used) return used.name;
  return dependency;
}

/** `degraded: waiting for rabbitmq` and the like, for status lines. */
export function describeHealth(health: UnitHealth): string {
  if (health.health === 'degraded') return health.waitingFor.length > 0 ? `degraded: waiting for ${health.waitingFor.join(', ')}` : 'degraded';
  return health.health;
}
