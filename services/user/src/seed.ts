import type pg from 'pg';
import { appendEvent } from '@frank/kit';
import type { UserRegistered } from './domain/events.js';
import { deterministicSalt } from './domain/deterministic-id.js';
import { hashPassword } from './domain/password.js';
import { seedUsers } from './domain/seed-users.js';
import { grantRole, upsertUser } from './persistence/user-repository.js';

export interface SeedOptions {
  seed: number;
  secrets: { jwtSecret: string };
}

/**
 * The demo user, an admin and 20 customers, deterministic for `options.seed` and idempotent:
 * salts derive from email and seed, so a rerun computes the same hashes and writes nothing.
 * Each seeded user gets one `user.registered` (the read side and analytics learn of them as of
 * anyone who registers), appended only when its stream has none. Runs in a transaction of its own.
 */
export async function seed(client: pg.ClientBase, options: SeedOptions): Promise<void> {
  const users = seedUsers(options.seed);
  const hashes = await Promise.all(users.map((user) => hashPassword(user.password, deterministicSalt(user.email, options.seed))));
  await client.query('BEGIN');
  try {
    for (const [index, user] of users.entries()) {
      const id = await upsertUser(client, { id: user.id, email: user.email, name: user.name, phone: user.phone, passwordHash: hashes[index]! });
      for (const role of user.roles) await grantRole(client, id, role);
      const announced = await client.query("SELECT 1 FROM event_store.events WHERE stream_id = $1 AND type = 'user.registered'", [id]);
      if (announced.rowCount === 0) {
        // The kit types appendEvent's client as a PoolClient, yet it only queries: a plain client does.
        await appendEvent<UserRegistered>(client, {
          type: 'user.registered',
          source: 'user',
          aggregateType: 'user',
          aggregateId: id,
          data: { userId: id, email: user.email, name: user.name },
        });
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
