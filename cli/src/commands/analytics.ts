import { Command } from 'commander';
import { openLab } from '../lab/lab.js';
import { analyticsReport } from '../reports/analytics-report.js';
import { renderTable, writeData } from '../ui/output.js';
import { labOptionsOf, outputOf, wholeNumber } from './global-options.js';

const euros = (cents: unknown) => `${(Number(cents ?? 0) / 100).toFixed(2)}`;

export function analyticsCommand(): Command {
  return new Command('analytics')
    .description('The BI report: sales per month, top customers by lifetime value, inventory days of cover and reorder suggestions')
    .option('--top <n>', 'how many customers', wholeNumber('--top'), 10)
    .addHelpText('after', '\nExamples:\n  npx frank analytics\n  npx frank analytics --json | jq .inventory')
    .action(async (options: { top: number }, command: Command) => {
      const report = await analyticsReport(await openLab(labOptionsOf(command)), { top: options.top });
      if (outputOf(command).json) return writeData(report);
      const scheduled = report.summary.lastScheduledRefresh as
        { rule: string; scheduledAt: string; refreshedAt: string; eventBridgeId: string } | null | undefined;
      writeData(
        scheduled
          ? `Cubes refreshed by the scheduled rule ${scheduled.rule} at ${scheduled.refreshedAt} (due ${scheduled.scheduledAt}, EventBridge event ${scheduled.eventBridgeId})\n`
          : 'Cubes not refreshed by a scheduled rule yet\n',
      );
      writeData(
        `Sales per month\n${renderTable(
          ['month', 'orders', 'units', 'revenue'],
          report.salesByMonth.map((m) => [m.month, String(m.orders), String(m.units), euros(m.revenueCents)]),
        )}\n`,
      );
      writeData(
        `Top customers by lifetime value\n${renderTable(
          ['customer', 'email', 'orders', 'ltv'],
          report.topCustomers.map((c) => [c.name, c.email, String(c.orders), euros(c.ltvCents)]),
        )}\n`,
      );
      writeData(
        `Inventory: days of cover at this month's pace\n${renderTable(
          ['sku', 'name', 'available', 'units/day', 'days of cover', 'advice'],
          report.inventory.map((a) => [
            a.sku,
            a.name,
            String(a.available),
            a.unitsPerDay.toFixed(2),
            a.daysOfCover === null ? '-' : a.daysOfCover.toFixed(1),
            a.reorder ? 'reorder' : a.available === 0 ? 'out of stock' : 'ok',
          ]),
        )}`,
      );
    });
}
