import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** How to open a URL on this machine, or why it cannot be opened here. */
export type BrowserOpener = { command: string; args: string[] } | { none: string };

function onPath(program: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The program that opens a browser: $BROWSER when set, `open` on macOS, `xdg-open` on Linux with
 * a display. None in CI, over a terminal without a display, or without xdg-open: then the URL is
 * printed instead. Read from the environment given (the process's by default) at call time.
 */
export function browserOpener(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): BrowserOpener {
  if (env.CI) return { none: 'CI is set' };
  if (env.BROWSER) return { command: env.BROWSER, args: [] };
  if (platform === 'darwin') return { command: 'open', args: [] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] };
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return { none: 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  if (!onPath('xdg-open', env)) return { none: 'xdg-open is not installed' };
  return { command: 'xdg-open', args: [] };
}

/** Starts the opener detached; false when it could not be started. */
export function openInBrowser(opener: { command: string; args: string[] }, url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(opener.command, [...opener.args, url], { detached: true, stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
