import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../lab/paths.js';
import { loadTopology } from '../lab/topology.js';
import { parseSchedule } from './schedule.js';

const topology = await loadTopology(path.join(REPOSITORY_ROOT, 'frank.yaml'));

describe('parseSchedule', () => {
  it('reads faults with their start and duration', () => {
    const schedule = parseSchedule('kill-db:payment@10s/15s, latency:order-db:300ms@30s/20s', topology);
    expect(schedule.map((s) => [s.fault.label, s.atMs, s.forMs])).toEqual([
      [schedule[0]!.fault.label, 10_000, 15_000],
      [schedule[1]!.fault.label, 30_000, 20_000],
    ]);
    expect(schedule[0]!.fault.label).toMatch(/payment-db/);
    expect(schedule[1]!.fault.label).toMatch(/latency order-db 300ms/);
  });

  it('refuses what is not <fault>:<target>@<start>/<duration>, naming the item and the form', () => {
    expect(() => parseSchedule('kill-db:payment', topology)).toThrow(/"kill-db:payment" is not <fault>:<target>\[:<value>\]@<start>\/<duration>/);
    expect(() => parseSchedule('kill-db:payment@10x/5s', topology)).toThrow(/the start of kill-db:payment takes a duration/);
    expect(() => parseSchedule('kill-db:payment@1s/0s', topology)).toThrow(/the duration of kill-db:payment must be longer than 0/);
    expect(() => parseSchedule('kill-db:nowhere@1s/2s', topology)).toThrow(/nowhere/);
    expect(() => parseSchedule(' , ', topology)).toThrow(/--chaos takes one or more faults/);
  });
});
