import type pg from 'pg';

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** A service's database: its login role of the same name, which alone may connect to it and owns its schemas. */
export interface DatabaseGrant {
  database: string;
  password: string;
  schemas: string[];
}

/**
 * Run as the server's administrator (a superuser in the lab, the RDS master user on AWS, which is
 * no superuser): the role with its password (set again when it exists), the database it owns, and
 * no connection for PUBLIC. Idempotent.
 */
export async function provisionRole(admin: pg.ClientBase, grant: DatabaseGrant): Promise<void> {
  const { database, password } = grant;
  const role = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [database]);
  await admin.query(`${role.rowCount ? 'ALTER' : 'CREATE'} ROLE ${ident(database)} LOGIN PASSWORD ${literal(password)}`);
  // Creating a database or schema for another role takes membership in it (PostgreSQL 16 and RDS).
  await admin.query(`GRANT ${ident(database)} TO CURRENT_USER`).catch(() => undefined);
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (!exists.rowCount) await admin.query(`CREATE DATABASE ${ident(database)} OWNER ${ident(database)}`);
  await admin.query(`REVOKE CONNECT ON DATABASE ${ident(database)} FROM PUBLIC`);
  await admin.query(`GRANT CONNECT ON DATABASE ${ident(database)} TO ${ident(database)}`);
}

/** Run as the administrator connected to the grant's database: its schemas, owned by its role. */
export async function provisionSchemas(adminOnDatabase: pg.ClientBase, grant: Pick<DatabaseGrant, 'database' | 'schemas'>): Promise<void> {
  for (const schema of grant.schemas) {
    await adminOnDatabase.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)} AUTHORIZATION ${ident(grant.database)}`);
  }
}
