import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** The checkout frank runs from: the folder above cli/, whether this runs from cli/src or from the bundle in cli/.bundle. */
export const REPOSITORY_ROOT = checkoutAbove(path.dirname(fileURLToPath(import.meta.url)));

function checkoutAbove(folder: string): string {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'cli', 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`frank's checkout is not above ${folder}: no cli/package.json there`);
  }
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

/** Read at call time so tests and users can point it elsewhere. */
export function toolsDirectory(): string {
  return process.env.FRANK_TOOLS_DIR ?? path.join(REPOSITORY_ROOT, '.frank', 'tools');
}
