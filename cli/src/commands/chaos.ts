import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { openChaos, type ChaosLab } from '../chaos/chaos-lab.js';
import { formatDuration, parseDuration } from '../lab/duration.js';
import { armEventTrigger } from '../chaos/event-trigger.js';
import { runExperiment } from '../chaos/experiment.js';
import { FAULT_COMMANDS, parseFault, type Fault, type FaultCommand } from '../chaos/fault-spec.js';
import type { FaultRecord } from '../chaos/fault-store.js';
import { healEveryFault, healExpiredFaults, holdFault, injectFault, type Healed } from '../chaos/faults.js';
import { matrixFaults, runMatrix, selectFaults } from '../chaos/matrix.js';
import { parseEventType, type SagaEventType } from '../chaos/saga-events.js';
import { FrankError, UsageError } from '../errors.js';
import { openLab, type Lab } from '../lab/lab.js';
import { labEnvironment } from '../lab/status.js';
import type { PhaseEvent } from '../lab/up.js';
import { labAccess } from '../saga/lab-access.js';
import { findScenario, loadScenarioFile, type Scenario } from '../saga/scenario.js';
import { renderExperiment } from '../ui/experiment-summary.js';
import { renderMatrixMarkdown, renderMatrixTable } from '../ui/matrix-report.js';
import { paint, renderTable, writeData, writeInfo } from '../ui/output.js';
import { labOptionsOf, outputOf, positiveNumber, wholeNumber } from './global-options.js';

interface FaultFlags {
  for?: string;
  when?: string;
  within: string;
  jitter?: string;
}

interface ExperimentFlags {
  scenario: string;
  file?: string;
  orders: number;
  concurrency?: number;
  seed: number;
  for: string;
  when: string;
  jitter?: string;
  settleTimeout: string;
}

const ARGUMENTS: Record<FaultCommand, { args: string[]; description: string; example: string }> = {
  'kill-db': {
    args: ['<service>'],
    description: "SIGKILL a service's database (payment, or payment-db); restarted from its data on heal",
    example: 'kill-db payment --for 10s',
  },
  'kill-broker': { args: ['[broker]'], description: 'SIGKILL the broker; restarted from its data on heal', example: 'kill-broker --for 15s' },
  'kill-service': {
    args: ['<service>'],
    description: 'SIGKILL a service; restarted on heal',
    example: 'kill-service inventory --when inventory.reserved --for 5s',
  },
  latency: {
    args: ['<target>', '<latency>'],
    description: 'delay every answer on the links to a resource (order-db), of a service (payment) or one link (payment.rabbitmq)',
    example: 'latency order-db 300ms --jitter 50ms --for 30s',
  },
  timeout: {
    args: ['<target>', '[close-after]'],
    description: 'let no data through on the links; close them after the time given (default: never)',
    example: 'timeout payment.rabbitmq 2s --for 20s',
  },
  'reset-peer': {
    args: ['<target>', '[after]'],
    description: 'reset connections on the links (after the time given)',
    example: 'reset-peer inventory-db --for 10s',
  },
  bandwidth: { args: ['<target>', '<rate>'], description: 'cap the links at a rate in KB/s', example: 'bandwidth order 16 --for 30s' },
  'limit-data': {
    args: ['<target>', '<size>'],
    description: 'close each connection on the links after so many bytes (64kb, 1mb)',
    example: 'limit-data payment-db 64kb --for 20s',
  },
  'kill-switch': {
    args: ['<service>'],
    description: "turn a service's kill switch (its Unleash flag, e.g. payment.kill-switch) on; off on heal",
    example: 'kill-switch payment --for 10s',
  },
  partition: {
    args: ['<service>', '[resource]'],
    description: 'cut a link: `partition payment rabbitmq` (a disabled Toxiproxy proxy)',
    example: 'partition payment rabbitmq --for 20s',
  },
};

/** Ctrl-C (or a SIGTERM) while a fault is held: heal it now instead of leaving it in force. */
function interruption(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = () => {
    if (!controller.signal.aborted) writeInfo('interrupted: healing what is in force');
    controller.abort();
  };
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}

function phaseLine(event: PhaseEvent): void {
  writeInfo(`  ${event.resource} ${event.phase} (${(event.elapsedMs / 1000).toFixed(1)} s)`);
}

