import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FrankError } from '../../errors.js';
import type { UnleashResource } from '../../lab/lab-types.js';
import type { RuntimeContext } from '../runtime.js';
import { unleashApiTokens } from '../unleash-tokens.js';
import type { LaunchSpec } from './launch-spec.js';
import { findUnleashServer, INSTALL_HINT, PINNED } from './programs.js';

/**
 * unleash-server on Node, on its database of the lab's postgres resource with that database's own
 * role. The connection string (with the role's password) is in a file only its owner reads; the
 * lab's API tokens are its initial tokens, so frank and the services hold them from the start.
 */
export async function prepareUnleash(resource: UnleashResource, context: RuntimeContext): Promise<LaunchSpec> {
  const server = findUnleashServer();
  if (!server)
    throw new FrankError(`Unleash (unleash-server ${PINNED.unleash}) is not installed.`, {
      hint: `Run \`npx frank deps install\`: ${INSTALL_HINT['unleash-server']}.`,
    });
  const postgres = context.topology.resources.find((r) => r.name === resource.postgres);
  if (!postgres) throw new Error(`${resource.name}: no resource ${resource.postgres}`);
  const dir = context.paths.data(resource.name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const password = context.credentials.databaseRoles[resource.database] ?? '';
  const urlFile = path.join(dir, 'database-url');
  const url = `postgres://${encodeURIComponent(resource.database)}:${encodeURIComponent(password)}@${context.topology.host}:${postgres.port}/${resource.database}`;
  await writeFile(urlFile, url, { mode: 0o600 });
  await chmod(urlFile, 0o600);
  const tokens = unleashApiTokens(context.credentials.unleash);
  return {
    command: process.execPath,
    args: [server],
    cwd: dir,
    env: {
      TZ: 'UTC',
      NODE_ENV: 'production',
      HTTP_HOST: context.topology.host,
      HTTP_PORT: String(resource.port),
      DATABASE_URL_FILE: urlFile,
      DATABASE_SSL: 'false',
      INIT_ADMIN_API_TOKENS: tokens.admin,
      INIT_BACKEND_API_TOKENS: tokens.client,
      UNLEASH_DEFAULT_ADMIN_USERNAME: 'admin',
      UNLEASH_DEFAULT_ADMIN_PASSWORD: context.credentials.unleash.adminPassword,
      // No way out of this machine but the package registries: no version checks, no telemetry.
      CHECK_VERSION: 'false',
      SEND_TELEMETRY: 'false',
      LOG_LEVEL: 'warn',
    },
  };
}
