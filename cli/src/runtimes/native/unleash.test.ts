import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FrankError } from '../../errors.js';
import type { UnleashResource } from '../../lab/lab-types.js';
import { labPaths } from '../../lab/paths.js';
import { parseTopology } from '../../lab/topology.js';
import type { RuntimeContext } from '../runtime.js';
import { NativeRuntime } from './native-runtime.js';
import { prepareUnleash } from './unleash.js';

const YAML = `version: 1
resources:
  infrastructure-db: { kind: postgres, port: 5439, databases: { unleash: [] } }
  unleash: { kind: unleash, port: 4242, postgres: infrastructure-db, database: unleash }
`;

describe('unleash, natively', () => {
  let tools: string;
  let before: string | undefined;
  beforeEach(async () => {
    before = process.env.FRANK_TOOLS_DIR;
    tools = await mkdtemp(path.join(os.tmpdir(), 'frank-tools-'));
    process.env.FRANK_TOOLS_DIR = tools;
  });
  afterEach(async () => {
    if (before === undefined) delete process.env.FRANK_TOOLS_DIR;
    else process.env.FRANK_TOOLS_DIR = before;
    await rm(tools, { recursive: true, force: true });
  });

  it('not installed: a clear error that says to run frank deps install', async () => {
    const topology = parseTopology(YAML, path.join(tools, 'frank.yaml'));
    const unleash = topology.resources.find((r): r is UnleashResource => r.kind === 'unleash')!;
    const context = { topology, paths: labPaths(tools), credentials: {}, labId: 'test' } as unknown as RuntimeContext;
    const error = await prepareUnleash(unleash, context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FrankError);
    expect((error as FrankError).message).toBe('Unleash (unleash-server 7.5.1) is not installed.');
    expect((error as FrankError).hint).toMatch(/^Run `npx frank deps install`: .*unleash-server@7\.5\.1 into \.frank\/tools\/unleash/);
  });

  it('not installed: `frank up` and `frank doctor` list it as missing, with the command that installs it', async () => {
    const requirements = await new NativeRuntime().requirements(parseTopology(YAML, path.join(tools, 'frank.yaml')));
    expect(requirements.find((r) => r.resource === 'unleash')).toEqual({
      resource: 'unleash',
      program: 'unleash-server',
      path: undefined,
      fix: 'npx frank deps install   (npm installs unleash-server@7.5.1 into .frank/tools/unleash)',
    });
  });
});
