import type pg from 'pg';
import type { Role } from '../domain/seed-users.js';

export type Queryable = Pick<pg.ClientBase, 'query'>;

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  passwordHash: string;
  roles: string[];
}

export interface NewUser {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  passwordHash: string;
}

const SELECT_USER = `
  SELECT u.id, u.email, u.name, u.phone, u.password_hash,
         COALESCE(array_agg(r.role ORDER BY r.role) FILTER (WHERE r.role IS NOT NULL), '{}') AS roles
    FROM user_domain.users u LEFT JOIN user_domain.user_roles r ON r.user_id = u.id`;

interface UserRow {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  password_hash: string;
  roles: string[];
}

const toRecord = (row: UserRow): UserRecord => ({
  id: row.id,
  email: row.email,
  name: row.name,
  phone: row.phone,
  passwordHash: row.password_hash,
  roles: row.roles,
});

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRecord | undefined> {
  const { rows } = await db.query<UserRow>(`${SELECT_USER} WHERE u.email = $1 GROUP BY u.id`, [email]);
  return rows[0] && toRecord(rows[0]);
}

export async function findUserById(db: Queryable, id: string): Promise<UserRecord | undefined> {
  const { rows } = await db.query<UserRow>(`${SELECT_USER} WHERE u.id = $1 GROUP BY u.id`, [id]);
  return rows[0] && toRecord(rows[0]);
}

/** Inserts a new user; false when the email is taken. */
export async function insertUser(db: Queryable, user: NewUser): Promise<boolean> {
  const { rowCount } = await db.query(
    'INSERT INTO user_domain.users (id, email, name, phone, password_hash) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING',
    [user.id, user.email, user.name, user.phone, user.passwordHash],
  );
  return rowCount === 1;
}

/**
 * Inserts or brings a seeded user up to date, writing only when something differs, so a rerun
 * with the same seed leaves the table untouched. Returns the user's id.
 */
export async function upsertUser(db: Queryable, user: NewUser): Promise<string> {
  await db.query(
    `INSERT INTO user_domain.users (id, email, name, phone, password_hash) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone, password_hash = EXCLUDED.password_hash
     WHERE (users.name, users.phone, users.password_hash) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.phone, EXCLUDED.password_hash)`,
    [user.id, user.email, user.name, user.phone, user.passwordHash],
  );
  const { rows } = await db.query<{ id: string }>('SELECT id FROM user_domain.users WHERE email = $1', [user.email]);
  return rows[0]!.id;
}

export async function grantRole(db: Queryable, userId: string, role: Role): Promise<void> {
  await db.query('INSERT INTO user_domain.user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING', [userId, role]);
}
