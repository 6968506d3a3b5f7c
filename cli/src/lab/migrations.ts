import { existsSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { SeedOptions } from '@frank/kit';
import { applyMigrations, MigrationError, readMigrationFiles, type MigrationFile } from '@frank/kit/db';
import { FrankError, errorMessage } from '../errors.js';
import type { Credentials } from './credentials.js';
import { postgresUrl } from './kinds/postgres.js';
import { kitMigrationsDirectory, serviceDirectory } from '../runtimes/checkout.js';
import type { PostgresResource, Service, Topology } from './topology.js';

/** A service and the database it owns: the first database of the postgres resource it uses. */
export interface ServiceDatabase {
  service: Service;
  resource: PostgresResource;
  database: string;
}

export function serviceDatabases(topology: Topology): ServiceDatabase[] {
  const owned: ServiceDatabase[] = [];
  for (const service of topology.services) {
    for (const name of service.uses) {
      const resource = topology.resources.find((r): r is PostgresResource => r.name === name && r.kind === 'postgres');
      const database = resource && Object.keys(resource.databases)[0];
      if (resource && database) owned.push({ service, resource, database });
    }
  }
  return owned;
}

export type { MigrationFile };

/** The kit's migrations, then the service's own, each in file-name order. No migrations folder: none. */
export function migrationFiles(topology: Topology, service: string): Promise<MigrationFile[]> {
  return readMigrationFiles(kitMigrationsDirectory(topology), service, path.join(serviceDirectory(topology, service), 'migrations'));
}

/** Connects as the service's own role, so that what its migrations create belongs to it. */
export async function connectAsService(owner: ServiceDatabase, topology: Topology, credentials: Credentials): Promise<pg.Client> {
  const { default: postgres } = await import('pg');
  const password = credentials.databaseRoles[owner.database] ?? '';
  const client = new postgres.Client({
    connectionString: postgresUrl(owner.resource, { topology, credentials }, owner.database, { user: owner.database, password }),
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * Applies the pending migrations, each file in its own transaction, recorded in
 * public.frank_migrations with its checksum. A file changed after it was applied is an error:
 * migrations are append-only.
 */
export async function migrateService(owner: ServiceDatabase, topology: Topology, credentials: Credentials): Promise<string[]> {
  const files = await migrationFiles(topology, owner.service.name);
  if (files.length === 0) return [];
  const client = await connectAsService(owner, topology, credentials);
  try {
    return await applyMigrations(client, files);
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    if (error.code === 'changed-after-applied') {
      throw new FrankError(`Migration ${error.file.id} of ${owner.service.name} changed after it was applied to ${owner.resource.name}.`, {
        hint: `Put the change in a new migration file, or start the database afresh: npx frank down --purge && npx frank up`,
      });
    }
    throw new FrankError(`Migration ${error.file.id} of ${owner.service.name} failed on ${owner.resource.name}: ${errorMessage(error.cause)}`, {
      hint: `Fix ${error.file.path}; nothing of it was applied.`,
      cause: error,
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}

export type { SeedOptions };

type SeedFunction = (client: pg.ClientBase, options: SeedOptions) => Promise<void>;

let typeScriptLoaded: Promise<void> | undefined;

/** A seed is TypeScript: the bundled CLI (JavaScript) lets tsx load it; from the sources something loads it already. */
function loadTypeScript(): Promise<void> {
  if (import.meta.url.endsWith('.ts')) return Promise.resolve();
  typeScriptLoaded ??= import('tsx/esm/api').then(({ register }) => void register());
  return typeScriptLoaded;
}

/** Runs services/<name>/src/seed.ts when the service has one; seeds are deterministic and idempotent. */
export async function seedService(owner: ServiceDatabase, topology: Topology, credentials: Credentials, seed: number): Promise<boolean> {
  const file = path.join(serviceDirectory(topology, owner.service.name), 'src', 'seed.ts');
  if (!existsSync(file)) return false;
  await loadTypeScript();
  const module = (await import(file)) as { seed?: SeedFunction };
  if (typeof module.seed !== 'function') throw new FrankError(`${file} does not export a function seed(client, options).`);
  const client = await connectAsService(owner, topology, credentials);
  try {
    await module.seed(client, { seed, secrets: { jwtSecret: credentials.jwtSecret } });
  } catch (error) {
    throw new FrankError(`The seed of ${owner.service.name} failed: ${errorMessage(error)}`, { hint: `Fix ${file}.`, cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
  return true;
}
