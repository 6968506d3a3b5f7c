import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../lab/paths.js';
import { loadTopology } from '../lab/topology.js';
import { cloudLambdas } from './cloud-lambdas.js';
import { packageLambdas } from './package-lambdas.js';

describe('the image Lambda package', () => {
  it("carries sharp's linux-x64 binaries beside index.mjs, and loads them away from the repository's node_modules", async () => {
    const entries = await cloudLambdas(await loadTopology(path.join(REPOSITORY_ROOT, 'frank.yaml')));
    expect(Object.keys(entries).sort()).toEqual(['cloud-provisioner', 'eventbridge-bridge', 'image-processing', 'rabbitmq-bridge']);
    const outDir = await mkdtemp(path.join(tmpdir(), 'frank-image-lambda-'));
    const [packaged] = await packageLambdas({ root: REPOSITORY_ROOT, outDir, entries: { 'image-processing': entries['image-processing']! } });
    const listing = (await execa('unzip', ['-Z1', packaged!.zip])).stdout.split('\n');
    expect(listing).toContain('index.mjs');
    expect(listing.some((name) => /^node_modules\/@img\/sharp-linux-x64\/lib\/sharp-linux-x64(-[\d.]+)?\.node$/.test(name))).toBe(true);
    expect(listing.some((name) => /^node_modules\/@img\/sharp-libvips-linux-x64\/lib\/libvips-cpp\.so/.test(name))).toBe(true);

    // As the Node runtime loads it: from a folder of its own, with only what the zip holds.
    const extracted = await mkdtemp(path.join(tmpdir(), 'frank-image-lambda-run-'));
    await execa('unzip', ['-q', packaged!.zip, '-d', extracted]);
    const run = await execa(process.execPath, ['--input-type=module', '-e', "const m = await import('./index.mjs'); console.log(typeof m.handler)"], {
      cwd: extracted,
      reject: false,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('function');
  }, 120_000);
});
