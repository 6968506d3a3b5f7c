import { Command } from 'commander';
import { listFlags, parseFlagName, parseFlagValue, setFlag, type FlagChange } from '../lab/flags.js';
import { openLab } from '../lab/lab.js';
import { paint, renderTable, writeData, writeInfo } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

function reportChange(command: Command, change: FlagChange): void {
  const output = outputOf(command);
  if (output.json) return writeData(change);
  const state = (on: boolean) => paint(on ? 'on' : 'off', on ? 'green' : 'gray', output.color);
  writeData(`${change.name} ${state(change.before)} → ${state(change.after)} (${change.environment})\n`);
  writeInfo(
    change.seenAfterMs === undefined
      ? `  its service did not show the change within 10 s: is it running? (\`npx frank status\`)`
      : `  its service reads it after ${change.seenAfterMs} ms`,
  );
}

export function flagsCommand(): Command {
  const flags = new Command('flags').description("The lab's feature flags in Unleash: list, set, toggle (the services read them within about a second)");
  flags
    .command('ls')
    .description('Every flag of the lab with its state per environment, and how the service that reads it sees it now')
    .addHelpText('after', "\nExamples:\n  npx frank flags ls\n  npx frank flags ls --json | jq '.flags[] | {name, seen}'")
    .action(async (_options, command: Command) => {
      const output = outputOf(command);
      const listed = await listFlags(await openLab(labOptionsOf(command)));
      if (output.json) return writeData({ flags: listed });
      const environments = [...new Set(listed.flatMap((f) => f.environments.map((e) => e.name)))];
      const state = (on: boolean | undefined) => (on === undefined ? '-' : paint(on ? 'on' : 'off', on ? 'green' : 'gray', output.color));
      writeData(
        renderTable(
          ['flag', 'service', ...environments, 'service sees', 'default'],
          listed.map((f) => [
            f.name,
            f.service,
            ...environments.map((name) => (f.exists ? state(f.environments.find((e) => e.name === name)?.enabled) : 'not seeded')),
            f.seen ? `${state(f.seen.enabled)}${f.seen.source === 'defaults' ? ' (defaults: Unleash not reached)' : ''}` : 'not answering',
            f.default ? 'on' : 'off',
          ]),
        ),
      );
    });
  flags
    .command('set')
    .description("Turn a flag on or off in the lab's environment (development); waits until its service reads it")
    .argument('<flag>', 'e.g. payment.kill-switch')
    .argument('<on|off>', 'the new state')
    .addHelpText('after', '\nExamples:\n  npx frank flags set payment.kill-switch on\n  npx frank flags set notification.sms off')
    .action(async (name: string, value: string, _options, command: Command) => {
      const flag = parseFlagName(name);
      const to = parseFlagValue(value);
      reportChange(command, await setFlag(await openLab(labOptionsOf(command)), flag, to));
    });
  flags
    .command('toggle')
    .description("Flip a flag in the lab's environment; waits until its service reads it")
    .argument('<flag>', 'e.g. payment.provider-v2')
    .addHelpText('after', '\nExamples:\n  npx frank flags toggle payment.provider-v2')
    .action(async (name: string, _options, command: Command) => {
      const flag = parseFlagName(name);
      reportChange(command, await setFlag(await openLab(labOptionsOf(command)), flag, 'toggle'));
    });
  return flags;
}
