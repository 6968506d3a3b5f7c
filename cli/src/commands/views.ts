import { Command } from 'commander';
import { FrankError, UsageError } from '../errors.js';
import { openLab } from '../lab/lab.js';
import { getJson, serviceUrl } from '../reports/service-url.js';
import { labAccess } from '../saga/lab-access.js';
import { parseDuration } from '../lab/duration.js';
import { paint, renderTable, writeData, writeInfo } from '../ui/output.js';
import { takeSnapshot } from '../saga/snapshot.js';
import { checkReadSide } from '../saga/read-side-invariants.js';
import { readViews } from '../views/read-side.js';
import { labOptionsOf, outputOf } from './global-options.js';

interface Lag {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

interface ViewsStatus {
  rebuilding: string | null;
  projectors: {
    view: string;
    queue: string;
    applied: number;
    lastEventType: string | null;
    lastAppliedAt: string | null;
    lastLagMs: number | null;
    lagMs: Lag | null;
    counts: Record<string, number>;
  }[];
  cache: { view: string; hits: number; misses: number; invalidations: number }[];
}

interface RebuildProgress {
  id: string;
  views: string[];
  phase: 'fetching' | 'replaying' | 'swapping' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  eventsFetched: number;
  eventsApplied: number;
  sources: Record<string, number>;
  counts: Record<string, number>;
  error: string | null;
}

const VIEW_NAMES = ['order_views', 'inventory_views', 'user_views', 'notification_views'];

function viewName(value: string, previous: string[] = []): string[] {
  const names = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  for (const name of names)
    if (!VIEW_NAMES.includes(name)) throw new UsageError(`--view takes a view database, one of ${VIEW_NAMES.join(', ')}; not "${name}".`);
  return [...previous, ...names];
}

async function postJson<T>(url: string, body: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export function viewsCommand(): Command {
  const views = new Command('views').description('The read side: Mongo views kept by the projectors, and the Redis cache');
  views
    .command('status')
    .description('Per projector: events applied, the last one, its lag and document counts; cache hits and misses')
    .addHelpText('after', '\nExamples:\n  npx frank views status\n  npx frank views status --json')
    .action(async (_options, command: Command) => {
      const lab = await openLab(labOptionsOf(command));
      const status = await getJson<ViewsStatus>(`${await serviceUrl(lab, 'views')}/views/status`);
      if (outputOf(command).json) return writeData(status);
      if (status.rebuilding) writeInfo(`a rebuild is running (${status.rebuilding})`);
      writeData(
        renderTable(
          ['view', 'applied', 'last event', 'lag p50/p99 ms', 'documents'],
          status.projectors.map((p) => [
            p.view,
            String(p.applied),
            p.lastEventType ?? '-',
            p.lagMs ? `${p.lagMs.p50}/${p.lagMs.p99}` : p.lastLagMs === null ? '-' : String(p.lastLagMs),
            Object.entries(p.counts)
              .map(([k, v]) => `${k} ${v}`)
              .join(', '),
          ]),
        ) +
          '\n' +
          renderTable(
            ['cache', 'hits', 'misses', 'invalidations'],
            status.cache.map((c) => [c.view, String(c.hits), String(c.misses), String(c.invalidations)]),
          ),
      );
    });

  views
    .command('rebuild')
    .description("Drop and rebuild view databases from the services' event stores, while the lab runs")
    .option('--view <name>', `a view database to rebuild (repeatable or comma-separated): ${VIEW_NAMES.join(', ')}; default all`, viewName)
    .option('--timeout <duration>', 'how long to wait for the rebuild, e.g. 5m', '10m')
    .addHelpText(
      'after',
      '\nThe projectors hold their deliveries meanwhile and catch up afterwards; reads keep the old views until the swap.\n\nExamples:\n  npx frank views rebuild\n  npx frank views rebuild --view order_views --json',
    )
    .action(async (flags: { view?: string[]; timeout: string }, command: Command) => {
      const timeoutMs = parseDuration(flags.timeout, '--timeout');
      const lab = await openLab(labOptionsOf(command));
      const base = await serviceUrl(lab, 'views');
      const started = await postJson<RebuildProgress & { error?: { message?: string } }>(`${base}/views/rebuild`, flags.view ? { views: flags.view } : {});
      if (started.status === 409)
        throw new FrankError(`A rebuild is running already: ${started.body.error?.message ?? ''}`, { hint: 'Wait for it; `npx frank views status` shows it.' });
      if (started.status !== 202) throw new FrankError(`views answered ${started.status}: ${JSON.stringify(started.body)}`);
      writeInfo(`rebuilding ${started.body.views.join(', ')} from the event stores`);
      const deadline = Date.now() + timeoutMs;
      let progress: RebuildProgress = started.body;
      let said = '';
      while (progress.phase !== 'done' && progress.phase !== 'failed') {
        if (Date.now() > deadline)
          throw new FrankError(
            `The rebuild ${progress.id} did not finish within ${flags.timeout} (${progress.phase}, ${progress.eventsApplied} events applied).`,
            { hint: 'It goes on in views-service; follow it with `npx frank views status`.' },
          );
        await new Promise((resolve) => setTimeout(resolve, 500));
        progress = await getJson<RebuildProgress>(`${base}/views/rebuild/${progress.id}`);
        const line = `  ${progress.phase}: ${progress.eventsFetched} events fetched, ${progress.eventsApplied} applied`;
        if (line !== said) writeInfo((said = line));
      }
      if (outputOf(command).json) writeData(progress);
      else {
        const seconds = ((Date.parse(progress.finishedAt ?? progress.startedAt) - Date.parse(progress.startedAt)) / 1000).toFixed(1);
        writeData(
          `${progress.phase === 'done' ? 'rebuilt' : 'rebuild failed:'} ${progress.views.join(', ')} from ${progress.eventsFetched} events (${Object.entries(
            progress.sources,
          )
            .map(([s, n]) => `${s} ${n}`)
            .join(', ')}) in ${seconds} s\n` +
            renderTable(
              ['collection', 'documents'],
              Object.entries(progress.counts).map(([name, n]) => [name, String(n)]),
            ),
        );
      }
      if (progress.phase === 'failed')
        throw new FrankError(`The rebuild failed: ${progress.error}. The live views are as they were.`, { hint: 'See `npx frank logs views`.' });
    });

  views
    .command('verify')
    .description("Check that the views say what the services' databases say (orders, users, stock, payments, deliveries)")
    .option('--timeout <duration>', 'how long the views may take to catch up, e.g. 30s', '30s')
    .addHelpText(
      'after',
      '\nExit code 1 when a view still differs after the timeout.\n\nExamples:\n  npx frank views verify\n  npx frank views verify --timeout 2m --json',
    )
    .action(async (flags: { timeout: string }, command: Command) => {
      const deadline = Date.now() + parseDuration(flags.timeout, '--timeout');
      const output = outputOf(command);
      const access = await labAccess(await openLab(labOptionsOf(command)));
      try {
        const mongoUrl = access.env.MONGO_URL;
        if (!mongoUrl) throw new FrankError('The lab has no MONGO_URL.', { hint: 'Check `npx frank env`.' });
        let checks = checkReadSide(await takeSnapshot(access), await readViews(mongoUrl));
        while (checks.some((c) => !c.ok) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          checks = checkReadSide(await takeSnapshot(access), await readViews(mongoUrl));
        }
        if (output.json) writeData({ ok: checks.every((c) => c.ok), checks });
        else
          writeData(
            renderTable(
              ['check', 'result', 'details'],
              checks.map((c) => [c.name, c.ok ? paint('ok', 'green', output.color) : paint('FAIL', 'red', output.color), c.details]),
            ),
          );
        if (checks.some((c) => !c.ok)) process.exitCode = 1;
      } finally {
        await access.close();
      }
    });
  return views;
}
