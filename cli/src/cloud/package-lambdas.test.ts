import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { FrankError, UsageError } from '../errors.js';
import { packageLambdas } from './package-lambdas.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const FIXTURE = 'cli/src/cloud/fixtures/echo-handler.ts';

async function scratch(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'frank-lambdas-'));
}

describe('packageLambdas', () => {
  it('bundles a handler with its imports into index.mjs inside <name>.zip', async () => {
    const outDir = await scratch();
    const [packaged] = await packageLambdas({ root: REPO_ROOT, outDir, entries: { 'echo-bridge': FIXTURE } });

    expect(packaged).toMatchObject({ name: 'echo-bridge', entry: FIXTURE, zip: path.join(outDir, 'echo-bridge.zip') });
    const zip = await readFile(packaged!.zip);
    expect(packaged!.bytes).toBe(zip.length);
    expect(packaged!.sha256).toBe(createHash('sha256').update(zip).digest('base64'));

    // Lambda's handler index.handler: index.mjs at the root of the zip, and nothing else.
    const listing = await execa('unzip', ['-Z1', packaged!.zip]);
    expect(listing.stdout.split('\n')).toEqual(['index.mjs']);
    const extracted = await scratch();
    await execa('unzip', ['-q', packaged!.zip, '-d', extracted]);

    // Load it the way the Node runtime does: the bundle alone, away from the repository's node_modules.
    const bundle = (await import(pathToFileURL(path.join(extracted, 'index.mjs')).href)) as { handler: (event: unknown) => Promise<unknown> };
    await expect(bundle.handler({ Records: [{ body: 'paid' }, { body: 'late' }] })).resolves.toEqual({
      batchItemFailures: [],
      echoed: ['0:PAID', '1:LATE'],
      amqpConnect: 'function',
    });
  });

  it('gives the same zip for the same code, so source_code_hash only changes with the code', async () => {
    const first = await packageLambdas({ root: REPO_ROOT, outDir: await scratch(), entries: { echo: FIXTURE } });
    const second = await packageLambdas({ root: REPO_ROOT, outDir: await scratch(), entries: { echo: FIXTURE } });
    expect(second[0]!.sha256).toBe(first[0]!.sha256);
  });

  it('packages every entry, in name order', async () => {
    const outDir = await scratch();
    const packaged = await packageLambdas({ root: REPO_ROOT, outDir, entries: { 'rabbitmq-bridge': FIXTURE, 'eventbridge-bridge': FIXTURE } });
    expect(packaged.map((p) => p.name)).toEqual(['eventbridge-bridge', 'rabbitmq-bridge']);
    expect((await readdir(outDir)).sort()).toEqual(['eventbridge-bridge.zip', 'rabbitmq-bridge.zip']);
  });

  it('names a missing handler and writes nothing', async () => {
    const outDir = path.join(await scratch(), 'out');
    const run = packageLambdas({ root: REPO_ROOT, outDir, entries: { echo: FIXTURE, 'eventbridge-bridge': 'services/eventbridge-bridge/src/nope.ts' } });
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(/eventbridge-bridge handler services\/eventbridge-bridge\/src\/nope\.ts does not exist/);
    expect(existsSync(outDir)).toBe(false);
  });

  it('reports a handler that does not compile, with its file and line', async () => {
    const root = await scratch();
    await mkdir(path.join(root, 'src'));
    await writeFile(path.join(root, 'src/handler.ts'), 'export const handler = async () => {\n  return (;\n};\n');
    const run = packageLambdas({ root, outDir: 'out', entries: { broken: 'src/handler.ts' } });
    await expect(run).rejects.toThrow(FrankError);
    await expect(run).rejects.toThrow(/Cannot bundle the broken Lambda from src\/handler\.ts: .*\(src\/handler\.ts:2\)/);
  });

  it('rejects a Lambda name that cannot be a file name', async () => {
    await expect(packageLambdas({ root: REPO_ROOT, outDir: await scratch(), entries: { '../evil': FIXTURE } })).rejects.toThrow(
      /lowercase letters, digits and dashes/,
    );
  });
});
