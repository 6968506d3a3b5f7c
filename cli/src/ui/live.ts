import { render, type Instance } from 'ink';
import type { ReactNode } from 'react';

/**
 * Mounts a live view on stderr, so stdout stays for data (`--json`). The view never reads the
 * keyboard: the terminal stays in its normal mode and Ctrl-C is a SIGINT, handled as it is without
 * a view; ink puts the cursor back on the way out either way.
 */
export function renderLive(node: ReactNode, stream: NodeJS.WriteStream = process.stderr): Instance {
  return render(node, { stdout: stream, exitOnCtrlC: false });
}
