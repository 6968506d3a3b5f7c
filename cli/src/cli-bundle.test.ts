import { existsSync } from 'node:fs';
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { bundleIsCurrent, bundleManifestPath, type BundleInputs } from '../bin/bundle-cache.js';
import { buildCliBundle, CLI_BUNDLE } from './cli-bundle.js';
import { REPOSITORY_ROOT } from './lab/paths.js';

/** The files a bundle file imports before it runs (static imports of its own chunks), transitively. */
async function staticImports(file: string, seen = new Set<string>()): Promise<Set<string>> {
  const text = await readFile(file, 'utf8');
  for (const [, specifier] of text.matchAll(/^import\s[^;]*?from\s*"([^"]+)"/gm)) {
    if (seen.has(specifier!)) continue;
    seen.add(specifier!);
    if (specifier!.startsWith('./')) await staticImports(path.join(path.dirname(file), specifier!), seen);
  }
  return seen;
}

describe('the CLI bundle', () => {
  it('is built from cli/src, current afterwards, and runs frank with paths from the checkout', async () => {
    expect(await buildCliBundle()).toBe(CLI_BUNDLE);
    expect(await bundleIsCurrent(CLI_BUNDLE)).toBe(true);
    const manifest = JSON.parse(await readFile(bundleManifestPath(CLI_BUNDLE), 'utf8')) as BundleInputs;
    expect(manifest.inputs).toContain(path.join(REPOSITORY_ROOT, 'cli', 'src', 'main.ts'));
    expect(manifest.inputs.some((input) => input.includes('node_modules'))).toBe(false);

    const version = (JSON.parse(await readFile(path.join(REPOSITORY_ROOT, 'cli', 'package.json'), 'utf8')) as { version: string }).version;
    expect((await execa(process.execPath, [CLI_BUNDLE, '--version'])).stdout).toBe(version);
    // The scenario catalogue is read from the checkout's templates/: the bundle finds the checkout.
    expect((await execa(process.execPath, [CLI_BUNDLE, 'saga', 'list'], { env: { NO_COLOR: '1' } })).stdout).toMatch(/happy-path/);
  });

  it('removes the files of a former build once they are an hour old, and keeps younger ones a running frank may still load', async () => {
    const folder = path.dirname(CLI_BUNDLE);
    const old = path.join(folder, 'up-view-FORMER1.js');
    const young = path.join(folder, 'up-view-FORMER2.js');
    await buildCliBundle();
    await writeFile(old, '');
    await writeFile(young, '');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(old, twoHoursAgo, twoHoursAgo);
    try {
      await buildCliBundle();
      expect(existsSync(old)).toBe(false);
      expect(existsSync(young)).toBe(true);
      expect(existsSync(CLI_BUNDLE)).toBe(true);
    } finally {
      await rm(young, { force: true });
      await rm(old, { force: true });
    }
  });

  it('loads ink only for a live view: no command pays for it at start', async () => {
    await buildCliBundle();
    const imports = await staticImports(CLI_BUNDLE);
    expect(imports.has('commander')).toBe(true);
    expect(imports.has('ink')).toBe(false);
    expect(imports.has('react')).toBe(false);
  });
});
