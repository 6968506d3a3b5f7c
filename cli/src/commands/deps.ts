import { Command } from 'commander';
import { plannedInstallSteps, runInstallSteps } from '../deps/install.js';
import { openLab } from '../lab/lab.js';
import { paint, writeData, writeInfo } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

export function depsCommand(): Command {
  const deps = new Command('deps').description("The lab's programs: PostgreSQL, RabbitMQ, Redis, FerretDB, moto, Toxiproxy");
  deps
    .command('install')
    .description('Install whatever is missing (apt, pip, go); does nothing when all is there')
    .option('--dry-run', 'print what would be installed, install nothing')
    .option('--test-tools', 'also what the test suite needs (checkov, chromium)')
    .addHelpText('after', '\nExamples:\n  npx frank deps install\n  npx frank deps install --dry-run')
    .action(async (options: { dryRun?: boolean; testTools?: boolean }, command: Command) => {
      const output = outputOf(command);
      const lab = await openLab(labOptionsOf(command));
      const steps = await plannedInstallSteps(lab.topology, { testTools: options.testTools === true });
      if (steps.length === 0) {
        writeInfo('Everything the lab needs is installed; nothing to do.');
      } else if (options.dryRun) {
        for (const step of steps) writeInfo(`would install ${step.what}:\n  ${step.command}`);
      } else {
        await runInstallSteps(steps, (step, seconds) =>
          writeInfo(`${paint('installed', 'green', output.color)} ${step.what} (${seconds.toFixed(1)} s)\n  ${step.command}`),
        );
      }
      if (output.json) writeData({ installed: options.dryRun ? [] : steps.map((s) => s.what), planned: steps.map((s) => s.command) });
    });
  return deps;
}
