import path from 'node:path';
import { UsageError } from '../errors.js';
import { createRuntime, selectRuntime, type RuntimeSelection } from '../runtimes/select-runtime.js';
import type { PullProgress } from '../runtimes/docker/pull-progress.js';
import type { Runtime, RuntimeContext } from '../runtimes/runtime.js';
import { loadOrCreateCredentials } from './credentials.js';
import { readLabState, type LabState } from './lab-state.js';
import { labPaths, type LabPaths } from './paths.js';
import { findTopologyFile, loadTopology, type RuntimeChoice, type Topology } from './topology.js';

export interface LabOptions {
  /** Path to frank.yaml; found from the working folder upwards when absent. */
  config?: string;
  portOffset?: number;
  runtime?: RuntimeChoice;
  /** Told how each image pull goes (docker runtime); nothing is shown when absent. */
  onPull?: (progress: PullProgress) => void;
}

/** A lab as a command sees it: its topology, where its state lives, the runtime that runs it and what it remembers. */
export interface Lab {
  topology: Topology;
  paths: LabPaths;
  runtime: Runtime;
  selection: RuntimeSelection;
  /** What `.frank/lab.json` says; undefined before the first `frank up`. */
  state: LabState | undefined;
  /** True while a previous `frank up` left resources that are not stopped. */
  isUp: boolean;
}

const DOWN_PHASES = new Set(['declared', 'stopped', 'failed']);

export async function openLab(options: LabOptions = {}): Promise<Lab> {
  const file = options.config ? path.resolve(options.config) : findTopologyFile();
  const paths = labPaths(path.dirname(file));
  const state = await readLabState(paths.labFile);
  const isUp = state !== undefined && Object.values(state.resources).some((r) => !DOWN_PHASES.has(r.phase));
  if (isUp && options.portOffset !== undefined && options.portOffset !== state.portOffset) {
    throw new UsageError(`The lab is up on port offset ${state.portOffset}, not ${options.portOffset}.`, {
      hint: 'Drop --port-offset to act on the running lab, or run `npx frank down` first.',
    });
  }
  if (isUp && options.runtime && options.runtime !== 'auto' && options.runtime !== state.runtime) {
    throw new UsageError(`The lab is up in the ${state.runtime} runtime, not ${options.runtime}.`, { hint: 'Run `npx frank down` first to switch runtimes.' });
  }
  const topology = await loadTopology(file, { portOffset: options.portOffset ?? (isUp ? state.portOffset : undefined) });
  const selection = isUp
    ? { name: state.runtime, reason: 'the running lab uses it' }
    : await selectRuntime(options.runtime ?? topology.runtime, options.runtime ? '--runtime' : path.basename(file));
  return { topology, paths, runtime: createRuntime(selection.name, options.onPull), selection, state, isUp };
}

export async function runtimeContext(lab: Lab, labId: string): Promise<RuntimeContext> {
  const credentials = await loadOrCreateCredentials(lab.paths.credentialsFile, lab.topology);
  return { topology: lab.topology, paths: lab.paths, credentials, labId };
}
