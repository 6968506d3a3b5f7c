import { Command } from 'commander';
import { openLab } from '../lab/lab.js';
import { labEnvironment, serviceEnvironmentOf } from '../lab/status.js';
import { writeData } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

export function envCommand(): Command {
  return new Command('env')
    .description("Every resource's connection URL as environment variables")
    .option('--service <name>', 'the environment the lab gives this service instead (to run it yourself, e.g. after up --no-services)')
    .addHelpText(
      'after',
      '\nExamples:\n  eval "$(npx frank env)" && psql "$ORDER_DB_URL"\n  npx frank env --json\n  npx frank up --no-services && env $(npx frank env --service order | sed "s/^export //") npm --prefix services/order exec tsx src/main.ts',
    )
    .action(async (options: { service?: string }, command: Command) => {
      const lab = await openLab(labOptionsOf(command));
      const variables = options.service ? await serviceEnvironmentOf(lab, options.service) : await labEnvironment(lab);
      if (outputOf(command).json) writeData(variables);
      else
        writeData(
          Object.entries(variables)
            .map(([key, value]) => `export ${key}='${value.replace(/'/g, `'\\''`)}'\n`)
            .join(''),
        );
    });
}
