import { UsageError } from '../errors.js';
import type { Link, Resource, Topology } from '../lab/topology.js';
import type { LabAccess } from '../saga/lab-access.js';
import type { ChaosLab } from './chaos-lab.js';
import { runExperiment, type ExperimentOptions, type ExperimentResult } from './experiment.js';
import { parseFault, type Fault, type FaultFlags } from './fault-spec.js';

/** The services that carry out the saga's steps (services/README.md): each is killed once. */
export const SAGA_STEP_SERVICES = ['order', 'inventory', 'payment', 'payment-provider', 'eventbridge-bridge', 'notification', 'analytics'] as const;

/**
 * One Toxiproxy fault per kind of link, each what that kind of link meets in production: a slow
 * database, a service cut off from the broker, the AWS endpoint resetting connections, the read
 * side's stores cut off or stalled.
 */
const LINK_FAULTS: Record<string, (link: Link) => { words: string[]; flags?: FaultFlags }> = {
  postgres: (link) => ({ words: ['latency', link.name, '200ms'], flags: { jitter: '50ms' } }),
  rabbitmq: (link) => ({ words: ['partition', link.name] }),
  aws: (link) => ({ words: ['reset-peer', link.name] }),
  redis: (link) => ({ words: ['timeout', link.name, '1s'] }),
  mongo: (link) => ({ words: ['partition', link.name] }),
};

/** Every service database, the broker, every saga service, and one Toxiproxy fault on each kind of link. */
export function matrixFaults(topology: Topology): Fault[] {
  const cells: { words: string[]; flags?: FaultFlags }[] = [];
  const linked = (r: Resource) => topology.links.some((l) => l.resource === r.name);
  for (const db of topology.resources.filter((r) => r.kind === 'postgres' && linked(r))) cells.push({ words: ['kill-db', db.name] });
  for (const broker of topology.resources.filter((r) => r.kind === 'rabbitmq')) cells.push({ words: ['kill-broker', broker.name] });
  for (const service of SAGA_STEP_SERVICES.filter((s) => topology.services.some((t) => t.name === s))) cells.push({ words: ['kill-service', service] });
  // In LINK_FAULTS' order: the read side's stores last, so a projector that does not recover spoils no other cell's steady state.
  const kinds = Object.keys(LINK_FAULTS).filter((kind) => topology.resources.some((r) => r.kind === kind && linked(r)));
  // A saga step's only link first (the payment provider's AWS: a fault there is on the saga's path;
  // inventory also reaches AWS, but only for product images), then a saga step's link, then a
  // consumer's (it has a backlog to recover), then any.
  const rank = (l: Link) => {
    const step = (SAGA_STEP_SERVICES as readonly string[]).indexOf(l.service);
    const only = topology.links.every((other) => other.service !== l.service || other.resource === l.resource);
    if (step >= 0) return only ? step - SAGA_STEP_SERVICES.length : step;
    const consumes = topology.links.some(
      (other) => other.service === l.service && topology.resources.find((r) => r.name === other.resource)?.kind === 'rabbitmq',
    );
    return SAGA_STEP_SERVICES.length + (consumes ? 0 : 1);
  };
  for (const kind of kinds) {
    const make = LINK_FAULTS[kind];
    if (!make) continue;
    const links = topology.links.filter((l) => topology.resources.find((r) => r.name === l.resource)?.kind === kind);
    const link = [...links].sort((a, b) => rank(a) - rank(b))[0];
    if (link) cells.push(make(link));
  }
  return cells.map((cell) => parseFault(cell.words, topology, cell.flags));
}

/** `--only kill-db,partition`: the cells whose label contains one of the words. */
export function selectFaults(faults: Fault[], only: string[] | undefined): Fault[] {
  if (!only || only.length === 0) return faults;
  const picked = faults.filter((f) => only.some((word) => f.label.includes(word)));
  if (picked.length === 0)
    throw new UsageError(`--only ${only.join(',')} matches no fault of the matrix.`, {
      hint: `The matrix's faults: ${faults.map((f) => f.label).join('; ')}.`,
    });
  return picked;
}

/** One experiment's options for every fault, and how many runs each. */
export interface MatrixOptions extends Omit<ExperimentOptions, 'fault'> {
  faults: Fault[];
  runs: number;
}

export interface MatrixCellResult {
  fault: string;
  runs: ExperimentResult[];
  passed: number;
  /** Over the runs that recovered. */
  recoveryMs: { median: number; min: number; max: number } | null;
}

export interface MatrixResult {
  load: { scenario: string; orders: number; concurrency: number; seed: number; holdMs: number; trigger: string; runs: number };
  cells: MatrixCellResult[];
  verdict: 'pass' | 'fail';
  durationMs: number;
}

/** Every fault under the same load, `runs` times each (run i with seed + i); one experiment at a time. */
export async function runMatrix(chaos: ChaosLab, access: LabAccess, options: MatrixOptions): Promise<MatrixResult> {
  const began = performance.now();
  const say = options.onProgress ?? (() => undefined);
  const cells: MatrixCellResult[] = [];
  for (const [index, fault] of options.faults.entries()) {
    const runs: ExperimentResult[] = [];
    for (let run = 0; run < options.runs && !options.signal?.aborted; run++) {
      say(`[${index + 1}/${options.faults.length}] ${fault.label}${options.runs > 1 ? `, run ${run + 1}/${options.runs}` : ''}`);
      const result = await runExperiment(chaos, access, {
        fault,
        scenario: options.scenario,
        orders: options.orders,
        concurrency: options.concurrency,
        seed: options.seed + run,
        holdMs: options.holdMs,
        trigger: options.trigger,
        settleTimeoutMs: options.settleTimeoutMs,
        signal: options.signal,
        onProgress: (line) => say(`    ${line}`),
      });
      say(
        `    → ${result.verdict.toUpperCase()}${result.recovery.ms !== null ? `, recovered in ${(result.recovery.ms / 1000).toFixed(1)} s` : ''}${result.reasons[0] ? `: ${result.reasons[0]}` : ''}`,
      );
      runs.push(result);
    }
    cells.push(summarizeCell(fault.label, runs));
  }
  const { runs, scenario, orders, concurrency, seed, holdMs, trigger } = options;
  return {
    load: { scenario: scenario.name, orders, concurrency, seed, holdMs, trigger, runs },
    cells,
    verdict: cells.every((c) => c.runs.length > 0 && c.passed === c.runs.length) ? 'pass' : 'fail',
    durationMs: Math.round(performance.now() - began),
  };
}

export function summarizeCell(fault: string, runs: ExperimentResult[]): MatrixCellResult {
  const times = runs.flatMap((r) => (r.recovery.ms === null ? [] : [r.recovery.ms])).sort((a, b) => a - b);
  const median =
    times.length === 0 ? 0 : times.length % 2 ? times[(times.length - 1) / 2]! : Math.round((times[times.length / 2 - 1]! + times[times.length / 2]!) / 2);
  return {
    fault,
    runs,
    passed: runs.filter((r) => r.verdict === 'pass').length,
    recoveryMs: times.length ? { median, min: times[0]!, max: times.at(-1)! } : null,
  };
}
