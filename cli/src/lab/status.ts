import { UsageError, type LabPhase } from '../errors.js';
import { loadServiceContract } from './service-contracts.js';
import { adapterFor } from './kinds/index.js';
import { runtimeContext, type Lab } from './lab.js';
import { labServiceEnvironment, labUnits } from './up.js';
import { describeHealth, unitHealth, type HealthName } from './unit-health.js';

export interface ResourceStatus {
  name: string;
  kind: string;
  runtime: string;
  port: number;
  phase: LabPhase;
  /** degraded: a service alive and waiting for something down (left running, never restarted for it). */
  health: HealthName;
  /** What a degraded service waits for, as the lab names it (`rabbitmq`, `order-db`). */
  waitingFor?: string[];
  /** `degraded: waiting for rabbitmq`, or the health alone. */
  detail: string;
  url: string;
}

/** What each resource's and service's recorded phase is and what a live probe says now. */
export async function labStatus(lab: Lab): Promise<ResourceStatus[]> {
  const context = await runtimeContext(lab, lab.state?.id ?? '');
  return Promise.all(
    labUnits(lab.topology).units.map(async (resource) => {
      const health = lab.state ? await unitHealth(resource, lab.runtime, context) : ({ health: 'stopped' } as const);
      return {
        name: resource.name,
        kind: resource.kind,
        runtime: lab.runtime.name,
        port: resource.port,
        phase: lab.state?.resources[resource.name]?.phase ?? 'declared',
        health: health.health,
        ...(health.health === 'degraded' ? { waitingFor: health.waitingFor } : {}),
        detail: describeHealth(health),
        url: adapterFor(resource).url(resource, { topology: lab.topology, credentials: context.credentials }),
      };
    }),
  );
}

/** Every resource's connection variables, as `frank env` prints them. */
export async function labEnvironment(lab: Lab): Promise<Record<string, string>> {
  const context = await runtimeContext(lab, lab.state?.id ?? '');
  const access = { topology: lab.topology, credentials: context.credentials };
  return Object.assign({}, ...labUnits(lab.topology).units.map((unit) => adapterFor(unit).env(unit, access)));
}

/** What the lab passes a service: to run it by hand beside a lab started with --no-services. */
export async function serviceEnvironmentOf(lab: Lab, name: string): Promise<Record<string, string>> {
  const service = lab.topology.services.find((s) => s.name === name);
  if (!service) {
    throw new UsageError(`No service "${name}" in ${lab.topology.file}.`, { hint: `Use one of: ${lab.topology.services.map((s) => s.name).join(', ')}.` });
  }
  const context = await runtimeContext(lab, lab.state?.id ?? '');
  const contracts = new Map([[name, await loadServiceContract(lab.topology, name)]]);
  return labServiceEnvironment(lab, service, context.credentials, contracts);
}
