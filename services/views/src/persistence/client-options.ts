import type { MongoClientOptions } from 'mongodb';

/**
 * How views' client talks to Mongo. FerretDB on PostgreSQL holds one connection of its pool (50)
 * while an update takes a second: 50 updates in flight at once take every connection and each
 * waits for another, forever (the lab hung after a broker outage's backlog). The driver's own
 * pool bounds the operations in flight, far below that; the rest wait in the driver.
 */
export const VIEWS_MONGO_OPTIONS = {
  serverSelectionTimeoutMS: 3000,
  connectTimeoutMS: 3000,
  maxPoolSize: 10,
} as const satisfies MongoClientOptions;
