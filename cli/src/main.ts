import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { analyticsCommand } from './commands/analytics.js';
import { chaosCommand } from './commands/chaos.js';
import { cloudCommand } from './commands/cloud.js';
import { composeCommand } from './commands/compose.js';
import { depsCommand } from './commands/deps.js';
import { doctorCommand } from './commands/doctor.js';
import { downCommand } from './commands/down.js';
import { envCommand } from './commands/env.js';
import { logsCommand } from './commands/logs.js';
import { migrateCommand } from './commands/migrate.js';
import { sagaCommand } from './commands/saga.js';
import { seedCommand } from './commands/seed.js';
import { addGlobalOptions } from './commands/global-options.js';
import { statusCommand } from './commands/status.js';
import { upCommand } from './commands/up.js';
import { viewsCommand } from './commands/views.js';
import { FrankError, ResourceError } from './errors.js';
import { colorEnabled, paint, writeInfo } from './ui/output.js';

function buildProgram(): Command {
  const program = addGlobalOptions(
    new Command('frank')
      .description('A database-per-service microservices lab: start it, break it, check nothing was lost.')
      .version((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version)
      .showHelpAfterError('(run with --help for usage)')
      .exitOverride(),
  );
  for (const command of [upCommand(), downCommand(), statusCommand(), envCommand(), logsCommand(), migrateCommand(), seedCommand(), sagaCommand(), chaosCommand(), viewsCommand(), analyticsCommand(), doctorCommand(), depsCommand(), cloudCommand(), composeCommand()]) {
    program.addCommand(command);
  }
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/** The one handler at the top: the user's mistakes and lab failures are explained; anything else is our bug. */
function report(error: unknown): number {
  const color = colorEnabled(!process.argv.includes('--no-color'));
  if (error instanceof CommanderError) {
    // commander has printed its message already; help and version are not failures.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof FrankError) {
    writeInfo(`${paint('✖', 'red', color)} ${error.message}`);
    if (error instanceof ResourceError && error.logTail) writeInfo(paint(`--- last lines of ${error.resource}'s log ---\n${error.logTail}\n---`, 'gray', color));
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
