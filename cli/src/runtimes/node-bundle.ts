import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type BuildFailure, type Metafile, type OutputFile, type Plugin } from 'esbuild';
import { bundleManifestPath, type BundleInputs } from '../../bin/bundle-cache.js';
import { errorMessage } from '../errors.js';

/** ESM bundles still meet CommonJS packages that call `require`: give them one. */
const REQUIRE_SHIM = "import { createRequire as __frankCreateRequire } from 'node:module';\nconst require = __frankCreateRequire(import.meta.url);";

export interface NodeBundle {
  /** The bundle, then its source map when one was asked for (and its chunks, when split). */
  files: OutputFile[];
  metafile: Metafile;
}

export interface NodeBundleOptions {
  entry: string;
  root: string;
  /** The bundle's file; with `split`, the folder takes the entry as main.js and a chunk per lazily imported part. */
  outfile: string;
  /** esbuild's target; the Node.js running frank when not given (a bundle it runs itself). */
  target?: string;
  sourcemap?: boolean;
  /** Packages stay in node_modules, imported at run time; only the project's own code (its @frank/* workspaces too) is bundled. */
  packagesExternal?: boolean;
  /** Code behind `await import()` goes in chunks of its own, loaded only when imported. */
  split?: boolean;
  /** The entry module's code in place of the entry file's (its imports resolved from the entry's folder). */
  contents?: string;
}

const externalPackagesButWorkspaces: Plugin = {
  name: 'external-packages-but-workspaces',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@frank/') || path.isAbsolute(args.path) ? undefined : { path: args.path, external: true },
    );
  },
};

/** ESM for Node built in memory (esbuild), for a Lambda, a lab service or the CLI itself. */
export async function bundleForNode(options: NodeBundleOptions): Promise<NodeBundle> {
  const result = await build({
    ...(options.contents === undefined
      ? { entryPoints: [options.entry] }
      : {
          stdin: {
            contents: options.contents,
            resolveDir: path.dirname(options.entry),
            sourcefile: `${path.basename(options.entry, path.extname(options.entry))}-entry.ts`,
            loader: 'ts' as const,
          },
        }),
    absWorkingDir: options.root, // paths in the bundle's comments are relative to the root, whatever the cwd
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: options.target ?? `node${process.versions.node.split('.')[0]}`,
    ...(options.split
      ? { outdir: path.dirname(options.outfile), entryNames: path.basename(options.outfile, '.js'), splitting: true }
      : { outfile: options.outfile }),
    // The workspaces export TypeScript, which Node cannot import: they are the project's own code.
    plugins: options.packagesExternal ? [externalPackagesButWorkspaces] : [],
    jsx: 'automatic',
    write: false,
    sourcemap: options.sourcemap ? 'linked' : false,
    metafile: true,
    banner: { js: REQUIRE_SHIM },
    logLevel: 'silent',
  });
  return { files: result.outputFiles, metafile: result.metafile };
}

/**
 * Writes a bundle where it was built for, each file by rename so that processes starting side by
 * side never read half a file: maps and chunks before the file that names them, then the list of
 * inputs that tells the next start whether it is still current (`bundleIsCurrent`).
 */
export async function writeBundle(bundle: NodeBundle, outfile: string, root: string, startedAtMs: number): Promise<void> {
  await mkdir(path.dirname(outfile), { recursive: true });
  const suffix = `.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  const rank = (file: OutputFile) => (file.path.endsWith('.map') ? 0 : file.path === outfile ? 2 : 1);
  for (const file of [...bundle.files].sort((a, b) => rank(a) - rank(b))) {
    await writeFile(file.path + suffix, file.contents);
    await rename(file.path + suffix, file.path);
  }
  const inputs: BundleInputs = { builtAtMs: startedAtMs, inputs: Object.keys(bundle.metafile.inputs).map((input) => path.resolve(root, input)) };
  const manifest = bundleManifestPath(outfile);
  await writeFile(manifest + suffix, JSON.stringify(inputs));
  await rename(manifest + suffix, manifest);
}

/** esbuild's first complaint with its file and line, relative to the root. */
export function describeBundleFailure(error: unknown, root: string): string {
  const first = (error as Partial<BuildFailure>).errors?.[0];
  const where = first?.location ? ` (${path.relative(root, path.resolve(root, first.location.file))}:${first.location.line})` : '';
  return `${first?.text ?? errorMessage(error)}${where}`;
}
