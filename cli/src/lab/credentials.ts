import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import type { UnleashSecrets } from '../runtimes/unleash-tokens.js';
import type { Topology } from './topology.js';

/** Secrets generated once per lab and kept in `.frank/credentials.json` (mode 0600, ignored by git). */
export interface Credentials {
  admin: { user: string; password: string };
  /** One login role per service database, named like the database. */
  databaseRoles: Record<string, string>;
  rabbitmq: { user: string; password: string };
  redis: { password: string };
  aws: { accessKeyId: string; secretAccessKey: string };
  /** Signs the lab's user tokens (HS256). */
  jwtSecret: string;
  /** The lab console's token: the BFF takes faults and heals only with it. */
  consoleToken: string;
  /** Unleash's API token secrets (admin: frank's `flags` commands; client: the services; see unleashApiTokens) and its UI's admin password. */
  unleash: UnleashSecrets & { adminPassword: string };
}

function newUnleashCredentials(): Credentials['unleash'] {
  return { adminSecret: randomBytes(24).toString('hex'), clientSecret: randomBytes(24).toString('hex'), adminPassword: secret() };
}

const secret = () => randomBytes(18).toString('base64url');

export async function loadOrCreateCredentials(file: string, topology: Topology): Promise<Credentials> {
  let credentials: Credentials | undefined;
  try {
    credentials = JSON.parse(await readFile(file, 'utf8')) as Credentials;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const fresh = credentials ?? {
    admin: { user: 'frank', password: secret() },
    databaseRoles: {},
    rabbitmq: { user: 'frank', password: secret() },
    redis: { password: secret() },
    aws: { accessKeyId: 'frank', secretAccessKey: secret() },
    jwtSecret: secret() + secret(),
    consoleToken: secret(),
    unleash: newUnleashCredentials(),
  };
  let changed = credentials === undefined;
  if (!fresh.jwtSecret) {
    fresh.jwtSecret = secret() + secret();
    changed = true;
  }
  if (!fresh.consoleToken) {
    fresh.consoleToken = secret();
    changed = true;
  }
  if (!fresh.unleash?.adminSecret) {
    fresh.unleash = newUnleashCredentials();
    changed = true;
  }
  for (const resource of topology.resources) {
    if (resource.kind !== 'postgres') continue;
    for (const database of Object.keys(resource.databases)) {
      if (!fresh.databaseRoles[database]) {
        fresh.databaseRoles[database] = secret();
        changed = true;
      }
    }
  }
  if (changed) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(fresh, null, 2) + '\n', { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return fresh;
}

export async function readCredentials(file: string): Promise<Credentials | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  } catch {
    return undefined;
  }
}
