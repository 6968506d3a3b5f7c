import { chmod, mkdir, stat } from 'node:fs/promises';
import type { LabPaths } from '../../lab/lab-types.js';

/**
 * Who may read a lab's state: its data, logs, pid files and saga runs are its owner's alone. The
 * state folder itself and data/ stay enterable (0711, not listable) because PostgreSQL runs as
 * another user (`frank`) and must reach its own data directory below them; everything below data/
 * is each server's own (0700). Folders of another owner are left as they are.
 */
const MODES: { dir: (paths: LabPaths) => string; mode: number }[] = [
  { dir: (paths) => paths.state, mode: 0o711 },
  { dir: (paths) => `${paths.state}/data`, mode: 0o711 },
  { dir: (paths) => `${paths.state}/logs`, mode: 0o700 },
  { dir: (paths) => `${paths.state}/run`, mode: 0o700 },
  { dir: (paths) => paths.runs, mode: 0o700 },
];

export async function secureLabState(paths: LabPaths): Promise<void> {
  for (const { dir, mode } of MODES) await ensureMode(dir(paths), mode);
}

/** Creates the folder with `mode`, or narrows an existing one of ours to it. */
export async function ensureMode(dir: string, mode: number): Promise<void> {
  await mkdir(dir, { recursive: true, mode });
  const info = await stat(dir);
  if (process.getuid && info.uid !== process.getuid()) return;
  if ((info.mode & 0o777) !== mode) await chmod(dir, mode);
}
