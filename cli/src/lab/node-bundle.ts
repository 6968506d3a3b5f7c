import path from 'node:path';
import { build, type BuildFailure, type Metafile, type OutputFile } from 'esbuild';
import { errorMessage } from '../errors.js';

/** ESM bundles still meet CommonJS packages that call `require`: give them one. */
const REQUIRE_SHIM = "import { createRequire as __frankCreateRequire } from 'node:module';\nconst require = __frankCreateRequire(import.meta.url);";

export interface NodeBundle {
  /** The bundle, then its source map when one was asked for. */
  files: OutputFile[];
  metafile: Metafile;
}

/** One ESM file for Node with every import inside, built in memory (esbuild), for a Lambda or a lab service. */
export async function bundleForNode(options: { entry: string; root: string; outfile: string; target: string; sourcemap?: boolean }): Promise<NodeBundle> {
  const result = await build({
    entryPoints: [options.entry],
    absWorkingDir: options.root, // paths in the bundle's comments are relative to the root, whatever the cwd
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: options.target,
    outfile: options.outfile,
    write: false,
    sourcemap: options.sourcemap ? 'linked' : false,
    metafile: true,
    banner: { js: REQUIRE_SHIM },
    logLevel: 'silent',
  });
  return { files: result.outputFiles, metafile: result.metafile };
}

/** esbuild's first complaint with its file and line, relative to the root. */
export function describeBundleFailure(error: unknown, root: string): string {
  const first = (error as Partial<BuildFailure>).errors?.[0];
  const where = first?.location ? ` (${path.relative(root, path.resolve(root, first.location.file))}:${first.location.line})` : '';
  return `${first?.text ?? errorMessage(error)}${where}`;
}
