import { Command } from 'commander';
import { openLab } from '../lab/lab.js';
import { migrateLab } from '../lab/service-jobs.js';
import { writeData, writeInfo } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description("Apply the pending SQL migrations of every service's database (services/kit/migrations, then services/<name>/migrations)")
    .option('--service <name>', 'only this service')
    .addHelpText('after', '\nExamples:\n  npx frank migrate\n  npx frank migrate --service order')
    .action(async (options: { service?: string }, command: Command) => {
      const results = await migrateLab(await openLab(labOptionsOf(command)), options.service);
      for (const { service, applied } of results) writeInfo(applied.length > 0 ? `${service}: applied ${applied.join(', ')}` : `${service}: up to date`);
      if (outputOf(command).json) writeData(results);
    });
}
