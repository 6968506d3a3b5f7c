import path from 'node:path';
import { Command } from 'commander';
import { findTopologyFile } from '../lab/topology.js';
import { DEFAULT_AFTER, newService } from '../scaffold/new-service.js';
import { paint, writeData, writeInfo } from '../ui/output.js';
import { globalsOf, outputOf } from './global-options.js';

export function newCommand(): Command {
  const command = new Command('new').description('Scaffold new parts of the lab');
  command.addCommand(
    new Command('service')
      .description('Create services/<name> from templates/service and add <name>-db and the service to frank.yaml')
      .argument('<name>', 'the service name: lowercase letters, digits and dashes')
      .option('--after <event>', 'the event after which it takes its step of the saga (one the lab publishes)', DEFAULT_AFTER)
      .option('--emits <event>', 'the event it publishes when its step is done (default: <name>.completed)')
      .addHelpText(
        'after',
        '\nExamples:\n  npx frank new service shipping --after payment.completed --emits shipping.scheduled && npm install\n  npx frank new service gift-cards --json\n  npx frank -c ../other-lab/frank.yaml new service shipping',
      )
      .action(async (name: string, options: { after: string; emits?: string }, sub: Command) => {
        const output = outputOf(sub);
        const config = globalsOf(sub).config;
        const result = await newService({
          name,
          after: options.after,
          emits: options.emits,
          topologyFile: config ? path.resolve(config) : findTopologyFile(),
        });
        const shown = path.relative(process.cwd(), result.directory) || result.directory;
        writeInfo(`Created ${shown}/ (${result.files.length} files) and added to ${path.basename(result.topologyFile)}:`);
        writeInfo(
          `  resource ${result.resource.name}  postgres on port ${result.resource.port}, database ${result.resource.database}, schema ${result.resource.schema}`,
        );
        writeInfo(`  service  ${result.service}  port ${result.port}, uses ${result.resource.name} and the broker`);
        writeInfo(
          `  saga     after ${result.saga.after} it publishes ${result.saga.emits} (queue ${result.saga.queue}, services/${result.service}/service.yaml)`,
        );
        const nextSteps: [string, string][] = [
          ['npm install', `links the new workspace @frank/${result.service}`],
          [`npx vitest run ${shown}`, 'its integration test, against a lab of its own'],
          ['npx frank up', 'starts the new database and the service with the lab'],
        ];
        const width = Math.max(...nextSteps.map(([step]) => step.length));
        writeInfo(paint('Next steps:', 'bold', output.color));
        for (const [step, why] of nextSteps) writeInfo(`  ${step.padEnd(width)}  # ${why}`);
        if (output.json) writeData({ ...result, nextSteps: nextSteps.map(([step]) => step) });
      }),
  );
  return command;
}
