import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { analyticsCommand } from './commands/analytics.js';
import { chaosCommand } from './commands/chaos.js';
import { cloudCommand } from './commands/cloud.js';
import { completionCommand } from './commands/completion.js';
import { composeCommand } from './commands/compose.js';
import { depsCommand } from './commands/deps.js';
import { doctorCommand } from './commands/doctor.js';
import { downCommand } from './commands/down.js';
import { envCommand } from './commands/env.js';
import { flagsCommand } from './commands/flags.js';
import { imagesCommand } from './commands/images.js';
import { logsCommand } from './commands/logs.js';
import { migrateCommand } from './commands/migrate.js';
import { newCommand } from './commands/new.js';
import { openCommand } from './commands/open.js';
import { dashboardCommand } from './commands/dashboard.js';
import { outboxCommand } from './commands/outbox.js';
import { sagaCommand } from './commands/saga.js';
import { seedCommand } from './commands/seed.js';
import { addGlobalOptions } from './commands/global-options.js';
import { statusCommand } from './commands/status.js';
import { upCommand } from './commands/up.js';
import { viewsCommand } from './commands/views.js';

/** The whole command tree; built fresh per call so tests can walk it without running anything. */
export function buildProgram(): Command {
  const program = addGlobalOptions(
    new Command('frank')
      .description('A database-per-service microservices lab: start it, break it, check nothing was lost.')
      .version((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version)
      .showHelpAfterError('(run with --help for usage)')
      .exitOverride(),
  );
  for (const command of [
    upCommand(),
    downCommand(),
    statusCommand(),
    envCommand(),
    logsCommand(),
    migrateCommand(),
    seedCommand(),
    sagaCommand(),
    outboxCommand(),
    chaosCommand(),
    flagsCommand(),
    viewsCommand(),
    imagesCommand(),
    dashboardCommand(),
    openCommand(),
    analyticsCommand(),
    doctorCommand(),
    depsCommand(),
    cloudCommand(),
    composeCommand(),
    newCommand(),
    completionCommand(),
  ]) {
    program.addCommand(command);
  }
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}
