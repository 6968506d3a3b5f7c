import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FrankError } from '../../errors.js';
import { bundlePath, serviceBundle } from './service-bundle.js';

describe('serviceBundle', () => {
  let dir: string;
  const entry = () => path.join(dir, 'src', 'main.ts');
  const write = (file: string, text: string) => writeFile(path.join(dir, 'src', file), text);
  const run = async (bundle: string) => (await execa(process.execPath, ['--enable-source-maps', bundle])).stdout;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'frank-bundle-'));
    await mkdir(path.join(dir, 'src'));
    await write(
      'main.ts',
      "import { greeting } from './greeting.js';\nconst shout = (text: string): string => text.toUpperCase();\nconsole.log(shout(greeting));\n",
    );
    await write('greeting.ts', "export const greeting = 'hello';\n");
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('bundles the service with what it imports into one module Node runs, beside src/ at the same depth', async () => {
    const bundle = await serviceBundle('echo', dir, entry());
    expect(bundle).toBe(bundlePath(dir));
    expect(path.dirname(path.dirname(bundle))).toBe(dir);
    expect(await run(bundle)).toBe('HELLO');
  });

  it('builds again only when a file it was built from changed', async () => {
    const bundle = await serviceBundle('echo', dir, entry());
    const built = (await stat(bundle)).mtimeMs;
    await serviceBundle('echo', dir, entry());
    expect((await stat(bundle)).mtimeMs).toBe(built);

    await write('greeting.ts', "export const greeting = 'changed';\n");
    const later = new Date(Date.now() + 2000);
    await utimes(path.join(dir, 'src', 'greeting.ts'), later, later);
    // Labs starting side by side build at once: each writes whole files by rename.
    await Promise.all([1, 2, 3].map(() => serviceBundle('echo', dir, entry())));
    expect(await run(bundle)).toBe('CHANGED');
  });

  it('names the file and line of code that does not build, with what to do', async () => {
    await write('greeting.ts', 'export const greeting = ;\n');
    const failure = await serviceBundle('echo', dir, entry()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FrankError);
    expect((failure as FrankError).message).toMatch(/Cannot build service echo from .*main\.ts: .*greeting\.ts:1\)/);
    expect((failure as FrankError).hint).toMatch(/npx tsx .*main\.ts.*npx frank up/);
  });
});
