import { Command } from 'commander';
import { openLab } from '../lab/lab.js';
import { labEnvironment } from '../lab/status.js';
import { writeData } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

export function envCommand(): Command {
  return new Command('env')
    .description("Every resource's connection URL as environment variables")
    .addHelpText('after', '\nExamples:\n  eval "$(npx frank env)" && psql "$ORDER_DB_URL"\n  npx frank env --json')
    .action(async (_options, command: Command) => {
      const lab = await openLab(labOptionsOf(command));
      const variables = await labEnvironment(lab);
      if (outputOf(command).json) writeData(variables);
      else writeData(Object.entries(variables).map(([key, value]) => `export ${key}='${value.replace(/'/g, `'\\''`)}'\n`).join(''));
    });
}
