import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { REPOSITORY_ROOT } from '../../../cli/src/lab/paths.js';

/** Where the end-to-end tests leave their screenshots. */
export const ARTIFACTS = path.join(REPOSITORY_ROOT, '.frank', 'test-artifacts');
export const DIST_INDEX = path.join(REPOSITORY_ROOT, 'services', 'web', 'dist', 'index.html');
// Without the background-networking flags Chromium keeps dialling out, and this machine refuses it.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const CHROMIUM = '/usr/bin/chromium';

export async function until<T>(read: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Builds the web app as `npm run build:web` does (under a second): a clean clone has no dist, an
 * old one may be stale. Test files run side by side and vite empties dist before it writes, so
 * one file builds while another waits on the lock, and a dist built during this run is kept.
 */
export async function buildWeb(): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  const lock = path.join(REPOSITORY_ROOT, '.frank', 'web-build.lock');
  const runStarted = Number(process.env.FRANK_TEST_RUN_STARTED ?? Date.now());
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than any build is one a killed run left behind.
      const held = await stat(lock).catch(() => undefined);
      if (held && held.mtimeMs < Date.now() - 120_000) await rm(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    const built = await stat(DIST_INDEX).catch(() => undefined);
    if (built && built.mtimeMs >= runStarted) return;
    await execa(process.execPath, [path.join(REPOSITORY_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'services/web'], { cwd: REPOSITORY_ROOT });
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
