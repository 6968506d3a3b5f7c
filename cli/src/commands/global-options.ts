import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import type { LabOptions } from '../lab/lab.js';
import { colorEnabled, writeInfo, type OutputOptions } from '../ui/output.js';
import { pullReporter } from '../ui/pull-report.js';

export interface GlobalOptions {
  json?: boolean;
  portOffset?: number;
  runtime?: 'auto' | 'native' | 'docker';
  color?: boolean;
  config?: string;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('--json', 'print data as JSON on stdout; progress stays on stderr')
    .option('--port-offset <n>', 'shift every port of the lab by n', wholeNumber('--port-offset'))
    .addOption(new Option('--runtime <name>', 'which runtime runs the lab').choices(['auto', 'native', 'docker']))
    .option('--no-color', 'no colour in output (NO_COLOR is honoured too)')
    .option('-c, --config <file>', 'the frank.yaml to use (default: found from the working folder upwards)');
}

/** A flag's whole number ≥ 0; anything else is a usage error that names the flag. */
export function positiveNumber(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value)))
      throw new UsageError(`${flag} takes a whole number ≥ 1, not "${value}".`);
    return Number(value);
  };
}

export function wholeNumber(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new UsageError(`${flag} takes a whole number ≥ 0, not "${value}".`);
    return Number(value);
  };
}

export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export function labOptionsOf(command: Command): LabOptions {
  const { config, portOffset, runtime } = globalsOf(command);
  // Image pulls report on stderr, like every progress line: stdout stays clean for --json.
  return { config, portOffset, runtime, onPull: pullReporter(writeInfo) };
}

export function outputOf(command: Command): OutputOptions {
  const { json, color } = globalsOf(command);
  return { json: json === true, color: colorEnabled(color) };
}
