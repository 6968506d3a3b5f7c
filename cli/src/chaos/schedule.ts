import { UsageError } from '../errors.js';
import type { ProgressListener } from '../lab/up.js';
import type { Topology } from '../lab/topology.js';
import type { ChaosLab } from './chaos-lab.js';
import { parseDuration } from '../lab/duration.js';
import { parseFault, type Fault } from './fault-spec.js';
import { holdFault } from './faults.js';

/** One fault of a saga run's schedule: in force from `atMs` after the run starts, for `forMs`. */
export interface ScheduledFault {
  fault: Fault;
  atMs: number;
  forMs: number;
}

/** What happened to a scheduled fault, for the run's result. */
export interface ScheduledOutcome {
  fault: string;
  plannedAtMs: number;
  injectedAtMs: number | null;
  healedAtMs: number | null;
  error: string | null;
}

const FORM = '<fault>:<target>[:<value>]@<start>/<duration>, e.g. kill-db:payment@10s/15s or latency:order-db:300ms@30s/20s';

/** `kill-db:payment@10s/15s,latency:order-db:300ms@30s/20s` → the faults, their start and how long each holds. */
export function parseSchedule(text: string, topology: Topology): ScheduledFault[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`--chaos takes one or more faults as ${FORM}.`);
  return items.map((item) => {
    const match = /^([^@]+)@([^/]+)\/(.+)$/.exec(item);
    if (!match) throw new UsageError(`--chaos: "${item}" is not ${FORM}.`);
    const fault = parseFault(match[1]!.split(':'), topology);
    return {
      fault,
      atMs: parseDuration(match[2]!, `the start of ${match[1]}`, { zero: true }),
      forMs: parseDuration(match[3]!, `the duration of ${match[1]}`),
    };
  });
}

/**
 * Runs a schedule beside a load: each fault goes in at its time and is healed after its
 * duration. `finish` cancels what has not started and heals what is still in force.
 */
export function startSchedule(
  chaos: ChaosLab,
  schedule: ScheduledFault[],
  say: (line: string) => void,
  onPhase?: ProgressListener,
): { finish(): Promise<ScheduledOutcome[]> } {
  const began = performance.now();
  const since = () => Math.round(performance.now() - began);
  const outcomes = schedule.map((s): ScheduledOutcome => ({ fault: s.fault.label, plannedAtMs: s.atMs, injectedAtMs: null, healedAtMs: null, error: null }));
  const work: Promise<void>[] = [];
  const timers: NodeJS.Timeout[] = [];
  // The run is over: every fault still held is healed now.
  const finishing = new AbortController();
  schedule.forEach((item, i) => {
    const outcome = outcomes[i]!;
    timers.push(
      setTimeout(() => {
        work.push(
          (async () => {
            try {
              await holdFault(chaos, item.fault, {
                forMs: item.forMs,
                trigger: 'saga run --chaos',
                signal: finishing.signal,
                onPhase,
                onInjected: () => {
                  outcome.injectedAtMs = since();
                  say(`  chaos: ${item.fault.label} in force at ${(outcome.injectedAtMs / 1000).toFixed(1)} s, for ${(item.forMs / 1000).toFixed(1)} s`);
                },
              });
              outcome.healedAtMs = since();
              say(`  chaos: ${item.fault.label} healed at ${(outcome.healedAtMs / 1000).toFixed(1)} s`);
            } catch (error) {
              outcome.error = error instanceof Error ? error.message : String(error);
              say(`  chaos: ${item.fault.label} failed: ${outcome.error}`);
            }
          })(),
        );
      }, item.atMs),
    );
  });
  return {
    async finish() {
      finishing.abort();
      for (const timer of timers) clearTimeout(timer);
      await Promise.all(work);
      return outcomes;
    },
  };
}
