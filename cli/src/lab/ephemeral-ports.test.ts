import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ephemeralPortRange, offsetsOutside, portsInRange, randomLabOffset } from './ephemeral-ports.js';
import { REPOSITORY_ROOT } from './paths.js';
import { labPorts, parseTopology } from './topology.js';

const LINUX_DEFAULT = { low: 32768, high: 60999 };

describe('the kernel ephemeral port range', () => {
  it('is read from the kernel file, and is undefined when that says nothing usable', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'frank-range-'));
    try {
      const file = path.join(dir, 'range');
      await writeFile(file, '32768\t60999\n');
      expect(await ephemeralPortRange(file)).toEqual(LINUX_DEFAULT);
      await writeFile(file, 'garbage\n');
      expect(await ephemeralPortRange(file)).toBeUndefined();
      expect(await ephemeralPortRange(path.join(dir, 'missing'))).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("names the repository lab's ports that an offset puts in the range, RabbitMQ's epmd included; none at offset 0", async () => {
    const file = path.join(REPOSITORY_ROOT, 'frank.yaml');
    const yaml = await readFile(file, 'utf8');
    expect(portsInRange(parseTopology(yaml, file, { portOffset: 0 }), LINUX_DEFAULT)).toEqual([]);
    const inside = portsInRange(parseTopology(yaml, file, { portOffset: 30_000 }), LINUX_DEFAULT);
    expect(inside).toContainEqual({ port: 35_672, owner: 'rabbitmq' });
    expect(inside).toContainEqual({ port: 34_369, owner: 'rabbitmq (epmd)' });
    expect(inside.map((p) => p.owner)).toContain('service bff');
  });

  it('offers only offsets that keep every port outside the range and every HTTP port speakable', async () => {
    const file = path.join(REPOSITORY_ROOT, 'frank.yaml');
    const yaml = await readFile(file, 'utf8');
    const offsets = offsetsOutside(parseTopology(yaml, file), yaml, LINUX_DEFAULT);
    expect(offsets.length).toBeGreaterThan(20);
    // Mongo's 27017 caps the offset: above 5750 it would be in the range.
    expect(Math.max(...offsets)).toBeLessThan(5751);
    // aws would be 6566, a port fetch refuses.
    expect(offsets).not.toContain(2000);
    for (const offset of offsets) {
      const ports = labPorts(parseTopology(yaml, file, { portOffset: offset })).map((p) => p.port);
      expect(
        ports.every((p) => p < LINUX_DEFAULT.low || p > LINUX_DEFAULT.high),
        `offset ${offset}`,
      ).toBe(true);
    }
  });

  it("gives tests and benchmarks an offset outside this machine's range, with every port free", async () => {
    const file = path.join(REPOSITORY_ROOT, 'frank.yaml');
    const range = await ephemeralPortRange();
    const offset = await randomLabOffset(file);
    const topology = parseTopology(await readFile(file, 'utf8'), file, { portOffset: offset });
    if (range) expect(portsInRange(topology, range)).toEqual([]);
    expect(offset).toBeLessThanOrEqual(5400);
  });
});
