import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { readFrame, type FrameState } from '../dashboard/dashboard.js';
import { parseDuration } from '../lab/duration.js';
import { renderFrame } from '../ui/dashboard-frame.js';
import { openLab } from '../lab/lab.js';
import { labAccess } from '../saga/lab-access.js';
import { writeData, writeInfo } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

export function dashboardCommand(): Command {
  return new Command('dashboard')
    .description("Live: every unit's health, sagas settled per second, orders by state, queue depths, outbox backlogs and the faults in force")
    .option('--every <duration>', 'how often to redraw, e.g. 2s', '1s')
    .option('--once', 'print one frame and exit (with --json: the frame as JSON)')
    .addHelpText(
      'after',
      '\nOn a terminal the frame is redrawn in place until Ctrl-C; elsewhere each frame is printed after the last.\n\nExamples:\n  npx frank dashboard\n  npx frank dashboard --every 5s\n  npx frank dashboard --once --json',
    )
    .action(async (flags: { every: string; once?: boolean }, command: Command) => {
      const everyMs = parseDuration(flags.every, '--every');
      const output = outputOf(command);
      const lab = await openLab(labOptionsOf(command));
      const access = await labAccess(lab);
      // On a terminal an ink view redrawn in place; elsewhere, or with --once, each frame as text after the last.
      const view =
        !flags.once && !output.json && process.stderr.isTTY === true
          ? new (await import('../ui/dashboard-view.js')).LiveDashboardView(output.color)
          : undefined;
      const stop = new AbortController();
      const leave = () => stop.abort();
      process.once('SIGINT', leave);
      let state: FrameState | undefined;
      try {
        do {
          const read = await readFrame(lab, access, state);
          state = read.state;
          if (output.json) writeData(flags.once ? read.frame : JSON.stringify(read.frame) + '\n');
          else if (view) view.show(read.frame);
          else writeInfo(renderFrame(read.frame, output.color) + '\n');
          if (!flags.once) await sleep(everyMs, undefined, { signal: stop.signal }).catch(() => undefined);
        } while (!flags.once && !stop.signal.aborted);
      } finally {
        process.off('SIGINT', leave);
        view?.close();
        await access.close();
      }
    });
}
