import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, parseDocument } from 'yaml';
import { FrankError } from '../errors.js';
import { downLab } from '../lab/down.js';
import { openLab, type Lab } from '../lab/lab.js';
import { ephemeralPortRange, firstFreeOffset, offsetsOutside } from '../lab/ephemeral-ports.js';
import { parseTopology, type Topology } from '../lab/topology.js';
import { upLab, type ProgressListener } from '../lab/up.js';

/** Where a rehearsal keeps its own lab, beside the lab of frank.yaml and never in its way. */
export function rehearsalDirectory(topology: Topology): string {
  return path.join(topology.root, '.frank', 'rehearsal');
}

/**
 * The servers of frank.yaml as a lab of their own, standing in for what AWS would run: the same
 * resources, but the AWS emulator starts empty (Terraform creates the buses, queues, rules, archives and buckets) and
 * no service is started by `up` (the rehearsal starts each from its task definition).
 */
export async function rehearsalTopologyText(topology: Topology): Promise<string> {
  const document = parseDocument(await readFile(topology.file, 'utf8'));
  const resources = document.get('resources');
  if (isMap(resources)) {
    for (const item of resources.items) {
      const resource = item.value;
      if (isMap(resource) && resource.get('kind') === 'aws') {
        resource.set('buses', []);
        resource.set('queues', []);
        resource.set('rules', {});
        resource.set('archives', {});
        resource.set('buckets', {});
        resource.set('deadLetter', {});
      }
    }
  }
  return `# Written by \`frank cloud rehearse\` from ${topology.file}: the same servers; Terraform fills the AWS emulator.\n${document.toString()}`;
}

/**
 * The first port offset from `first` at which every port of the rehearsal lab is free and outside
 * the kernel's ephemeral range, where a client socket may take a port first.
 */
export async function freeRehearsalOffset(file: string, first = 1_000): Promise<number> {
  const yaml = await readFile(file, 'utf8');
  const topology = parseTopology(yaml, file, { portOffset: 0 });
  const candidates = offsetsOutside(topology, yaml, await ephemeralPortRange()).filter((offset) => offset >= first);
  const offset = await firstFreeOffset(yaml, file, candidates);
  if (offset === undefined)
    throw new FrankError(`No port offset from ${first} up leaves every port of the rehearsal lab free and outside the ephemeral range.`, {
      hint: 'Stop a lab you do not need (`npx frank down`), or give one with --port-offset.',
    });
  return offset;
}

/** The rehearsal's lab, up with its servers only; a leftover of an earlier rehearsal goes first. */
export async function startRehearsalLab(topology: Topology, options: { portOffset?: number; onPhase?: ProgressListener }): Promise<Lab> {
  const dir = rehearsalDirectory(topology);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const file = path.join(dir, 'frank.yaml');
  await writeFile(file, await rehearsalTopologyText(topology));
  const stale = await openLab({ config: file });
  if (stale.isUp) await downLab(stale, { purge: true });
  const lab = await openLab({ config: file, portOffset: options.portOffset ?? (await freeRehearsalOffset(file)), runtime: 'native' });
  await upLab(lab, options.onPhase, { services: false });
  return openLab({ config: file });
}
