import type pg from 'pg';
import { provisionRole, provisionSchemas } from '@frank/kit/db';
import type { PostgresResource } from '../topology.js';
import type { Access, KindAdapter } from './adapter.js';
import { envName } from './adapter.js';

export function postgresUrl(resource: PostgresResource, access: Access, database = 'postgres', role?: { user: string; password: string }): string {
  const { user, password } = role ?? access.credentials.admin;
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${access.topology.host}:${resource.port}/${database}`;
}

export async function withClient<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  // Loaded on first use: frank launches the servers first and loads client libraries while they boot.
  const { default: postgres } = await import('pg');
  const client = new postgres.Client({ connectionString, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const postgresAdapter: KindAdapter<PostgresResource> = {
  readyTimeoutMs: 30_000,
  url: (resource, access) => postgresUrl(resource, access),
  env(resource, access) {
    const vars: Record<string, string> = { [`${envName(resource.name)}_URL`]: postgresUrl(resource, access) };
    for (const database of Object.keys(resource.databases)) {
      const password = access.credentials.databaseRoles[database];
      if (password) vars[`${envName(database)}_DATABASE_URL`] = postgresUrl(resource, access, database, { user: database, password });
    }
    return vars;
  },
  async probe(resource, access) {
    await withClient(postgresUrl(resource, access), (client) => client.query('SELECT 1'));
  },
  /** Each database gets its own login role, which alone may connect to it, and owns its schemas. */
  async provision(resource, access) {
    const grants = Object.entries(resource.databases).map(([database, schemas]) => ({
      database,
      schemas,
      password: access.credentials.databaseRoles[database] ?? '',
    }));
    await withClient(postgresUrl(resource, access), async (client) => {
      await client.query('REVOKE CONNECT ON DATABASE postgres FROM PUBLIC');
      for (const grant of grants) await provisionRole(client, grant);
    });
    for (const grant of grants.filter((g) => g.schemas.length > 0)) {
      await withClient(postgresUrl(resource, access, grant.database), (client) => provisionSchemas(client, grant));
    }
  },
};
