import type { MongoResource } from '../topology.js';
import type { Access, KindAdapter } from './adapter.js';
import { envName } from './adapter.js';
import { postgresUrl, withClient } from './postgres.js';

/**
 * No credentials: FerretDB v1 takes its PostgreSQL role from its own connection string (or, on
 * SQLite, has no authentication); the server binds to the lab's loopback address.
 */
function mongoUrl(resource: MongoResource, access: Access): string {
  return `mongodb://${access.topology.host}:${resource.port}/?directConnection=true`;
}

/**
 * FerretDB v1 looks a document up by `_id` with `_jsonb->'_id' @> $value`, which its own btree
 * index on `_jsonb->'_id'` cannot answer: every replace read the whole table (FerretDB#4646).
 * A GIN index on the same expression can; this event trigger gives one to each table FerretDB
 * creates, and the statement after it to those it created before.
 */
const FERRETDB_ID_INDEXES = `
CREATE OR REPLACE FUNCTION public.frank_index_ferretdb_id(t regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = '_jsonb' AND NOT a.attisdropped
             WHERE c.oid = t AND c.relkind = 'r' AND c.relname NOT LIKE '\\_ferretdb\\_%') THEN
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((_jsonb -> %L))',
                   left((SELECT relname FROM pg_class WHERE oid = t), 50) || '_frank_id', t, '_id');
  END IF;
END $$;
CREATE OR REPLACE FUNCTION public.frank_index_ferretdb_ids() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM public.frank_index_ferretdb_id(objid) FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE TABLE' AND object_type = 'table';
END $$;
DROP EVENT TRIGGER IF EXISTS frank_index_ferretdb_ids;
CREATE EVENT TRIGGER frank_index_ferretdb_ids ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION public.frank_index_ferretdb_ids();
SELECT public.frank_index_ferretdb_id(oid) FROM pg_class WHERE relkind = 'r';
`;

export const mongoAdapter: KindAdapter<MongoResource> = {
  readyTimeoutMs: 20_000,
  url: mongoUrl,
  env: (resource, access) => ({ [`${envName(resource.name)}_URL`]: mongoUrl(resource, access) }),
  async probe(resource, access) {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(mongoUrl(resource, access), { serverSelectionTimeoutMS: 1500, connectTimeoutMS: 1500, socketTimeoutMS: 3000 });
    try {
      await client.db('admin').command({ ping: 1 });
    } finally {
      await client.close().catch(() => undefined);
    }
  },
  /** FerretDB on PostgreSQL: its tables get the index that its `_id` lookups use (an event trigger needs the admin role). */
  async provision(resource, access) {
    if (resource.postgres === undefined || resource.database === undefined) return;
    const server = access.topology.resources.find((r) => r.name === resource.postgres);
    if (server?.kind !== 'postgres') return;
    await withClient(postgresUrl(server, access, resource.database), (client) => client.query(FERRETDB_ID_INDEXES));
  },
};
