import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT } from './paths.js';
import type { Topology } from './topology.js';

/** A service's code: services/<name> beside frank.yaml, else in the checkout frank runs from. */
export function serviceDirectory(topology: Topology, service: string): string {
  const beside = path.join(topology.root, 'services', service);
  return existsSync(beside) ? beside : path.join(REPOSITORY_ROOT, 'services', service);
}

/** The migrations every service database gets before its own. */
export function kitMigrationsDirectory(topology: Topology): string {
  return path.join(path.dirname(serviceDirectory(topology, 'kit')), 'kit', 'migrations');
}
