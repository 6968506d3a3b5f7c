import { rm } from 'node:fs/promises';
import path from 'node:path';
import { runtimeContext, type Lab } from './lab.js';
import { LabStateStore } from './lab-state.js';

export interface DownResult {
  stopped: string[];
  /** Processes of this lab no pid file knew of: left by a crash. */
  sweptLeftovers: string[];
  purged: boolean;
}

/** Stops everything in reverse order (the fault proxy first, then the servers), sweeps leftovers, and with purge deletes the data. */
export async function downLab(lab: Lab, options: { purge: boolean }): Promise<DownResult> {
  const { topology, runtime, paths } = lab;
  const stopped: string[] = [];
  let sweptLeftovers: string[] = [];
  if (lab.state) {
    const context = await runtimeContext(lab, lab.state.id);
    const store = new LabStateStore(paths.labFile, lab.state);
    const stopOne = async (name: string) => {
      const resource = topology.resources.find((r) => r.name === name)!;
      if (await runtime.isRunning(resource, context)) stopped.push(name);
      await runtime.stop(resource, context);
      await store.setPhase(name, 'stopped');
    };
    const proxies = topology.resources.filter((r) => r.kind === 'toxiproxy').map((r) => r.name);
    const servers = topology.resources.filter((r) => r.kind !== 'toxiproxy').map((r) => r.name).reverse();
    await Promise.all(proxies.map(stopOne));
    await Promise.all(servers.map(stopOne));
    sweptLeftovers = await runtime.sweep(context, { purge: options.purge });
  }
  if (options.purge) {
    for (const sub of ['data', 'logs', 'run']) await rm(path.join(paths.state, sub), { recursive: true, force: true });
    await rm(paths.labFile, { force: true });
    await rm(paths.credentialsFile, { force: true });
  }
  return { stopped, sweptLeftovers, purged: options.purge };
}
