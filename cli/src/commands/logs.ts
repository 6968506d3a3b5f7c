import { Command } from 'commander';
import { openLab } from '../lab/lab.js';
import { followLogs, recentLogs, selectUnits, type LogLine } from '../lab/logs.js';
import { paint, writeData, type Color } from '../ui/output.js';
import { labOptionsOf, outputOf, wholeNumber } from './global-options.js';

const PALETTE: Color[] = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'red'];

export function logsCommand(): Command {
  return new Command('logs')
    .description("The lab's logs, merged, each line prefixed with its resource or service")
    .argument('[names...]', 'only these resources or services')
    .option('-n, --lines <n>', 'how many of the last lines of each', wholeNumber('--lines'), 20)
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .addHelpText(
      'after',
      '\nExamples:\n  npx frank logs order inventory\n  npx frank logs -f payment payment-provider eventbridge-bridge\n  npx frank logs --json -n 100 rabbitmq',
    )
    .action(async (names: string[], options: { lines: number; follow?: boolean }, command: Command) => {
      const output = outputOf(command);
      const lab = await openLab(labOptionsOf(command));
      const units = selectUnits(lab, names);
      const width = Math.max(...units.map((u) => u.name.length));
      const colors = new Map(units.map((u, i) => [u.name, PALETTE[i % PALETTE.length]!]));
      const print = (line: LogLine) => {
        if (output.json) return writeData(JSON.stringify({ unit: line.unit, at: line.at?.toISOString(), text: line.text }) + '\n');
        const time = line.at ? `${line.at.toISOString().slice(11, 19)} ` : '';
        writeData(`${paint(`${time}${line.unit.padEnd(width)} |`, colors.get(line.unit)!, output.color)} ${line.text}\n`);
      };
      for (const line of await recentLogs(lab, units, options.lines)) print(line);
      if (!options.follow) return;
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      await followLogs(lab, units, print, stop.signal);
    });
}
