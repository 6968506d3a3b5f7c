import { readFile } from 'node:fs/promises';
import { FrankError } from '../errors.js';
import { ephemeralPortRange, inRange } from './ephemeral-ports.js';
import { portIsFree } from './port-is-free.js';
import { labPorts, type Topology } from './topology.js';

/** Fails naming every taken port and its resource, and suggests an offset at which every port is free. */
export async function assertPortsFree(topology: Topology, skipResources: Set<string>): Promise<void> {
  const wanted = labPorts(topology).filter((p) => !skipResources.has(p.resource));
  const taken: typeof wanted = [];
  for (const entry of wanted) if (!(await portIsFree(topology.host, entry.port))) taken.push(entry);
  if (taken.length === 0) return;
  const offset = await suggestOffset(topology);
  const list = taken.map((t) => `${t.port} (${t.owner})`).join(', ');
  throw new FrankError(`Port${taken.length > 1 ? 's' : ''} ${list} on ${topology.host} ${taken.length > 1 ? 'are' : 'is'} already taken.`, {
    hint:
      offset === undefined
        ? 'Stop whatever holds the port, or change the ports in frank.yaml.'
        : `Stop whatever holds the port, or run the lab beside it: npx frank up --port-offset ${offset}`,
  });
}

async function suggestOffset(topology: Topology): Promise<number | undefined> {
  const base = labPorts(topology).map((p) => p.port - topology.portOffset);
  const highest = Math.max(...base);
  // Never an offset that puts a port in the kernel's ephemeral range: a client socket may take it there.
  const range = await ephemeralPortRange();
  const outside = (offset: number) => !range || base.every((port) => !inRange(port + offset, range));
  for (const offset of [100, 200, 300, 500, 1000, 2000, 10000, 20000, 30000]) {
    if (offset === topology.portOffset || highest + offset > 65535 || !outside(offset)) continue;
    let free = true;
    for (const port of base) {
      if (!(await portIsFree(topology.host, port + offset))) {
        free = false;
        break;
      }
    }
    if (free) return offset;
  }
  return undefined;
}

/**
 * Which of these ports a socket listens on, from the kernel's tables (Linux); undefined where
 * /proc/net/tcp cannot be read.
 */
export async function listeningPorts(ports: number[]): Promise<number[] | undefined> {
  let table: string;
  try {
    table = (await readFile('/proc/net/tcp', 'utf8')) + (await readFile('/proc/net/tcp6', 'utf8').catch(() => ''));
  } catch {
    return undefined;
  }
  const listening = new Set(
    table
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[3] === '0A')
      .map((cols) => parseInt(cols[1]!.split(':')[1]!, 16)),
  );
  return ports.filter((p) => listening.has(p));
}
