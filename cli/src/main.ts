import { CommanderError } from 'commander';
import { FrankError, ResourceError } from './errors.js';
import { buildProgram } from './program.js';
import { colorEnabled, paint, writeInfo } from './ui/output.js';

/** The one handler at the top: the user's mistakes and lab failures are explained; anything else is our bug. */
function report(error: unknown): number {
  const color = colorEnabled(!process.argv.includes('--no-color'));
  if (error instanceof CommanderError) {
    // commander has printed its message already; help and version are not failures.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof FrankError) {
    writeInfo(`${paint('✖', 'red', color)} ${error.message}`);
    if (error instanceof ResourceError && error.logTail)
      writeInfo(paint(`--- last lines of ${error.resource}'s log ---\n${error.logTail}\n---`, 'gray', color));
    if (error.hint) writeInfo(`  ${paint('try:', 'yellow', color)} ${error.hint}`);
    return error.exitCode;
  }
  writeInfo(`${paint('✖ frank hit a bug:', 'red', color)} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  writeInfo('  Please report it with this output, `npx frank doctor`, and the logs under .frank/logs/.');
  return 1;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}
