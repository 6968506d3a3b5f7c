import { Command } from 'commander';
import { diagnose } from '../deps/doctor.js';
import { openLab } from '../lab/lab.js';
import { paint, writeData } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('What is missing or wrong, with the exact command that fixes it')
    .addHelpText('after', '\nExamples:\n  npx frank doctor\n  npx frank doctor --json')
    .action(async (_options, command: Command) => {
      const output = outputOf(command);
      const findings = await diagnose(await openLab(labOptionsOf(command)));
      if (output.json) writeData({ ok: findings.every((f) => f.ok), findings });
      else {
        for (const finding of findings) {
          writeData(`${finding.ok ? paint('✔', 'green', output.color) : paint('✖', 'red', output.color)} ${finding.what}\n`);
          if (!finding.ok && finding.fix) writeData(`    fix: ${finding.fix}\n`);
        }
      }
      if (findings.some((f) => !f.ok)) process.exitCode = 1;
    });
}
