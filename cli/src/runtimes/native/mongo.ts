import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { FrankError } from '../../errors.js';
import type { MongoResource } from '../../lab/lab-types.js';
import type { RuntimeContext } from '../runtime.js';
import type { LaunchSpec } from './launch-spec.js';
import { findMongo, INSTALL_HINT } from './programs.js';

/**
 * mongod when it is installed; otherwise FerretDB v1, which speaks the MongoDB wire protocol over
 * its database of a postgres resource of the lab (`postgres:`, `database:`) or over SQLite files.
 */
/**
 * FerretDB keeps a few MiB live and allocates per document, so Go's default (collect whenever the
 * heap doubles) collects often under load. bench:saga: FerretDB's share of the lab's CPU per saga
 * 9.7-9.8 % at the default, 8.4-8.9 % at 400 (two runs against five).
 */
const FEWER_COLLECTIONS = { GOGC: '400' };

export async function prepareMongo(resource: MongoResource, context: RuntimeContext): Promise<LaunchSpec> {
  const mongo = findMongo(resource.engine);
  if (!mongo.path) throw new FrankError(`${mongo.engine} is not installed.`, { hint: INSTALL_HINT[mongo.engine] });
  const dir = context.paths.data(resource.name);
  await mkdir(dir, { recursive: true });
  const host = context.topology.host;
  if (mongo.engine === 'mongod') {
    return { command: mongo.path, args: ['--port', String(resource.port), '--bind_ip', host, '--dbpath', dir, '--quiet'] };
  }
  const common = [`--listen-addr=${host}:${resource.port}`, '--debug-addr=-', '--telemetry=disable', `--state-dir=${dir}`, '--log-level=warn'];
  if (resource.postgres !== undefined && resource.database !== undefined) {
    const server = context.topology.resources.find((r) => r.name === resource.postgres);
    if (!server) throw new Error(`${resource.name}: no resource ${resource.postgres}`);
    const password = context.credentials.databaseRoles[resource.database] ?? '';
    const role = encodeURIComponent(resource.database);
    // In its environment, not its arguments: `ps` shows arguments to every user.
    return {
      command: mongo.path,
      args: ['--handler=postgresql', ...common],
      env: {
        ...FEWER_COLLECTIONS,
        FERRETDB_POSTGRESQL_URL: `postgres://${role}:${encodeURIComponent(password)}@${host}:${server.port}/${resource.database}`,
      },
      cwd: dir,
    };
  }
  await mkdir(path.join(dir, 'sqlite'), { recursive: true });
  // synchronous(normal) under WAL survives a crash of the process, not of the machine: the views
  // FerretDB holds are rebuilt from the event stores (`frank views rebuild`); 18 % more writes/s.
  return {
    command: mongo.path,
    args: ['--handler=sqlite', `--sqlite-url=file:${path.join(dir, 'sqlite')}/?_pragma=synchronous(normal)`, ...common],
    env: FEWER_COLLECTIONS,
    cwd: dir,
  };
}
