import { readFile, rm } from 'node:fs/promises';
import { Command } from 'commander';
import { openChaos } from '../chaos/chaos-lab.js';
import { healExpiredFaults } from '../chaos/faults.js';
import { errorMessage } from '../errors.js';
import { ephemeralPortRange, firstFreeOffset, offsetsOutside, portsInRange } from '../lab/ephemeral-ports.js';
import { openLab, type Lab } from '../lab/lab.js';
import { startLabTools } from '../lab/tools.js';
import { upLab, type PhaseEvent, type UpOptions, type UpResult } from '../lab/up.js';
import { formatSeconds, paint, phaseColor, writeData, writeInfo } from '../ui/output.js';
import { upSummary } from '../ui/up-summary.js';
import { labOptionsOf, outputOf, wholeNumber } from './global-options.js';

export function upCommand(): Command {
  return new Command('up')
    .description('Start the lab: every resource walks starting → booted → ready → migrated → seeded → healthy')
    .option('--no-services', 'start the servers only, not the services (run those yourself)')
    .option('--seed <n>', "the seed number of the services' demo data", wholeNumber('--seed'), 1)
    .option('--tools', 'also start the tools profile: SonarQube on infrastructure-db (docker runtime only)')
    .addHelpText(
      'after',
      '\nExamples:\n  npx frank up\n  npx frank up --runtime docker --tools   # with SonarQube on http://127.0.0.1:9000\n  npx frank up --port-offset 100     # beside servers already on the default ports\n  npx frank up --json > lab.json',
    )
    .action(async (options: { services: boolean; seed: number; tools?: boolean }, command: Command) => {
      const output = outputOf(command);
      const lab = await openLab(labOptionsOf(command));
      // Said before anything starts: the native runtime runs no tools.
      if (options.tools && !lab.runtime.startTools) await startLabTools(lab);
      writeInfo(
        `frank up: ${lab.topology.resources.length} resources and ${lab.topology.services.length} services, ${lab.selection.name} runtime (${lab.selection.reason}), port offset ${lab.topology.portOffset}`,
      );
      await settleFaults(lab);
      await warnEphemeralPorts(lab);
      const onWaiting = (units: { name: string; waitingFor: string[] }[]) =>
        writeInfo(
          `Left running (alive, waiting for what is down; not restarted): ${units.map((u) => (u.waitingFor.length > 0 ? `${u.name} (waiting for ${u.waitingFor.join(', ')})` : u.name)).join(', ')}`,
        );
      const upOptions = { services: options.services, seed: options.seed, onWaiting };
      // On a terminal a live view; elsewhere (CI, a pipe) one plain line per unit and phase.
      const result = process.stderr.isTTY === true ? await upWithView(lab, upOptions, output.color) : await upWithLines(lab, upOptions, output.color);
      await settleKills(lab);
      if (options.tools)
        writeInfo(`Started the tools profile: ${(await startLabTools(lab)).join(', ') || '(none: no postgres resource declares a sonarqube database)'}.`);
      const seconds = (result.elapsedMs / 1000).toFixed(1);
      if (output.json) writeData({ alreadyUp: result.alreadyUp, started: result.started, seconds: Number(seconds) });
    });
}

/**
 * A kill that `up` has just repaired (every unit is healthy now) is no fault in force any more:
 * its record goes, so that `chaos status` does not list it and the next kill of that unit is not
 * refused as overlapping it. Link faults stay: `up` does not touch Toxiproxy's toxics.
 */
async function settleKills(lab: Lab): Promise<void> {
  if (!lab.isUp) return;
  const chaos = await openChaos(lab);
  for (const record of await chaos.store.claim((r) => r.fault.kind === 'kill')) writeInfo(`Healed ${record.label}: frank up brought it back.`);
}

/**
 * A port in the kernel's ephemeral range can be taken at any moment by the local end of some
 * client's connection (Toxiproxy's own upstream connections included), and `up` then fails on it:
 * said before anything starts, with an offset whose every port lies outside the range and is free.
 */
async function warnEphemeralPorts(lab: Lab): Promise<void> {
  const range = await ephemeralPortRange();
  if (!range) return;
  const inside = portsInRange(lab.topology, range);
  if (inside.length === 0) return;
  const yaml = await readFile(lab.topology.file, 'utf8');
  const safe = await firstFreeOffset(yaml, lab.topology.file, offsetsOutside(lab.topology, yaml, range));
  const shown =
    inside
      .slice(0, 4)
      .map((p) => `${p.port} (${p.owner})`)
      .join(', ') + (inside.length > 4 ? ` and ${inside.length - 4} more` : '');
  writeInfo(
    `⚠ ${inside.length === 1 ? 'Port' : `${inside.length} ports`} ${shown} ${inside.length === 1 ? 'falls' : 'fall'} in the kernel's ephemeral port range ${range.low}–${range.high} (/proc/sys/net/ipv4/ip_local_port_range): any outgoing connection may take ${inside.length === 1 ? 'it' : 'one of them'} and break the lab.` +
      (safe === undefined ? ' Change the ports in frank.yaml to lie outside it.' : ` A safe offset: --port-offset ${safe}.`),
  );
}

async function upWithLines(lab: Lab, options: UpOptions, color: boolean): Promise<UpResult> {
  const width = Math.max(...[...lab.topology.resources, ...lab.topology.services].map((r) => r.name.length));
  const onPhase = (event: PhaseEvent) =>
    writeInfo(`  ${event.resource.padEnd(width)}  ${formatSeconds(event.elapsedMs)}  ${paint(event.phase, phaseColor(event.phase), color)}`);
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
