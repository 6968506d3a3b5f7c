import path from 'node:path';
import { Command } from 'commander';
import { UsageError, errorMessage } from '../errors.js';
import { openLab } from '../lab/lab.js';
import { openChaos } from '../chaos/chaos-lab.js';
import { patientAccess } from '../chaos/patient-access.js';
import { parseSchedule, startSchedule, type ScheduledOutcome } from '../chaos/schedule.js';
import { labAccess } from '../saga/lab-access.js';
import { checkLoadDuration, parseRate, resolveLoadModel } from '../saga/load-model.js';
import { diffRuns, formatChange } from '../saga/run-diff.js';
import { listRuns, loadRun, recordRun } from '../saga/run-store.js';
import { parseDuration } from '../lab/duration.js';
import { runScenarioWithOrders, underChaos } from '../saga/run.js';
import { setFlag, type FlagName } from '../lab/flags.js';
import { findScenario, listScenarios, loadScenarioFile } from '../saga/scenario.js';
import { readRecentSagas } from '../saga/recent.js';
import { describeLoad } from '../saga/describe-load.js';
import { findStuckSagas } from '../saga/stuck.js';
import { checkSagaId, readSagaTimeline } from '../saga/timeline.js';
import { renderSummary } from '../ui/saga-summary.js';
import { renderTimeline } from '../ui/saga-timeline.js';
import { renderStuck } from '../ui/stuck-sagas.js';
import { checkReportTargets, writeRunReports } from '../saga/write-reports.js';
import { renderTable, writeData, writeInfo } from '../ui/output.js';
import { labOptionsOf, outputOf, positiveNumber, wholeNumber } from './global-options.js';

interface RunFlags {
  orders?: number;
  concurrency?: number;
  rate?: number;
  duration?: number;
  maxInFlight?: number;
  seed: number;
  file?: string;
  settleTimeout?: string;
  report?: string;
  junit?: string;
  chaos?: string;
}

const loadDuration = (value: string) => checkLoadDuration(parseDuration(value, '--duration'), value);
const graceDuration = (value: string) => parseDuration(value, '--older-than', { zero: true });