function reportHealed(healed: Healed[], why = ''): void {
  for (const h of healed) writeInfo(`healed ${h.record.label} (${h.record.id})${why}${h.ms > 500 ? ` in ${(h.ms / 1000).toFixed(1)} s` : ''}`);
}

async function openForChaos(command: Command): Promise<{ lab: Lab; chaos: ChaosLab }> {
  const lab = await openLab(labOptionsOf(command));
  const chaos = await openChaos(lab);
  reportHealed(await healExpiredFaults(chaos, phaseLine), ' (its --for ran out)');
  return { lab, chaos };
}

async function loadScenario(flags: { scenario: string; file?: string }): Promise<Scenario> {
  return flags.file ? loadScenarioFile(path.resolve(flags.file)) : findScenario(flags.scenario);
}

function faultCommand(name: FaultCommand): Command {
  const spec = ARGUMENTS[name];
  const command = new Command(name)
    .description(spec.description)
    .addHelpText('after', `\nExamples:\n  npx frank chaos ${spec.example}\n  npx frank chaos status`);
  for (const arg of spec.args) command.argument(arg);
  if (name === 'latency') command.option('--jitter <duration>', 'random variation around the latency, e.g. 50ms');
  return command
    .option('--for <duration>', 'heal by itself after this long, e.g. 10s (Ctrl-C heals at once); without it, the fault stays until `frank chaos heal`')
    .option('--when <event>', 'inject when the first event of this type passes on the broker, e.g. inventory.reserved')
    .option('--within <duration>', 'how long --when waits for its event', '5m')
    .action(async (...received: unknown[]) => {
      const command = received.at(-1) as Command;
      const flags = received.at(-2) as FaultFlags;
      const words = [name, ...(received.slice(0, -2) as (string | undefined)[]).filter((w): w is string => w !== undefined)];
      const output = outputOf(command);
      // Every flag is checked before anything is touched.
      const lab = await openLab(labOptionsOf(command));
      const fault = parseFault(words, lab.topology, { jitter: flags.jitter });
      const durationMs = flags.for === undefined ? undefined : parseDuration(flags.for, '--for');
      const trigger = flags.when === undefined ? undefined : parseEventType(flags.when);
      const withinMs = parseDuration(flags.within, '--within');
      const chaos = await openChaos(lab);
      reportHealed(await healExpiredFaults(chaos, phaseLine), ' (its --for ran out)');
      const interrupt = interruption();
      try {
        if (trigger && !(await waitForTrigger(lab, fault, trigger, withinMs, interrupt.signal))) return;
        const announce = (record: FaultRecord) =>
          writeInfo(`${paint('✔', 'green', output.color)} ${fault.label} in force (fault ${record.id})${describeLinks(fault)}`);
        let record: FaultRecord;
        let healed: Healed | undefined;
        if (durationMs === undefined) {
          record = await injectFault(chaos, fault, { trigger });
          announce(record);
          writeInfo('  it stays until `npx frank chaos heal` (or `frank down`)');
        } else {
          ({ record, healed } = await holdFault(chaos, fault, {
            forMs: durationMs,
            trigger,
            signal: interrupt.signal,
            onPhase: phaseLine,
            onInjected: (injected) => {
              announce(injected);
              writeInfo(`  healing in ${formatDuration(durationMs)} (Ctrl-C heals now)`);
            },
          }));
          if (healed) reportHealed([healed]);
          else writeInfo(`${fault.label} was healed already (by \`frank chaos heal\` or \`frank down\`)`);
        }
        if (output.json) writeData({ fault: record, healed: healed ? { ms: healed.ms } : null });
      } finally {
        interrupt.dispose();
      }
    });
}

function describeLinks(fault: Fault): string {
  return fault.kind === 'link' && fault.links.length > 1 ? ` on ${fault.links.length} links: ${fault.links.join(', ')}` : '';
}

