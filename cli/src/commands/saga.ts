import path from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { openLab } from '../lab/lab.js';
import { labAccess } from '../saga/lab-access.js';
import { runScenario } from '../saga/run.js';
import { findScenario, listScenarios, loadScenarioFile, parseDuration } from '../saga/scenario.js';
import { renderSummary } from '../saga/summary.js';
import { renderTable, writeData, writeInfo } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

interface RunFlags {
  orders?: number;
  concurrency?: number;
  seed: number;
  file?: string;
  settleTimeout?: string;
}

function positive(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) throw new UsageError(`${flag} takes a whole number ≥ 1, not "${value}".`);
    return Number(value);
  };
}

function seedNumber(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new UsageError(`--seed takes a whole number ≥ 0, not "${value}".`);
  return Number(value);
}

export function sagaCommand(): Command {
  const saga = new Command('saga').description('Fire order-saga scenarios at the lab and check every invariant afterwards');

  saga
    .command('list')
    .description('The scenario catalogue (templates/scenarios), one line each')
    .action(async (_options, command: Command) => {
      const scenarios = await listScenarios();
      if (outputOf(command).json) {
        writeData(scenarios.map((s) => ({ name: s.name, description: s.description, orders: s.orders, concurrency: s.concurrency, file: s.file })));
        return;
      }
      writeData(renderTable(['scenario', 'orders', 'description'], scenarios.map((s) => [s.name, String(s.orders), s.description])));
    });

  saga
    .command('run')
    .description('Run a scenario: load, wait for every saga to settle, check the invariants; exit 0 only when everything holds')
    .argument('[scenario]', 'a scenario of the catalogue (see `frank saga list`)')
    .option('--file <path>', 'run your own scenario file instead of one of the catalogue')
    .option('--orders <n>', 'how many orders to place (default: the scenario\'s)', positive('--orders'))
    .option('--concurrency <n>', 'orders in flight at once (default: the scenario\'s)', positive('--concurrency'))
    .option('--seed <n>', 'seed of the order mix', seedNumber, 1)
    .option('--settle-timeout <duration>', 'how long sagas may take to settle and the lab to come to rest, e.g. 60s (default: the scenario\'s)')
    .addHelpText('after', '\nExamples:\n  npx frank saga run happy-path\n  npx frank saga run payment-declined --orders 200 --concurrency 20 --seed 7\n  npx frank saga run --file my-scenario.yaml --json > result.json')
    .action(async (name: string | undefined, flags: RunFlags, command: Command) => {
      if ((name === undefined) === (flags.file === undefined)) {
        throw new UsageError(name ? 'Give a scenario name or --file, not both.' : 'Which scenario? Give its name or --file <path>.', { hint: 'See `npx frank saga list`.' });
      }
      const settleTimeoutMs = flags.settleTimeout === undefined ? undefined : parseDuration(flags.settleTimeout);
      const scenario = flags.file ? await loadScenarioFile(path.resolve(flags.file)) : await findScenario(name!);
      const output = outputOf(command);
      const access = await labAccess(await openLab(labOptionsOf(command)));
      try {
        const result = await runScenario(access, scenario, { orders: flags.orders, concurrency: flags.concurrency, seed: flags.seed, settleTimeoutMs, onProgress: writeInfo });
        writeInfo(renderSummary(result, output.color));
        if (output.json) writeData(result);
        if (result.verdict !== 'pass') process.exitCode = 1;
      } finally {
        await access.close();
      }
    });

  return saga;
}
