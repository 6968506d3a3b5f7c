import type { MongoResource } from '../topology.js';
import type { Access, KindAdapter } from './adapter.js';
import { envName } from './adapter.js';

/** No credentials: FerretDB v1 on SQLite has no authentication; the server binds to the lab's loopback address. */
function mongoUrl(resource: MongoResource, access: Access): string {
  return `mongodb://${access.topology.host}:${resource.port}/?directConnection=true`;
}

export const mongoAdapter: KindAdapter<MongoResource> = {
  readyTimeoutMs: 20_000,
  url: mongoUrl,
  env: (resource, access) => ({ [`${envName(resource.name)}_URL`]: mongoUrl(resource, access) }),
  async probe(resource, access) {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(mongoUrl(resource, access), { serverSelectionTimeoutMS: 1500, connectTimeoutMS: 1500 });
    try {
      await client.db('admin').command({ ping: 1 });
    } finally {
      await client.close().catch(() => undefined);
    }
  },
  async provision() {},
};
