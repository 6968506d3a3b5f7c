import path from 'node:path';
import { Command } from 'commander';
import { renderComposeFile } from '../compose/compose-file.js';
import { writeComposeFile } from '../compose/write-compose-file.js';
import { openLab } from '../lab/lab.js';
import { writeData, writeInfo } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

export function composeCommand(): Command {
  return new Command('compose')
    .description('Write compose/docker-compose.yml from frank.yaml: the same lab for `docker compose up`')
    .option('--stdout', 'print the file instead of writing it')
    .addHelpText('after', '\nExamples:\n  npx frank compose\n  npx frank compose --stdout | docker compose -f - config\n  docker compose -f compose/docker-compose.yml up -d --wait')
    .action(async (options: { stdout?: boolean }, command: Command) => {
      const output = outputOf(command);
      const lab = await openLab(labOptionsOf(command));
      if (options.stdout) {
        writeData(renderComposeFile(lab.topology));
        return;
      }
      const result = await writeComposeFile(lab.topology);
      const shown = path.relative(process.cwd(), result.file) || result.file;
      writeInfo(result.changed ? `Wrote ${shown} (${lab.topology.resources.length} resources and ${lab.topology.services.length} lab services).` : `${shown} is up to date.`);
      if (output.json) writeData(result);
    });
}