/** False when the wait was given up (Ctrl-C): nothing is injected then. */
async function waitForTrigger(lab: Lab, fault: Fault, trigger: SagaEventType, withinMs: number, signal: AbortSignal): Promise<boolean> {
  const amqpUrl = (await labEnvironment(lab)).RABBITMQ_URL;
  if (!amqpUrl) throw new FrankError(`${lab.topology.file} has no broker: --when has no events to wait for.`);
  const armed = await armEventTrigger(amqpUrl, trigger);
  writeInfo(`armed: ${fault.label} goes in when the first ${trigger} passes on frank.events (waiting up to ${formatDuration(withinMs)}; Ctrl-C gives up)`);
  // The timer goes when the wait ends, or it would keep frank alive for the rest of --within.
  const waited = new AbortController();
  try {
    const timeout = sleep(withinMs, 'timeout' as const, { signal: AbortSignal.any([signal, waited.signal]) }).catch(() => 'aborted' as const);
    const outcome = await Promise.race([armed.fired.then((event) => ({ event })), timeout]);
    if (outcome === 'aborted') {
      writeInfo('given up: nothing was injected');
      return false;
    }
    if (outcome === 'timeout')
      throw new FrankError(`No ${trigger} passed within ${formatDuration(withinMs)}: nothing was injected.`, {
        hint: 'Run a load meanwhile (`npx frank saga run happy-path`), or wait longer with --within.',
      });
    writeInfo(`${trigger} passed${outcome.event.aggregateId ? ` (order ${outcome.event.aggregateId})` : ''}`);
    return true;
  } finally {
    waited.abort();
    await armed.close();
  }
}

function statusRows(records: FaultRecord[]): string[][] {
  const time = (iso: string) => new Date(iso).toLocaleTimeString();
  return records.map((r) => [r.id, r.label, time(r.injectedAt), r.healAt ? time(r.healAt) : 'on `chaos heal`', r.trigger ?? '', String(r.pid)]);
}

