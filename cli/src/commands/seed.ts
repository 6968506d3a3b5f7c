import { Command } from 'commander';
import { openLab } from '../lab/lab.js';
import { seedLab } from '../lab/service-jobs.js';
import { writeData, writeInfo } from '../ui/output.js';
import { labOptionsOf, outputOf, wholeNumber } from './global-options.js';

export function seedCommand(): Command {
  return new Command('seed')
    .description("Load the services' demo data: deterministic for a seed number, and idempotent")
    .option('--service <name>', 'only this service')
    .option('--seed <n>', 'the seed number', wholeNumber('--seed'), 1)
    .addHelpText('after', '\nExamples:\n  npx frank seed\n  npx frank seed --service inventory --seed 7')
    .action(async (options: { service?: string; seed: number }, command: Command) => {
      const results = await seedLab(await openLab(labOptionsOf(command)), options.seed, options.service);
      for (const { service, seeded } of results) writeInfo(seeded ? `${service}: seeded (seed ${options.seed})` : `${service}: has no seed`);
      if (outputOf(command).json) writeData(results);
    });
}