export function sagaCommand(): Command {
  const saga = new Command('saga').description('Fire order-saga scenarios at the lab, check every invariant, and look into runs and sagas');

  saga
    .command('list')
    .description('The scenario catalogue (templates/scenarios), one line each')
    .addHelpText('after', '\nExamples:\n  npx frank saga list\n  npx frank saga list --json')
    .action(async (_options, command: Command) => {
      const scenarios = await listScenarios();
      if (outputOf(command).json) {
        writeData(
          scenarios.map((s) => ({
            name: s.name,
            description: s.description,
            orders: s.orders,
            concurrency: s.concurrency,
            rate: s.rate ?? null,
            duration: s.duration ?? null,
            file: s.file,
          })),
        );
        return;
      }
      writeData(
        renderTable(
          ['scenario', 'load', 'description'],
          scenarios.map((s) => [s.name, s.rate !== undefined ? `${s.rate}/s × ${s.duration}` : `${s.orders} orders`, s.description]),
        ),
      );
    });

  saga
    .command('run')
    .description(
      'Run a scenario: load, wait for every saga to settle, check the invariants; exit 0 only when everything holds. Every run is recorded under .frank/runs/<id>/',
    )
    .argument('[scenario]', 'a scenario of the catalogue (see `frank saga list`)')
    .option('--file <path>', 'run your own scenario file instead of one of the catalogue')
    .option('--orders <n>', "closed model: how many orders to place (default: the scenario's)", positiveNumber('--orders'))
    .option('--concurrency <n>', "closed model: orders in flight at once (default: the scenario's)", positiveNumber('--concurrency'))
    .option('--rate <n>', "open model: orders per second, e.g. 50 or 0.5 (needs a duration: --duration or the scenario's)", parseRate)
    .option('--duration <time>', "open model: how long orders arrive, e.g. 60s (needs a rate: --rate or the scenario's)", loadDuration)
    .option(
      '--max-in-flight <n>',
      'open model: the safety limit of orders in flight; an arrival beyond it is skipped and fails the run (default 1000)',
      positiveNumber('--max-in-flight'),
    )
    .option('--seed <n>', 'seed of the order mix', wholeNumber('--seed'), 1)
    .option('--settle-timeout <duration>', "how long sagas may take to settle and the lab to come to rest, e.g. 60s (default: the scenario's)")
    .option('--report <file.md>', 'write a Markdown report there, with two SVG charts beside it (<name>-latency.svg, <name>-throughput.svg)')
    .option('--junit <file.xml>', 'write JUnit XML there: a testcase per invariant and per expectation')
    .option(
      '--chaos <schedule>',
      'faults during the run, from its start: kill-db:payment@10s/15s,latency:order-db:300ms@30s/20s (see `frank chaos`); orders refused while one is in force do not fail the verdict',
    )
    .addHelpText(
      'after',
      `
Load models:
  closed (default)  --orders N at --concurrency C: each worker places its next order when the last settled
  open              --rate R --duration T: one order every 1/R s for T, however many are in flight, up to
                    --max-in-flight. Both are needed; one of them may come from the scenario file
                    (rate:, duration:). --orders/--concurrency and --rate/--duration do not mix.

Examples:
  npx frank saga run happy-path
  npx frank saga run payment-declined --orders 200 --concurrency 20 --seed 7
  npx frank saga run mixed --rate 50 --duration 60s --report out/report.md --junit out/junit.xml
  npx frank saga run --file my-scenario.yaml --json > result.json
  npx frank saga run mixed --duration 60s --rate 10 --chaos 'kill-db:payment@10s/15s,latency:order-db:300ms@30s/20s'`,
    )
    .action(async (name: string | undefined, flags: RunFlags, command: Command) => {
      let chaosOutcomes: ScheduledOutcome[] | undefined;
      if ((name === undefined) === (flags.file === undefined)) {
        throw new UsageError(name ? 'Give a scenario name or --file, not both.' : 'Which scenario? Give its name or --file <path>.', {
          hint: 'See `npx frank saga list`.',
        });
      }
      const settleTimeoutMs = flags.settleTimeout === undefined ? undefined : parseDuration(flags.settleTimeout, '--settle-timeout');
      const scenario = flags.file ? await loadScenarioFile(path.resolve(flags.file)) : await findScenario(name!);
      const loadFlags = { orders: flags.orders, concurrency: flags.concurrency, rate: flags.rate, durationMs: flags.duration, maxInFlight: flags.maxInFlight };
      resolveLoadModel(scenario, loadFlags);
      const targets = { report: flags.report && path.resolve(flags.report), junit: flags.junit && path.resolve(flags.junit) };
      await checkReportTargets(targets);
      const output = outputOf(command);
      const lab = await openLab(labOptionsOf(command));
      const schedule = flags.chaos === undefined ? undefined : parseSchedule(flags.chaos, lab.topology);
      // Under scheduled faults the checker's reads wait out a killed database instead of failing the run.
      const access = schedule ? patientAccess(await labAccess(lab), 60_000) : await labAccess(lab);
      const chaos = schedule ? startSchedule(await openChaos(lab), schedule, writeInfo) : undefined;
      try {
        const hasFlags = lab.topology.resources.some((r) => r.kind === 'unleash');
        const setLabFlag = hasFlags ? (flag: FlagName, on: boolean) => setFlag(lab, flag, on) : undefined;
        const run = await runScenarioWithOrders(access, scenario, {
          ...loadFlags,
          seed: flags.seed,
          settleTimeoutMs,
          onProgress: writeInfo,
          setFlag: setLabFlag,
        }).finally(async () => {
          if (chaos) chaosOutcomes = await chaos.finish();
        });
        let result = run.result;
        if (chaosOutcomes) result = underChaos(result, chaosOutcomes);
        try {
          result = (await recordRun(lab.paths.runs, result, run.orders)).result;
        } catch (error) {
          writeInfo(`warning: the run could not be recorded under ${lab.paths.runs}: ${errorMessage(error)}`);
        }
        for (const file of await writeRunReports(result, targets)) writeInfo(`wrote ${file}`);
        writeInfo(renderSummary(result, output.color));
        if (output.json) writeData(result);
        if (result.verdict !== 'pass') process.exitCode = 1;
      } finally {
        await access.close();
      }
    });

  saga
    .command('runs')
    .description('The recorded runs (.frank/runs), oldest first')
    .addHelpText('after', "\nExamples:\n  npx frank saga runs\n  npx frank saga runs --json | jq -r '.[-1].id'")
    .action(async (_options, command: Command) => {
      const lab = await openLab(labOptionsOf(command));
      const { runs, unreadable } = await listRuns(lab.paths.runs);
      for (const id of unreadable) writeInfo(`warning: ${path.join(lab.paths.runs, id)} has no readable result.json; skipped`);
      if (outputOf(command).json) {
        writeData(
          runs.map(({ id, result: r }) => ({
            id,
            scenario: r.scenario,
            verdict: r.verdict,
            startedAt: r.startedAt ?? null,
            seed: r.seed,
            load: r.load ?? null,
            orders: r.orders,
            throughput: r.throughput,
            latencyMs: r.latencyMs,
          })),
        );
        return;
      }
      if (runs.length === 0) {
        writeInfo(`No run recorded yet in ${lab.paths.runs}. \`npx frank saga run happy-path\` records one.`);
        return;
      }
      writeData(
        renderTable(
          ['run', 'verdict', 'load', 'placed', 'confirmed / cancelled / stuck', 'sagas/s', 'p95 ms'],
          runs.map(({ id, result: r }) => [
            id,
            r.verdict,
            r.load ? describeLoad(r) : '-',
            String(r.orders.placed),
            `${r.orders.confirmed} / ${r.orders.cancelled} / ${r.orders.stuck}`,
            String(r.throughput),
            String(r.latencyMs.p95),
          ]),
        ),
      );
    });

  saga
    .command('diff')
    .description('Compare two recorded runs: verdict, counts, throughput, latency percentiles, and the invariants and expectations whose result changed')
    .argument('<a>', 'the earlier run id (see `frank saga runs`)')
    .argument('<b>', 'the later run id')
    .addHelpText(
      'after',
      '\nExamples:\n  npx frank saga diff 20261130-053412-happy-path 20261130-061005-happy-path\n  npx frank saga diff A B --json | jq \'.rows[] | select(.measure == "latency p95 (ms)")\'',
    )
    .action(async (a: string, b: string, _options, command: Command) => {
      const lab = await openLab(labOptionsOf(command));
      const diff = diffRuns(await loadRun(lab.paths.runs, a), await loadRun(lab.paths.runs, b));
      if (outputOf(command).json) return writeData(diff);
      const figures = renderTable(
        ['measure', 'a', 'b', 'change'],
        diff.rows.map((r) => [r.measure, String(r.a), String(r.b), formatChange(r)]),
      );
      const checks = diff.changedChecks.length
        ? renderTable(
            ['check', 'a', 'b', 'now'],
            diff.changedChecks.map((c) => [
              `${c.kind} ${c.name}`,
              c.a === null ? '-' : c.a ? 'ok' : 'FAIL',
              c.b === null ? '-' : c.b ? 'ok' : 'FAIL',
              c.detailsB ?? '',
            ]),
          )
        : 'No invariant or expectation changed its result.\n';
      writeData(`a: ${diff.a}\nb: ${diff.b}\n\n${figures}\n${checks}`);
    });

  saga
    .command('show')
    .description(
      "The timeline of one saga, rebuilt from every saga database: each step, its service, when, the relay's lag and each consumer's publish→consume gap",
    )
    .argument('<id>', 'an order id or a saga id')
    .addHelpText(
      'after',
      '\nExit codes: 0 shown; 1 no such order or saga (or the lab is down); 2 not a UUID.\n\nExamples:\n  npx frank saga show 0b8e…\n  npx frank saga show <sagaId> --json',
    )
    .action(async (id: string, _options, command: Command) => {
      const sagaId = checkSagaId(id.trim());
      const access = await labAccess(await openLab(labOptionsOf(command)));
      try {
        const timeline = await readSagaTimeline(access, sagaId);
        writeData(outputOf(command).json ? timeline : renderTimeline(timeline));
      } finally {
        await access.close();
      }
    });

  saga
    .command('recent')
    .description("The latest sagas, newest first: each order's state and its saga's status and step (ids for `frank saga show`)")
    .option('--limit <n>', 'how many', positiveNumber('--limit'), 10)
    .addHelpText('after', "\nExamples:\n  npx frank saga recent\n  npx frank saga recent --limit 50 --json | jq -r '.[0].sagaId'")
    .action(async (flags: { limit: number }, command: Command) => {
      const access = await labAccess(await openLab(labOptionsOf(command)));
      try {
        const sagas = await readRecentSagas(access, flags.limit);
        if (outputOf(command).json) return writeData(sagas);
        if (sagas.length === 0) return writeInfo('No order has been placed yet. `npx frank saga run happy-path` places some.');
        writeData(
          renderTable(
            ['order', 'saga', 'order state', 'saga', 'step', 'placed'],
            sagas.map((s) => [
              s.orderId,
              s.sagaId,
              s.orderStatus + (s.cancelReason ? ` (${s.cancelReason})` : ''),
              s.sagaStatus ?? '-',
              s.sagaStep ?? '-',
              new Date(s.createdAt).toLocaleTimeString(),
            ]),
          ),
        );
      } finally {
        await access.close();
      }
    });

  saga
    .command('stuck')
    .description('Every unsettled saga older than a grace period, and where it stopped')
    .option('--older-than <duration>', 'grace period: orders younger than this are still in flight, not stuck', graceDuration, 30_000)
    .option('--limit <n>', 'diagnose at most this many (oldest first)', positiveNumber('--limit'), 50)
    .option('--no-peek', 'do not read the dead-letter queues (see below)')
    .addHelpText(
      'after',
      `
A saga is stuck when its order is neither CONFIRMED nor CANCELLED after the grace period. For each,
frank names where it stopped: an outbox row not dispatched, a message waiting in a queue, a queue
with no consumer, a message in a dead-letter queue, a payment waiting for the provider, and the
last event seen.

Queues are read passively (message and consumer counts). Dead-letter queues are read by fetching
their messages and putting them all back (nack, requeue): nothing is lost, but each message's
x-delivery-count rises by one. On RabbitMQ 4, whose quorum queues default to a delivery limit of
20, use --no-peek when you run this often.

Exit codes: 0 nothing is stuck; 1 at least one saga is stuck (so a script or CI step can wait on
it), or the lab is down; 2 a bad flag.

Examples:
  npx frank saga stuck
  npx frank saga stuck --older-than 5s --json`,
    )
    .action(async (options: { olderThan: number; limit: number; peek: boolean }, command: Command) => {
      const access = await labAccess(await openLab(labOptionsOf(command)));
      try {
        const report = await findStuckSagas(access, { olderThanMs: options.olderThan, limit: options.limit, peek: options.peek });
        writeData(outputOf(command).json ? report : renderStuck(report));
        if (report.unsettled > 0) process.exitCode = 1;
      } finally {
        await access.close();
      }
    });

  return saga;
}
