import { readFile } from 'node:fs/promises';
import { portIsFree } from './port-is-free.js';
import { labPorts, parseTopology, type Topology } from './topology.js';

/** The kernel's range for the local end of outgoing connections: a lab port inside it can be taken by any client socket. */
export interface PortRange {
  low: number;
  high: number;
}

const RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';

/** The ephemeral range of this machine (Linux), undefined where the kernel does not say. Read at call time. */
export async function ephemeralPortRange(file = RANGE_FILE): Promise<PortRange | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const match = text && /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (!match) return undefined;
  const low = Number(match[1]);
  const high = Number(match[2]);
  return low <= high ? { low, high } : undefined;
}

export function inRange(port: number, range: PortRange): boolean {
  return port >= range.low && port <= range.high;
}

/** The lab's ports that fall in the range, with who listens there (epmd too: the native runtime starts one per lab). */
export function portsInRange(topology: Topology, range: PortRange): { port: number; owner: string }[] {
  const epmd = topology.resources.flatMap((r) => (r.kind === 'rabbitmq' ? [{ port: r.epmdPort, owner: `${r.name} (epmd)` }] : []));
  return [...labPorts(topology), ...epmd].filter((p) => inRange(p.port, range)).map(({ port, owner }) => ({ port, owner }));
}

/**
 * Port offsets (multiples of `step`, from `step` up to `maxOffset`) at which the topology is valid
 * and none of its ports falls in the range, smallest first. Read from frank.yaml's own text, so
 * the offsets are those of its base ports whatever offset the topology was loaded at.
 */
export function offsetsOutside(topology: Topology, yaml: string, range: PortRange | undefined, options: { step?: number; maxOffset?: number } = {}): number[] {
  const { step = 100, maxOffset = 65_535 } = options;
  const offsets: number[] = [];
  for (let offset = step; offset <= maxOffset; offset += step) {
    let shifted: Topology;
    try {
      shifted = parseTopology(yaml, topology.file, { portOffset: offset });
    } catch {
      continue; // a port past 65535, or one browsers refuse to speak HTTP to
    }
    if (!range || portsInRange(shifted, range).length === 0) offsets.push(offset);
  }
  return offsets;
}

/** The first offset of `candidates` at which every port of the lab is free on its host. */
export async function firstFreeOffset(yaml: string, file: string, candidates: number[]): Promise<number | undefined> {
  for (const offset of candidates) {
    const shifted = parseTopology(yaml, file, { portOffset: offset });
    const free = await Promise.all(labPorts(shifted).map((p) => portIsFree(shifted.host, p.port)));
    if (free.every(Boolean)) return offset;
  }
  return undefined;
}

/**
 * A port offset for a throwaway lab (tests, benchmarks): chosen at random among those whose every
 * port lies outside the ephemeral range and is free now. Offsets stay at or below `maxOffset`
 * (5400: frank.yaml's ports run from 3000 to 27017, plus RabbitMQ's distribution port 25672, so
 * every port stays below 32768 and the services' ports below 14000).
 */
export async function randomLabOffset(file: string, options: { maxOffset?: number } = {}): Promise<number> {
  const yaml = await readFile(file, 'utf8');
  const topology = parseTopology(yaml, file, { portOffset: 0 });
  const candidates = offsetsOutside(topology, yaml, await ephemeralPortRange(), { maxOffset: options.maxOffset ?? 5400 });
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  const offset = await firstFreeOffset(yaml, file, candidates);
  if (offset === undefined) throw new Error(`no port offset up to ${options.maxOffset ?? 5400} has every port of ${file} free and outside the ephemeral range`);
  return offset;
}
