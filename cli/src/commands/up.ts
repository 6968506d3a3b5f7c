import { rm } from 'node:fs/promises';
import { Command } from 'commander';
import { openChaos } from '../chaos/chaos-lab.js';
import { healExpiredFaults } from '../chaos/faults.js';
import { errorMessage } from '../errors.js';
import { openLab, type Lab } from '../lab/lab.js';
import { upLab, type PhaseEvent } from '../lab/up.js';
import { paint, writeData, writeInfo, type Color } from '../ui/output.js';
import { labOptionsOf, outputOf, wholeNumber } from './global-options.js';

const PHASE_COLOR: Record<string, Color> = { healthy: 'green', failed: 'red', starting: 'gray' };

export function upCommand(): Command {
  return new Command('up')
    .description('Start the lab: every resource walks starting → booted → ready → migrated → seeded → healthy')
    .option('--no-services', 'start the servers only, not the services (run those yourself)')
    .option('--seed <n>', "the seed number of the services' demo data", wholeNumber('--seed'), 1)
    .addHelpText('after', '\nExamples:\n  npx frank up\n  npx frank up --port-offset 100     # beside servers already on the default ports\n  npx frank up --json > lab.json')
    .action(async (options: { services: boolean; seed: number }, command: Command) => {
      const output = outputOf(command);
      const lab = await openLab(labOptionsOf(command));
      writeInfo(`frank up: ${lab.topology.resources.length} resources and ${lab.topology.services.length} services, ${lab.selection.name} runtime (${lab.selection.reason}), port offset ${lab.topology.portOffset}`);
      const width = Math.max(...[...lab.topology.resources, ...lab.topology.services].map((r) => r.name.length));
      const onPhase = (event: PhaseEvent) => {
        const seconds = `${(event.elapsedMs / 1000).toFixed(1)}s`.padStart(6);
        writeInfo(`  ${event.resource.padEnd(width)}  ${seconds}  ${paint(event.phase, PHASE_COLOR[event.phase] ?? 'cyan', output.color)}`);
      };
      await settleFaults(lab);
      const result = await upLab(lab, onPhase, { services: options.services, seed: options.seed });
      if (result.withoutCode.length > 0) writeInfo(`Not started, no code yet: ${result.withoutCode.join(', ')} (services/<name>/src/main.ts).`);
      const seconds = (result.elapsedMs / 1000).toFixed(1);
      writeInfo(
        result.alreadyUp
          ? 'The lab is already up: everything is healthy. Nothing to do.'
          : paint(`The lab is up: ${result.started.length} started, all healthy in ${seconds} s. See \`npx frank status\`.`, 'green', output.color),
      );
      if (output.json) writeData({ alreadyUp: result.alreadyUp, started: result.started, seconds: Number(seconds) });
    });
}

/**
 * Chaos faults whose --for ran out are healed before `up` looks at the lab; those still in force
 * are named, since `up` would restart what they broke. A lab that is down has none.
 */
async function settleFaults(lab: Lab): Promise<void> {
  if (!lab.isUp) {
    await rm(lab.paths.faultsFile, { force: true });
    return;
  }
  const chaos = await openChaos(lab);
  try {
    for (const healed of await healExpiredFaults(chaos)) writeInfo(`Healed ${healed.record.label}: its --for ran out.`);
  } catch (error) {
    // Toxiproxy itself may be down: `up` restarts it without the toxics, and the next `chaos status` clears the record.
    writeInfo(`Could not heal every fault whose --for ran out: ${errorMessage(error)}`);
  }
  const inForce = await chaos.store.list();
  if (inForce.length > 0) writeInfo(`Faults in force: ${inForce.map((f) => f.label).join(', ')} (\`npx frank chaos heal\` removes them).`);
}
