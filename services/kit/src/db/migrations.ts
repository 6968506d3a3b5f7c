import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';

export interface MigrationFile {
  /** `kit/0001_saga_coord.sql` or `order/0001_orders.sql`: unique across the kit and the service. */
  id: string;
  path: string;
  sql: string;
  checksum: string;
}

/** The kit's migrations, then the service's own, each in file-name order. A service without a migrations folder has none. */
export async function readMigrationFiles(kitDir: string, service: string, serviceDir: string): Promise<MigrationFile[]> {
  if (!existsSync(serviceDir)) return [];
  const files: MigrationFile[] = [];
  for (const [source, dir] of [
    ['kit', kitDir],
    [service, serviceDir],
  ] as const) {
    const names = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
    for (const name of names) {
      const file = path.join(dir, name);
      const sql = await readFile(file, 'utf8');
      files.push({ id: `${source}/${name}`, path: file, sql, checksum: createHash('sha256').update(sql).digest('hex') });
    }
  }
  return files;
}

export type MigrationErrorCode = 'changed-after-applied' | 'failed';

/** A migration that cannot be applied; nothing of the file was. */
export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    readonly file: MigrationFile,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/**
 * Applies the pending migrations as the connected role (so what they create belongs to it), each
 * file in its own transaction, recorded in public.frank_migrations with its checksum. A file
 * changed after it was applied is refused: migrations are append-only. Returns the ids applied.
 */
export async function applyMigrations(client: pg.ClientBase, files: MigrationFile[]): Promise<string[]> {
  if (files.length === 0) return [];
  await client.query(
    'CREATE TABLE IF NOT EXISTS public.frank_migrations (id text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const applied = new Map(
    (await client.query<{ id: string; checksum: string }>('SELECT id, checksum FROM public.frank_migrations')).rows.map((r) => [r.id, r.checksum]),
  );
  const done: string[] = [];
  for (const file of files) {
    const checksum = applied.get(file.id);
    if (checksum !== undefined) {
      if (checksum !== file.checksum) throw new MigrationError('changed-after-applied', file, `Migration ${file.id} changed after it was applied`);
      continue;
    }
    try {
      await client.query('BEGIN');
      await client.query(file.sql);
      await client.query('INSERT INTO public.frank_migrations (id, checksum) VALUES ($1, $2)', [file.id, file.checksum]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new MigrationError('failed', file, `Migration ${file.id} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    done.push(file.id);
  }
  return done;
}
