import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout frank runs from: the folder above cli/, whether this runs from cli/src or from the bundle in cli/.bundle. */
export const REPOSITORY_ROOT = checkoutAbove(path.dirname(fileURLToPath(import.meta.url)));

function checkoutAbove(folder: string): string {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'cli', 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`frank's checkout is not above ${folder}: no cli/package.json there`);
  }
}

/** Read at call time so tests and users can point it elsewhere. */
export function toolsDirectory(): string {
  return process.env.FRANK_TOOLS_DIR ?? path.join(REPOSITORY_ROOT, '.frank', 'tools');
}

/** A service's code: services/<name> beside frank.yaml (the topology's root), else in the checkout frank runs from. */
export function serviceDirectory(topology: { root: string }, service: string): string {
  const beside = path.join(topology.root, 'services', service);
  return existsSync(beside) ? beside : path.join(REPOSITORY_ROOT, 'services', service);
}

/** The migrations every service database gets before its own. */
export function kitMigrationsDirectory(topology: { root: string }): string {
  return path.join(path.dirname(serviceDirectory(topology, 'kit')), 'kit', 'migrations');
}
