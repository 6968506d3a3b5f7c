import { FrankError, UsageError } from '../errors.js';
import { runtimeContext, type Lab } from './lab.js';
import { migrateService, seedService, serviceDatabases, type ServiceDatabase } from './migrations.js';

/** The services a `migrate` or `seed` acts on: all that own a database, or the one named. */
async function owners(lab: Lab, only: string | undefined): Promise<ServiceDatabase[]> {
  const all = serviceDatabases(lab.topology);
  const chosen = only ? all.filter((o) => o.service.name === only) : all;
  if (only && chosen.length === 0) {
    throw new UsageError(`No service "${only}" with a database in ${lab.topology.file}.`, {
      hint: `Use one of: ${all.map((o) => o.service.name).join(', ')}.`,
    });
  }
  if (!lab.state || !lab.isUp) throw new FrankError('The lab is not up.', { hint: 'Start it first: npx frank up' });
  const context = await runtimeContext(lab, lab.state.id);
  for (const owner of chosen) {
    if (!(await lab.runtime.isRunning(owner.resource, context))) {
      throw new FrankError(`${owner.resource.name}, the database of ${owner.service.name}, is not running.`, { hint: 'Start the lab: npx frank up' });
    }
  }
  return chosen;
}

export async function migrateLab(lab: Lab, only?: string): Promise<{ service: string; applied: string[] }[]> {
  const context = await runtimeContext(lab, lab.state?.id ?? '');
  const results = [];
  for (const owner of await owners(lab, only)) {
    results.push({ service: owner.service.name, applied: await migrateService(owner, lab.topology, context.credentials) });
  }
  return results;
}

export async function seedLab(lab: Lab, seed: number, only?: string): Promise<{ service: string; seeded: boolean }[]> {
  const context = await runtimeContext(lab, lab.state?.id ?? '');
  const results = [];
  for (const owner of await owners(lab, only)) {
    results.push({ service: owner.service.name, seeded: await seedService(owner, lab.topology, context.credentials, seed) });
  }
  return results;
}
