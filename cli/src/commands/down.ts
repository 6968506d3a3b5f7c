import { Command } from 'commander';
import { downLab } from '../lab/down.js';
import { openLab } from '../lab/lab.js';
import { writeData, writeInfo } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

export function downCommand(): Command {
  return new Command('down')
    .description('Stop every resource of the lab in reverse order; --purge also deletes its data')
    .option('--purge', 'delete data, logs and credentials too (the next `up` starts cold)')
    .addHelpText('after', '\nExamples:\n  npx frank down\n  npx frank down --purge')
    .action(async (options: { purge?: boolean }, command: Command) => {
      const lab = await openLab(labOptionsOf(command));
      const result = await downLab(lab, { purge: options.purge === true });
      if (result.sweptLeftovers.length > 0) writeInfo(`Removed ${result.sweptLeftovers.length} leftover(s) of this lab: ${result.sweptLeftovers.join('; ')}`);
      writeInfo(result.stopped.length > 0 ? `Stopped ${result.stopped.join(', ')}.` : 'Nothing was running.');
      if (result.purged) writeInfo(`Deleted the lab's data, logs and credentials under ${lab.paths.state}.`);
      if (outputOf(command).json) writeData(result);
    });
}