export function chaosCommand(): Command {
  const chaos = new Command('chaos')
    .description('Break the lab on purpose (kill a database, the broker or a service; slow or cut a link), heal it, and run experiments with a verdict')
    .addHelpText(
      'after',
      '\nExamples:\n  npx frank chaos kill-db payment --for 10s\n  npx frank chaos latency order-db 300ms --jitter 50ms --for 30s\n  npx frank chaos partition payment rabbitmq --when inventory.reserved --for 20s\n  npx frank chaos status\n  npx frank chaos heal\n  npx frank chaos run kill-broker --for 5s --orders 10 --seed 7\n  npx frank chaos matrix --runs 3 --report chaos.md',
    );
  for (const name of FAULT_COMMANDS) chaos.addCommand(faultCommand(name));

  chaos
    .command('status')
    .description('The faults in force (and heals those whose --for ran out)')
    .addHelpText('after', '\nExamples:\n  npx frank chaos status\n  npx frank chaos status --json')
    .action(async (_options, command: Command) => {
      const { chaos: opened } = await openForChaos(command);
      const records = await opened.store.list();
      if (outputOf(command).json) {
        writeData({ faults: records });
        return;
      }
      if (records.length === 0) writeData('No faults in force.\n');
      else writeData(renderTable(['id', 'fault', 'since', 'heals', 'trigger', 'pid'], statusRows(records)));
    });

  chaos
    .command('heal')
    .description('Remove every fault now: restart what was killed, remove every toxic, enable every link')
    .addHelpText('after', '\nExamples:\n  npx frank chaos heal')
    .action(async (_options, command: Command) => {
      const lab = await openLab(labOptionsOf(command));
      const opened = await openChaos(lab);
      const healed = await healEveryFault(opened, phaseLine);
      reportHealed(healed);
      writeInfo(
        healed.length
          ? `Healed ${healed.length} fault${healed.length > 1 ? 's' : ''}; every link is as \`up\` made it.`
          : 'No faults were recorded; every link is as `up` made it.',
      );
      if (outputOf(command).json) writeData({ healed: healed.map((h) => ({ ...h.record, healMs: h.ms })) });
    });

  const experimentOptions = (command: Command, defaults: { orders: number; for: string }) =>
    command
      .option('--scenario <name>', 'the load: a scenario of the catalogue (`frank saga list`)', 'mixed')
      .option('--file <path>', 'the load from your own scenario file')
      .option('--orders <n>', 'orders in the load', positiveNumber('--orders'), defaults.orders)
      .option('--concurrency <n>', 'orders in flight at once (default: all of them, so the fault meets every saga in flight)', positiveNumber('--concurrency'))
      .option('--seed <n>', 'seed of the order mix', wholeNumber('--seed'), 1)
      .option('--for <duration>', 'how long the fault is held', defaults.for)
      .option('--when <event>', 'inject when the first event of this type of the load passes', 'inventory.reserved')
      .option('--settle-timeout <duration>', 'how long sagas may take to settle (the load, the probes, the end)', '30s');

  experimentOptions(
    chaos
      .command('run')
      .description(
        'A chaos experiment: steady state checked, the fault injected during a load, healed, time to recover measured, invariants checked; exit 0 only on pass',
      )
      .argument('<fault...>', 'the fault, as its command takes it: kill-db payment, latency order-db 300ms, partition payment rabbitmq')
      .option('--jitter <duration>', 'for latency: random variation around it')
      .addHelpText('after', '\nExamples:\n  npx frank chaos run kill-db payment\n  npx frank chaos run kill-broker --for 5s --orders 10 --seed 7 --json'),
    { orders: 8, for: '5s' },
  ).action(async (words: string[], flags: ExperimentFlags, command: Command) => {
    const output = outputOf(command);
    const lab = await openLab(labOptionsOf(command));
    const fault = parseFault(words, lab.topology, { jitter: flags.jitter });
    const settings = await experimentSettings(flags);
    const opened = await openChaos(lab);
    const access = await labAccess(lab);
    const interrupt = interruption();
    try {
      const result = await runExperiment(opened, access, { fault, ...settings, signal: interrupt.signal, onProgress: writeInfo });
      writeInfo(renderExperiment(result, output.color));
      if (output.json) writeData(result);
      if (result.verdict !== 'pass') process.exitCode = 1;
    } finally {
      interrupt.dispose();
      await access.close();
    }
  });

  experimentOptions(
    chaos
      .command('matrix')
      .description(
        'Every service database, the broker, every saga service and one fault per kind of link, each under the same load: verdicts and recovery times',
      )
      .option('--runs <n>', 'experiments per fault', positiveNumber('--runs'), 1)
      .option('--only <faults>', 'only the faults whose name contains one of these words, comma-separated (kill-db,partition)')
      .option('--report <file>', 'also write the matrix as Markdown to this file')
      .addHelpText(
        'after',
        '\nExamples:\n  npx frank chaos matrix\n  npx frank chaos matrix --runs 3 --report chaos.md\n  npx frank chaos matrix --only kill-db,partition --json',
      ),
    { orders: 6, for: '3s' },
  ).action(async (flags: ExperimentFlags & { runs: number; only?: string; report?: string }, command: Command) => {
    const output = outputOf(command);
    const lab = await openLab(labOptionsOf(command));
    const faults = selectFaults(
      matrixFaults(lab.topology),
      flags.only
        ?.split(',')
        .map((w) => w.trim())
        .filter(Boolean),
    );
    const settings = await experimentSettings(flags);
    const opened = await openChaos(lab);
    const access = await labAccess(lab);
    const interrupt = interruption();
    try {
      writeInfo(`chaos matrix: ${faults.length} faults × ${flags.runs} run${flags.runs > 1 ? 's' : ''}`);
      const result = await runMatrix(opened, access, { faults, runs: flags.runs, ...settings, signal: interrupt.signal, onProgress: writeInfo });
      if (flags.report) {
        await writeFile(path.resolve(flags.report), renderMatrixMarkdown(result));
        writeInfo(`wrote ${path.resolve(flags.report)}`);
      }
      if (output.json) writeData(result);
      else writeData(renderMatrixTable(result, output.color));
      if (result.verdict !== 'pass') process.exitCode = 1;
    } finally {
      interrupt.dispose();
      await access.close();
    }
  });

  return chaos;
}

async function experimentSettings(flags: ExperimentFlags) {
  const holdMs = parseDuration(flags.for, '--for');
  const trigger = parseEventType(flags.when);
  const settleTimeoutMs = parseDuration(flags.settleTimeout, '--settle-timeout');
  if (flags.file && flags.scenario !== 'mixed') throw new UsageError('Give --scenario or --file, not both.');
  const scenario = await loadScenario(flags);
  return { scenario, orders: flags.orders, concurrency: flags.concurrency ?? flags.orders, seed: flags.seed, holdMs, trigger, settleTimeoutMs };
}
