import { describe, expect, it } from 'vitest';
import { ADMIN_USER_ID, DEMO_USER_ID, seedUsers } from './seed-users.js';

describe('seed users', () => {
  it('are the demo user, an admin and 20 customers with unique ids and emails', () => {
    const users = seedUsers(1);
    expect(users).toHaveLength(22);
    expect(users[0]).toMatchObject({ id: DEMO_USER_ID, email: 'demo@frank.lab', password: 'frank-demo', roles: ['customer'] });
    expect(users[1]).toMatchObject({ id: ADMIN_USER_ID, email: 'admin@frank.lab', password: 'frank-admin', roles: ['admin'] });
    expect(new Set(users.map((u) => u.id)).size).toBe(22);
    expect(new Set(users.map((u) => u.email)).size).toBe(22);
    for (const user of users) expect(user.email).toBe(user.email.toLowerCase());
  });

  it('are the same for the same seed and differ for another', () => {
    expect(seedUsers(7)).toEqual(seedUsers(7));
    expect(seedUsers(7).slice(2)).not.toEqual(seedUsers(8).slice(2));
    expect(seedUsers(8).slice(0, 2)).toEqual(seedUsers(7).slice(0, 2));
  });
});
