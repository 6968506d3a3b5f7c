import { rm } from 'node:fs/promises';
import path from 'node:path';
import { runtimeContext, type Lab } from './lab.js';
import { LabStateStore } from './lab-state.js';
import type { LabUnit } from './topology.js';
import { labUnits } from './up.js';

export interface DownResult {
  stopped: string[];
  /** Processes of this lab no pid file knew of: left by a crash. */
  sweptLeftovers: string[];
  purged: boolean;
}

/** Stops everything in reverse order (services, the fault proxy, then the servers), sweeps leftovers, and with purge deletes the data. */
export async function downLab(lab: Lab, options: { purge: boolean }): Promise<DownResult> {
  const { topology, runtime, paths } = lab;
  const stopped: string[] = [];
  let sweptLeftovers: string[] = [];
  if (lab.state) {
    const context = await runtimeContext(lab, lab.state.id);
    const store = new LabStateStore(paths.labFile, lab.state);
    const units = labUnits(topology).units;
    const stopOne = async (unit: LabUnit) => {
      if (await runtime.isRunning(unit, context)) stopped.push(unit.name);
      await runtime.stop(unit, context);
      await store.setPhase(unit.name, 'stopped');
    };
    // Reverse order: the services, then the fault proxy in front of the servers, then the servers.
    await Promise.all(units.filter((u) => u.kind === 'service').map(stopOne));
    await Promise.all(units.filter((u) => u.kind === 'toxiproxy').map(stopOne));
    await Promise.all(
      units
        .filter((u) => u.kind !== 'service' && u.kind !== 'toxiproxy')
        .reverse()
        .map(stopOne),
    );
    sweptLeftovers = await runtime.sweep(context, { purge: options.purge });
  }
  // Toxics die with Toxiproxy and killed units are stopped anyway: a record of them would lie.
  await rm(paths.faultsFile, { force: true });
  if (options.purge) {
    for (const sub of ['data', 'logs', 'run']) await rm(path.join(paths.state, sub), { recursive: true, force: true });
    await rm(paths.labFile, { force: true });
    await rm(paths.credentialsFile, { force: true });
  }
  return { stopped, sweptLeftovers, purged: options.purge };
}
