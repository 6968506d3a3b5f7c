import { Command } from 'commander';
import { openLab } from '../lab/lab.js';
import { labStatus } from '../lab/status.js';
import { healthColor, paint, renderTable, writeData } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

export function statusCommand(): Command {
  return new Command('status')
    .description('Every resource with its kind, runtime, port, phase and live health')
    .addHelpText('after', '\nExamples:\n  npx frank status\n  npx frank status --json | jq -r \'.resources[] | select(.name=="order-db") | .url\'')
    .action(async (_options, command: Command) => {
      const output = outputOf(command);
      const lab = await openLab(labOptionsOf(command));
      const resources = await labStatus(lab);
      if (output.json) {
        writeData({ lab: { id: lab.state?.id ?? null, runtime: lab.runtime.name, portOffset: lab.topology.portOffset }, resources });
        return;
      }
      writeData(
        renderTable(
          ['resource', 'kind', 'runtime', 'port', 'phase', 'health'],
          resources.map((r) => [r.name, r.kind, r.runtime, String(r.port), r.phase, paint(r.detail, healthColor(r.health), output.color)]),
        ),
      );
      // Not healthy after frank up walked it there: something broke. Never started is not a failure.
      if (lab.isUp && resources.some((r) => r.health !== 'healthy' && r.phase !== 'declared' && r.phase !== 'stopped')) process.exitCode = 1;
    });
}
