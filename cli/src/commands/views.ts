import { Command } from 'commander';
import { openLab } from '../lab/lab.js';
import { getJson, serviceUrl } from '../reports/service-url.js';
import { renderTable, writeData } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

interface ViewsStatus {
  projectors: { view: string; queue: string; applied: number; lastEventType: string | null; lastAppliedAt: string | null; lastLagMs: number | null; counts: Record<string, number> }[];
  cache: { view: string; hits: number; misses: number; invalidations: number }[];
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
      writeData(
        renderTable(
          ['view', 'applied', 'last event', 'lag ms', 'documents'],
          status.projectors.map((p) => [p.view, String(p.applied), p.lastEventType ?? '-', p.lastLagMs === null ? '-' : String(p.lastLagMs), Object.entries(p.counts).map(([k, v]) => `${k} ${v}`).join(', ')]),
        ) + '\n' + renderTable(['cache', 'hits', 'misses', 'invalidations'], status.cache.map((c) => [c.view, String(c.hits), String(c.misses), String(c.invalidations)])),
      );
    });
  return views;
}
