import { render, type Instance } from 'ink';
import type { ReactNode } from 'react';

const DEFAULT_SIZE = { columns: 80, rows: 24 };

/**
 * Mounts a live view on stderr, so stdout stays for data (`--json`). The view never reads the
 * keyboard: the terminal stays in its normal mode and Ctrl-C is a SIGINT, handled as it is without
 * a view; ink puts the cursor back on the way out either way.
 */
export function renderLive(node: ReactNode, stream: NodeJS.WriteStream = process.stderr): Instance {
  // A terminal that does not say its size (`script` run without one, some CI shells) reports 0 by
  // 0: ink would wrap every character and clear the screen on every frame. 80 by 24 is what other
  // programs assume there.
  if (stream.isTTY && !stream.columns) stream.columns = DEFAULT_SIZE.columns;
  if (stream.isTTY && !stream.rows) stream.rows = DEFAULT_SIZE.rows;
  return render(node, { stdout: stream, exitOnCtrlC: false });
}
