import { deterministicUuid } from './deterministic-id.js';
import { pick, seededRandom } from '@frank/kit/random';

export type Role = 'admin' | 'customer';

export interface SeedUser {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  password: string;
  roles: Role[];
}

/** Fixed ids, so other services' seeds and tests can name the demo user without asking. */
export const DEMO_USER_ID = '00000000-0000-4000-8000-000000000001';
export const ADMIN_USER_ID = '00000000-0000-4000-8000-000000000002';
export const CUSTOMER_PASSWORD = 'frank-customer';
export const SEEDED_CUSTOMERS = 20;

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Barbara',
  'Edsger',
  'Frances',
  'Donald',
  'Margaret',
  'Ken',
  'Radia',
  'Dennis',
  'Hedy',
  'Linus',
  'Katherine',
  'John',
  'Sophie',
  'Tim',
  'Joan',
  'Niklaus',
  'Shafi',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Liskov',
  'Dijkstra',
  'Allen',
  'Knuth',
  'Hamilton',
  'Thompson',
  'Perlman',
  'Ritchie',
  'Lamarr',
  'Torvalds',
  'Johnson',
  'Backus',
  'Wilson',
  'Berners-Lee',
  'Clarke',
  'Wirth',
  'Goldwasser',
];

/** The seed's users: the demo customer, an admin, and customers derived from the seed number. */
export function seedUsers(seed: number): SeedUser[] {
  const random = seededRandom(seed);
  const users: SeedUser[] = [
    { id: DEMO_USER_ID, email: 'demo@frank.lab', name: 'Demo Customer', phone: '+4930555010', password: 'frank-demo', roles: ['customer'] },
    { id: ADMIN_USER_ID, email: 'admin@frank.lab', name: 'Lab Admin', phone: null, password: 'frank-admin', roles: ['admin'] },
  ];
  for (let i = 1; i <= SEEDED_CUSTOMERS; i++) {
    const first = pick(random, FIRST);
    const last = pick(random, LAST);
    // The index keeps emails unique within one seed even when names repeat.
    const email = `${first}.${last}.${i}@frank.lab`.toLowerCase();
    const phone = random() < 0.7 ? `+4930${String(Math.floor(random() * 10_000_000)).padStart(7, '0')}` : null;
    users.push({ id: deterministicUuid(`frank-user:${email}`), email, name: `${first} ${last}`, phone, password: CUSTOMER_PASSWORD, roles: ['customer'] });
  }
  return users;
}
