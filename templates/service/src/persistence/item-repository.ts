import type pg from 'pg';

export type Queryable = Pick<pg.ClientBase, 'query'>;

export interface Item {
  id: string;
  name: string;
  createdAt: string;
}

interface ItemRow {
  id: string;
  name: string;
  created_at: Date;
}

const toItem = (row: ItemRow): Item => ({ id: row.id, name: row.name, createdAt: row.created_at.toISOString() });

export async function insertItem(db: Queryable, item: { id: string; name: string }): Promise<Item> {
  const { rows } = await db.query<ItemRow>('INSERT INTO {{schema}}.items (id, name) VALUES ($1, $2) RETURNING id, name, created_at', [item.id, item.name]);
  return toItem(rows[0]!);
}

export async function findItem(db: Queryable, id: string): Promise<Item | undefined> {
  const { rows } = await db.query<ItemRow>('SELECT id, name, created_at FROM {{schema}}.items WHERE id = $1', [id]);
  return rows[0] && toItem(rows[0]);
}
