import path from 'node:path';
import { toolsDirectory } from '../runtimes/checkout.js';

// The checkout's root is where the lab's callers have always found it.
export { REPOSITORY_ROOT } from '../runtimes/checkout.js';

/** Where a lab keeps its state: `.frank/` beside frank.yaml. Tools are shared by every lab of a checkout. */
export interface LabPaths {
  root: string;
  state: string;
  labFile: string;
  credentialsFile: string;
  /** Recorded saga runs, one folder each (`frank saga runs`). */
  runs: string;
  /** The chaos faults in force (`frank chaos`); `frank down` removes it: faults do not survive a down. */
  faultsFile: string;
  data(resource: string): string;
  log(resource: string): string;
  pid(resource: string): string;
  toolsDir: string;
  toolsBin: string;
}

export function labPaths(root: string): LabPaths {
  const state = path.join(root, '.frank');
  const toolsDir = toolsDirectory();
  return {
    root,
    state,
    labFile: path.join(state, 'lab.json'),
    credentialsFile: path.join(state, 'credentials.json'),
    runs: path.join(state, 'runs'),
    faultsFile: path.join(state, 'faults.json'),
    data: (resource) => path.join(state, 'data', resource),
    log: (resource) => path.join(state, 'logs', `${resource}.log`),
    pid: (resource) => path.join(state, 'run', `${resource}.pid`),
    toolsDir,
    toolsBin: path.join(toolsDir, 'bin'),
  };
}
