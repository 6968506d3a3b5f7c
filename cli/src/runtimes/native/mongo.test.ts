import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MongoResource } from '../../lab/lab-types.js';
import { labPaths } from '../../lab/paths.js';
import { parseTopology } from '../../lab/topology.js';
import type { RuntimeContext } from '../runtime.js';
import { prepareMongo } from './mongo.js';

const lab = (storage: string) => `version: 1
resources:
  infra: { kind: postgres, port: 5439, databases: { ferretdb: [] } }
  docs: { kind: mongo, port: 27017, engine: ferretdb${storage} }
`;

describe('FerretDB, natively', () => {
  let tools: string;
  let before: string | undefined;
  beforeEach(async () => {
    before = process.env.FRANK_TOOLS_DIR;
    tools = await mkdtemp(path.join(os.tmpdir(), 'frank-tools-'));
    process.env.FRANK_TOOLS_DIR = tools;
    await mkdir(path.join(tools, 'bin'));
    await writeFile(path.join(tools, 'bin', 'ferretdb'), '#!/bin/sh\n');
    await chmod(path.join(tools, 'bin', 'ferretdb'), 0o755);
  });
  afterEach(async () => {
    if (before === undefined) delete process.env.FRANK_TOOLS_DIR;
    else process.env.FRANK_TOOLS_DIR = before;
    await rm(tools, { recursive: true, force: true });
  });

  const prepare = (yaml: string) => {
    const topology = parseTopology(yaml, path.join(tools, 'frank.yaml'));
    const docs = topology.resources.find((r): r is MongoResource => r.kind === 'mongo')!;
    const context = { topology, paths: labPaths(tools), credentials: { databaseRoles: { ferretdb: 's3cret/pw' } }, labId: 'test' } as unknown as RuntimeContext;
    return prepareMongo(docs, context);
  };

  it('stores in its database of the lab postgres, as its own role, the password in its environment and not its arguments', async () => {
    const spec = await prepare(lab(', postgres: infra, database: ferretdb'));
    expect(spec.args).toContain('--handler=postgresql');
    expect(spec.args.join(' ')).not.toMatch(/s3cret|postgres:\/\//);
    expect(spec.env).toMatchObject({ FERRETDB_POSTGRESQL_URL: 'postgres://ferretdb:s3cret%2Fpw@127.0.0.1:5439/ferretdb' });
  });

  it('stores in SQLite files in its data folder when no database is named', async () => {
    const spec = await prepare(lab(''));
    expect(spec.args).toContain('--handler=sqlite');
    expect(spec.args.find((a) => a.startsWith('--sqlite-url='))).toContain(path.join('docs', 'sqlite'));
    expect(spec.env).not.toHaveProperty('FERRETDB_POSTGRESQL_URL');
  });

  it('collects garbage less often than Go does by default (FerretDB allocates per document)', async () => {
    for (const yaml of ['', ', postgres: infra, database: ferretdb']) expect((await prepare(lab(yaml))).env).toMatchObject({ GOGC: '400' });
  });
});
