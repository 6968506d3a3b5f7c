import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { openLab } from '../lab/lab.js';
import { loadSagaMap } from '../lab/manifests.js';
import { labAccess } from '../saga/lab-access.js';
import { listOutbox, outboxServiceNamed, redriveOutbox } from '../saga/outbox.js';
import { renderOutbox } from '../ui/outbox-table.js';
import { writeData, writeInfo } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function rowId(value: string): string {
  if (!UUID.test(value)) throw new UsageError(`--id takes an outbox row id (a UUID), not "${value}".`, { hint: '`npx frank outbox ls` shows the ids.' });
  return value.toLowerCase();
}

export function outboxCommand(): Command {
  const outbox = new Command('outbox').description("The services' transactional outboxes: what is not yet published, and republishing it");

  outbox
    .command('ls')
    .description('Undispatched outbox rows, oldest first: service, id, event type, aggregate, age, attempts')
    .option('--service <name>', "only this service's outbox (a saga participant: user, order, …)")
    .addHelpText('after', '\nExamples:\n  npx frank outbox ls\n  npx frank outbox ls --service payment --json')
    .action(async (options: { service?: string }, command: Command) => {
      const lab = await openLab(labOptionsOf(command));
      const saga = await loadSagaMap(lab.topology);
      if (options.service) outboxServiceNamed(saga, options.service);
      const access = await labAccess(lab, saga);
      try {
        const rows = await listOutbox(access, { service: options.service });
        writeData(outputOf(command).json ? rows : renderOutbox(rows));
      } finally {
        await access.close();
      }
    });

  outbox
    .command('redrive')
    .description("Publish a service's undispatched outbox rows from here, straight to RabbitMQ, and mark them dispatched")
    .option('--service <name>', 'the service whose outbox to redrive (a saga participant: user, order, …)')
    .option('--id <uuid>', 'only this row', rowId)
    .addHelpText(
      'after',
      `
For rows the service's own relay cannot publish: the service is down, or its link to the broker is
broken. frank claims the rows as the relay does (SELECT … FOR UPDATE SKIP LOCKED), publishes each
with a broker confirm under its outbox id as message id, and marks it dispatched in the same
transaction. A row the relay is publishing at that moment is locked, so it is skipped and left to
the relay: one row is never published by both at once. Consumers' inboxes drop any duplicate.

Exit codes: 0 done (also when nothing was waiting); 1 no such row, the lab or broker is down;
2 a bad flag or an unknown service.

Examples:
  npx frank outbox redrive --service payment
  npx frank outbox redrive --service order --id 5f0c…`,
    )
    .action(async (options: { service?: string; id?: string }, command: Command) => {
      const lab = await openLab(labOptionsOf(command));
      const saga = await loadSagaMap(lab.topology);
      if (!options.service)
        throw new UsageError('Which outbox? Give --service.', {
          hint: `One of: ${saga.participants.join(', ')}. \`npx frank outbox ls\` shows which have rows waiting.`,
        });
      outboxServiceNamed(saga, options.service);
      const access = await labAccess(lab, saga);
      try {
        const result = await redriveOutbox(access, { service: options.service, id: options.id });
        writeInfo(
          `${options.service}: ${result.published.length} published` +
            (result.skippedInFlight.length ? `, ${result.skippedInFlight.length} skipped (being published by the relay right now)` : '') +
            (result.dispatchedMeanwhile.length ? `, ${result.dispatchedMeanwhile.length} already dispatched` : ''),
        );
        if (outputOf(command).json) writeData(result);
      } finally {
        await access.close();
      }
    });

  return outbox;
}
