import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleManifestPath } from '../bin/bundle-cache.js';
import { bundleForNode, writeBundle } from './runtimes/node-bundle.js';

const CLI_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where `bin/frank.js` finds the CLI built: `cli/.bundle/main.js`, at the depth of `src/main.ts`. */
export const CLI_BUNDLE = path.join(CLI_ROOT, '.bundle', 'main.js');

/** Files of a former build (chunks, lazily loaded views, maps, a crashed writer's .tmp) go once no process started from them can still load one. */
const STALE_OUTPUT_MS = 60 * 60 * 1000;

/**
 * The CLI's own code as ES modules (esbuild), packages left in node_modules: a command starts in
 * about half the time tsx takes to load the TypeScript. The live views (ink) stay in chunks loaded
 * only on a terminal. `bin/frank.js` builds it when a source changed, then runs it.
 */
export async function buildCliBundle(): Promise<string> {
  const startedAtMs = Date.now();
  const bundle = await bundleForNode({
    entry: path.join(CLI_ROOT, 'src', 'main.ts'),
    root: CLI_ROOT,
    outfile: CLI_BUNDLE,
    sourcemap: true,
    packagesExternal: true,
    split: true,
  });
  await writeBundle(bundle, CLI_BUNDLE, CLI_ROOT, startedAtMs);
  const current = new Set([...bundle.files.map((f) => f.path), bundleManifestPath(CLI_BUNDLE)]);
  const folder = path.dirname(CLI_BUNDLE);
  for (const file of (await readdir(folder)).map((name) => path.join(folder, name))) {
    if (current.has(file)) continue;
    if (
      startedAtMs -
        (await stat(file).then(
          (s) => s.mtimeMs,
          () => startedAtMs,
        )) >
      STALE_OUTPUT_MS
    )
      await rm(file, { force: true });
  }
  return CLI_BUNDLE;
}
