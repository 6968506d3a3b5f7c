import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Topology } from '../lab/topology.js';
import { renderComposeFile } from './compose-file.js';

/** Where the compose file lives, beside frank.yaml. */
export const COMPOSE_FILE = path.join('compose', 'docker-compose.yml');

export function composeFilePath(topology: Topology): string {
  return path.join(topology.root, COMPOSE_FILE);
}

/** Writes compose/docker-compose.yml from the topology; a file that says the same already is left untouched. */
export async function writeComposeFile(topology: Topology): Promise<{ file: string; changed: boolean }> {
  const file = composeFilePath(topology);
  const text = renderComposeFile(topology);
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === text) return { file, changed: false };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return { file, changed: true };
}
