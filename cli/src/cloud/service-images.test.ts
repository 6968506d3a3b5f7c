import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrankError } from '../errors.js';
import { loadTopology, type Topology } from '../lab/topology.js';
import { IMAGES } from '../runtimes/docker/images.js';
import { FRANK_YAML } from '../runtimes/docker/test-fixtures.js';
import { buildAndPushImages, mirrorImages, RDS_CA_BUNDLE_URL, serviceDockerfile, serviceImageContext } from './service-images.js';

let topology: Topology;
let dir: string;

beforeAll(async () => {
  topology = await loadTopology(FRANK_YAML);
  dir = await mkdtemp(path.join(tmpdir(), 'frank-images-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a service's image", () => {
  it('holds its bundle alone on the pinned node image, trusts the RDS CA and runs as the non-root user', async () => {
    const context = await serviceImageContext(topology, 'order', path.join(dir, 'order'), { webService: 'bff' });
    expect((await readdir(path.join(context, 'services', 'order', '.bundle'))).sort()).toEqual(['main.mjs', 'main.mjs.map']);
    expect(existsSync(path.join(context, 'web'))).toBe(false);
    const dockerfile = await readFile(path.join(context, 'Dockerfile'), 'utf8');
    expect(dockerfile).toBe(serviceDockerfile('order', { withStorefront: false }));
    expect(dockerfile.split('\n')[0]).toBe(`FROM ${IMAGES.node}`);
    expect(dockerfile).toContain(`ADD --chmod=644 ${RDS_CA_BUNDLE_URL} /etc/ssl/certs/rds-global-bundle.pem`);
    expect(dockerfile).toContain('NODE_EXTRA_CA_CERTS=/etc/ssl/certs/rds-global-bundle.pem');
    expect(dockerfile).toContain('USER node');
    expect(dockerfile).toContain('CMD ["node", "--enable-source-maps", ".bundle/main.mjs"]');
  });

  it("puts the storefront where the web service's bundle looks for it", () => {
    // The bundle at /app/services/bff/.bundle/main.mjs finds web/dist three folders up, as in the checkout.
    expect(serviceDockerfile('bff', { withStorefront: true })).toContain('COPY web/dist/ /app/web/dist/');
  });

  it('is built only with a Docker engine, and says what to do without one', async () => {
    const run = buildAndPushImages({
      topology,
      repositories: { order: 'example.invalid/frank/order' },
      tag: '0.1.0',
      account: { region: 'us-east-1' },
      workDir: dir,
      webService: 'bff',
    });
    await expect(run).rejects.toThrow(FrankError);
    await expect(run).rejects.toMatchObject({ hint: expect.stringContaining('--skip-images') });
  });
});

describe("Unleash's official image", () => {
  const unleash = { name: 'unleash', source: IMAGES.unleash, target: '123456789012.dkr.ecr.us-east-1.amazonaws.com/frank/unleash:7.5.1' };

  it('is pulled for the x86_64 tasks and pushed to its repository under its own tag', async () => {
    const commands: string[][] = [];
    const copied = await mirrorImages([unleash], { docker: async (args) => (commands.push(args), ''), tagExists: async () => false });
    expect(commands).toEqual([
      ['pull', '--platform', 'linux/amd64', IMAGES.unleash],
      ['tag', IMAGES.unleash, unleash.target],
      ['push', unleash.target],
    ]);
    expect(copied).toEqual([{ service: 'unleash', image: unleash.target }]);
  });

  it('is left alone when its repository has the tag already (tags are immutable: a second push is refused)', async () => {
    const commands: string[][] = [];
    const lines: string[] = [];
    const copied = await mirrorImages([unleash], {
      docker: async (args) => (commands.push(args), ''),
      tagExists: async (target) => target === unleash.target,
      onLine: (line) => lines.push(line),
    });
    expect(commands).toEqual([]);
    expect(lines).toEqual([`${unleash.target} is in its repository already`]);
    expect(copied).toEqual([{ service: 'unleash', image: unleash.target }]);
  });
});
