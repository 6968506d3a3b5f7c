import path from 'node:path';
import { Command } from 'commander';
import { renderComposeFile } from '../compose/compose-file.js';
import { writeComposeEnv, writeComposeFile } from '../compose/write-compose-file.js';
import { assertContracts, loadServiceContracts } from '../lab/service-contracts.js';
import { openLab } from '../lab/lab.js';
import { writeData, writeInfo } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

export function composeCommand(): Command {
  return new Command('compose')
    .description('Write compose/docker-compose.yml from frank.yaml (the same lab for `docker compose up`) and its secrets into compose/.env')
    .option('--stdout', 'print the file instead of writing it')
    .addHelpText(
      'after',
      '\nExamples:\n  npx frank compose\n  npx frank compose --stdout | docker compose -f - config\n  docker compose -f compose/docker-compose.yml up -d --wait',
    )
    .action(async (options: { stdout?: boolean }, command: Command) => {
      const output = outputOf(command);
      const lab = await openLab(labOptionsOf(command));
      const contracts = await loadServiceContracts(lab.topology);
      assertContracts(lab.topology, contracts);
      if (options.stdout) {
        writeData(renderComposeFile(lab.topology, contracts));
        return;
      }
      const result = await writeComposeFile(lab.topology, contracts);
      const env = await writeComposeEnv(lab.topology);
      const shown = (file: string) => path.relative(process.cwd(), file) || file;
      writeInfo(
        result.changed
          ? `Wrote ${shown(result.file)} (${lab.topology.resources.length} resources and ${lab.topology.services.length} lab services).`
          : `${shown(result.file)} is up to date.`,
      );
      writeInfo(
        env.added.length > 0
          ? `Generated ${env.added.join(', ')} into ${shown(env.file)} (mode 0600, ignored by git).`
          : `${shown(env.file)} holds every secret compose needs.`,
      );
      if (output.json) writeData({ ...result, envFile: env.file, generated: env.added });
    });
}
