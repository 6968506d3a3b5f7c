import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FrankError, UsageError } from '../errors.js';
import { bundleForNode, describeBundleFailure } from '../runtimes/node-bundle.js';
import { zipArchive } from './zip-archive.js';

/** Where `frank cloud package` writes the bundles, relative to the repository; terraform/envs/aws reads them from there. */
export const LAMBDA_OUT_DIR = 'terraform/build/lambdas';

/** The Node version of the Lambda runtime (terraform/modules/events: lambda_runtime). */
export const LAMBDA_NODE_TARGET = 'node22';

export interface PackageLambdasOptions {
  /** Folder the entry paths are relative to (the repository root). */
  root: string;
  /** Folder the zips are written to; created when missing. */
  outDir: string;
  /** Also writes each package's files, unzipped, into <unpackTo>/<name>/ (to run it locally). */
  unpackTo?: string;
  /** Lambda name (the zip's name) to its handler's entry file, e.g. { 'eventbridge-bridge': 'services/.../handler.ts' }, or a LambdaSource. */
  entries: Record<string, string | LambdaSource>;
}

/** A Lambda whose entry module is written here (imports resolved from `entry`'s folder), with files zipped beside index.mjs. */
export interface LambdaSource {
  entry: string;
  /** The entry module's code, in place of the file's; it may import the file. */
  contents?: string;
  /** Zipped beside index.mjs, e.g. migrations/kit/0001_saga_coord.sql. */
  files?: { name: string; data: string | Uint8Array }[];
}

export interface PackagedLambda {
  name: string;
  entry: string;
  zip: string;
  bytes: number;
  /** Base64 SHA-256 of the zip: what Terraform's filebase64sha256() gives for source_code_hash. */
  sha256: string;
}

const LAMBDA_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Bundles each handler with its dependencies into one ES module, index.mjs (Lambda handler
 * `index.handler`), and writes <outDir>/<name>.zip. The zips are written by our own zip writer with
 * fixed timestamps, so the same code always gives the same zip and the same source_code_hash.
 */
export async function packageLambdas(options: PackageLambdasOptions): Promise<PackagedLambda[]> {
  const root = path.resolve(options.root);
  const outDir = path.resolve(root, options.outDir);
  const names = Object.keys(options.entries).sort();
  if (names.length === 0) throw new UsageError('No Lambda entries to package.');

  const sourceOf = (name: string): LambdaSource => {
    const given = options.entries[name]!;
    return typeof given === 'string' ? { entry: given } : given;
  };
  for (const name of names) {
    if (!LAMBDA_NAME.test(name)) throw new UsageError(`Lambda name "${name}" must be lowercase letters, digits and dashes.`);
    const entry = path.resolve(root, sourceOf(name).entry);
    if (!existsSync(entry)) {
      throw new UsageError(`The ${name} handler ${path.relative(root, entry)} does not exist.`, {
        hint: `Create the handler, or pass the path of the file that exports \`handler\` for ${name}.`,
      });
    }
  }

  await mkdir(outDir, { recursive: true });
  const packaged: PackagedLambda[] = [];
  for (const name of names) {
    const source = sourceOf(name);
    const entry = path.resolve(root, source.entry);
    const code = await bundle(name, entry, root, source.contents);
    const extra = (source.files ?? []).map((file) => ({
      name: file.name,
      data: typeof file.data === 'string' ? new TextEncoder().encode(file.data) : file.data,
    }));
    const zip = zipArchive([{ name: 'index.mjs', data: code }, ...extra]);
    if (options.unpackTo) {
      const dir = path.join(path.resolve(root, options.unpackTo), name);
      await rm(dir, { recursive: true, force: true });
      for (const file of [{ name: 'index.mjs', data: code }, ...extra]) {
        await mkdir(path.dirname(path.join(dir, file.name)), { recursive: true });
        await writeFile(path.join(dir, file.name), file.data);
      }
    }
    const file = path.join(outDir, `${name}.zip`);
    await writeFile(file, zip);
    packaged.push({ name, entry: path.relative(root, entry), zip: file, bytes: zip.length, sha256: createHash('sha256').update(zip).digest('base64') });
  }
  return packaged;
}

async function bundle(name: string, entry: string, root: string, contents?: string): Promise<Uint8Array> {
  try {
    const { files } = await bundleForNode({ entry, root, outfile: 'index.mjs', target: LAMBDA_NODE_TARGET, ...(contents === undefined ? {} : { contents }) });
    const output = files.find((file) => file.path.endsWith('index.mjs'));
    if (!output) throw new FrankError(`esbuild produced no index.mjs for ${name}.`);
    return output.contents;
  } catch (error) {
    if (error instanceof FrankError) throw error;
    throw new FrankError(`Cannot bundle the ${name} Lambda from ${path.relative(root, entry)}: ${describeBundleFailure(error, root)}`, {
      hint: 'Fix the handler so that `npx tsx <entry>` loads it, then package again.',
      cause: error,
    });
  }
}
