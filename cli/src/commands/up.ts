import { rm } from 'node:fs/promises';
import { Command } from 'commander';
import { openChaos } from '../chaos/chaos-lab.js';
import { healExpiredFaults } from '../chaos/faults.js';
import { errorMessage } from '../errors.js';
import { openLab, type Lab } from '../lab/lab.js';
import { upLab, type PhaseEvent, type UpOptions, type UpResult } from '../lab/up.js';
import { formatSeconds, paint, phaseColor, writeData, writeInfo } from '../ui/output.js';
import { upSummary } from '../ui/up-summary.js';
import { labOptionsOf, outputOf, wholeNumber } from './global-options.js';

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
      await settleFaults(lab);
      const onWaiting = (units: { name: string; waitingFor: string[] }[]) =>
        writeInfo(`Left running (alive, waiting for what is down; not restarted): ${units.map((u) => (u.waitingFor.length > 0 ? `${u.name} (waiting for ${u.waitingFor.join(', ')})` : u.name)).join(', ')}`);
      const upOptions = { services: options.services, seed: options.seed, onWaiting };
      // On a terminal a live view; elsewhere (CI, a pipe) one plain line per unit and phase.
      const result = process.stderr.isTTY === true ? await upWithView(lab, upOptions, output.color) : await upWithLines(lab, upOptions, output.color);
      const seconds = (result.elapsedMs / 1000).toFixed(1);
      if (output.json) writeData({ alreadyUp: result.alreadyUp, started: result.started, seconds: Number(seconds) });
    });
}

async function upWithLines(lab: Lab, options: UpOptions, color: boolean): Promise<UpResult> {
  const width = Math.max(...[...lab.topology.resources, ...lab.topology.services].map((r) => r.name.length));
  const onPhase = (event: PhaseEvent) => writeInfo(`  ${event.resource.padEnd(width)}  ${formatSeconds(event.elapsedMs)}  ${paint(event.phase, phaseColor(event.phase), color)}`);
  const result = await upLab(lab, onPhase, options);
  const summary = upSummary(result);
  if (summary.note) writeInfo(summary.note);
  writeInfo(result.alreadyUp ? summary.text : paint(summary.text, 'green', color));
  return result;
}

async function upWithView(lab: Lab, options: UpOptions, color: boolean): Promise<UpResult> {
  // ink is loaded only for a terminal: it costs every other frank command a third of a second.
  const { LiveUpView } = await import('../ui/up-view.js');
  const view = new LiveUpView(color);
  try {
    const result = await upLab(lab, (event) => view.onPhase(event), { ...options, onPlan: (units) => view.plan(units) });
    view.finish(upSummary(result));
    return result;
  } catch (error) {
    view.finish('failed');
    throw error;
  }
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
