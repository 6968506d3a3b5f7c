import amqplib from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/seed.js';
import { definition } from '../src/service.js';
import { runService } from '@frank/kit';
import { ADMIN_USER_ID, DEMO_USER_ID } from '../src/domain/seed-users.js';
import { freePort, migrate, startLab, until, type TestLab } from '../../../cli/test/service-lab.js';

const LAB = `version: 1
resources:
  user-db:
    kind: postgres
    port: 5432
    databases:
      user_service: [user_domain, saga_coord, event_store]
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
`;
const JWT_SECRET = 'user-test-secret-0123456789';

interface Answer {
  status: number;
  body: any;
}

describe('user-service against real PostgreSQL and RabbitMQ', () => {
  let lab: TestLab | undefined;
  let db: pg.Client;
  let service: Awaited<ReturnType<typeof runService>> | undefined;
  let base: string;
  let broker: amqplib.ChannelModel;
  const published: any[] = [];

  const call = async (method: string, path: string, options: { json?: unknown; raw?: string; token?: string } = {}): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (options.json !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json)),
    });
    return { status: res.status, body: await res.json() };
  };
  const login = async (email: string, password: string) =>
    (await call('POST', '/auth/login', { json: { email, password } })).body as { token: string; userId: string };
  const count = async (sql: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`)).rows[0]!.n;

  beforeAll(async () => {
    lab = await startLab(LAB);
    const dbUrl = lab.env.USER_SERVICE_DATABASE_URL!;
    await migrate(dbUrl, 'user');
    db = new pg.Client(dbUrl);
    await db.connect();
    broker = await amqplib.connect(lab.env.RABBITMQ_URL!);
    const channel = await broker.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, 'frank.events', 'user.registered');
    await channel.consume(queue, (m) => m && published.push(JSON.parse(m.content.toString())), { noAck: true });
    const port = await freePort();
    service = await runService(definition, { PORT: String(port), DATABASE_URL: dbUrl, AMQP_URL: lab.env.RABBITMQ_URL!, JWT_SECRET, LOG_LEVEL: 'error' });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await service?.stop();
    await broker?.close().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await lab?.stop();
  });

  it('seeds the demo user, an admin and 20 customers, and a rerun with the same seed changes nothing', async () => {
    await seed(db, { seed: 1, secrets: { jwtSecret: JWT_SECRET } });
    const snapshot = async () => (await db.query('SELECT id, email, name, phone, password_hash, xmin::text FROM user_domain.users ORDER BY email')).rows;
    const first = await snapshot();
    expect(first).toHaveLength(22);
    await seed(db, { seed: 1, secrets: { jwtSecret: JWT_SECRET } });
    // xmin unchanged: not one row was rewritten, not even with equal values.
    expect(await snapshot()).toEqual(first);
    expect(await count('user_domain.user_roles')).toBe(22);
    expect(await count("event_store.events WHERE type = 'user.registered'")).toBe(22);
    const roles = await db.query('SELECT user_id, role FROM user_domain.user_roles WHERE user_id = ANY($1) ORDER BY role', [[DEMO_USER_ID, ADMIN_USER_ID]]);
    expect(roles.rows).toEqual([
      { user_id: ADMIN_USER_ID, role: 'admin' },
      { user_id: DEMO_USER_ID, role: 'customer' },
    ]);
    // The relay publishes the seed's events once the service runs.
    await until(async () => published.filter((e) => e.type === 'user.registered').length >= 22);
  });

  it('logs the demo user in with a token whose claims /auth/verify and GET /users/:id show', async () => {
    const { token, userId } = await login('Demo@Frank.lab', 'frank-demo');
    expect(userId).toBe(DEMO_USER_ID);
    expect(await call('GET', '/auth/verify', { token })).toEqual({ status: 200, body: { userId: DEMO_USER_ID, email: 'demo@frank.lab', roles: ['customer'] } });
    const me = await call('GET', `/users/${DEMO_USER_ID}`, { token });
    expect(me).toEqual({
      status: 200,
      body: { userId: DEMO_USER_ID, email: 'demo@frank.lab', name: 'Demo Customer', phone: '+4930555010', roles: ['customer'] },
    });
  });

  it('refuses bad credentials and bad tokens with a 401', async () => {
    expect(await call('POST', '/auth/login', { json: { email: 'demo@frank.lab', password: 'wrong' } })).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized' } },
    });
    expect(await call('POST', '/auth/login', { json: { email: 'nobody@frank.lab', password: 'frank-demo' } })).toMatchObject({ status: 401 });
    expect(await call('GET', '/auth/verify')).toMatchObject({ status: 401, body: { error: { code: 'unauthorized', field: 'authorization' } } });
    const { token } = await login('demo@frank.lab', 'frank-demo');
    expect(await call('GET', '/auth/verify', { token: token.slice(0, -2) })).toMatchObject({ status: 401 });
    expect(await call('GET', `/users/${DEMO_USER_ID}`, { token: `${token}x` })).toMatchObject({ status: 401 });
  });

  it('shows a customer only themselves; an admin sees anyone', async () => {
    const demo = await login('demo@frank.lab', 'frank-demo');
    const admin = await login('admin@frank.lab', 'frank-admin');
    expect(await call('GET', `/users/${ADMIN_USER_ID}`, { token: demo.token })).toMatchObject({ status: 404, body: { error: { code: 'not-found' } } });
    expect(await call('GET', `/users/${DEMO_USER_ID}`, { token: admin.token })).toMatchObject({ status: 200, body: { email: 'demo@frank.lab' } });
    expect(await call('GET', '/users/not-a-uuid', { token: admin.token })).toMatchObject({ status: 404 });
  });

  it('registers a customer: the row, a scrypt hash, the role and user.registered commit together and the event is published', async () => {
    const answer = await call('POST', '/auth/register', {
      json: { email: 'New.Person@Example.org', name: 'New Person', password: 'long-enough', phone: '+33 1 23' },
    });
    expect(answer.status).toBe(201);
    const { userId } = answer.body as { userId: string };
    const row = (await db.query('SELECT email, name, phone, password_hash FROM user_domain.users WHERE id = $1', [userId])).rows[0];
    expect(row).toMatchObject({ email: 'new.person@example.org', name: 'New Person', phone: '+33 1 23' });
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain('long-enough');
    expect((await db.query('SELECT role FROM user_domain.user_roles WHERE user_id = $1', [userId])).rows).toEqual([{ role: 'customer' }]);
    const event = await until(async () => published.find((e) => e.aggregateId === userId));
    expect(event).toMatchObject({ type: 'user.registered', source: 'user', version: 1, data: { userId, email: 'new.person@example.org', name: 'New Person' } });
    await until(async () => (await count(`saga_coord.outbox WHERE aggregate_id = '${userId}' AND dispatched_at IS NOT NULL`)) === 1);
    const { token } = await login('new.person@example.org', 'long-enough');
    expect(await call('GET', `/users/${userId}`, { token })).toMatchObject({ status: 200, body: { roles: ['customer'] } });
  });

  it('rejects bad registrations with a JSON error naming the field, and writes nothing', async () => {
    const before = { users: await count('user_domain.users'), outbox: await count('saga_coord.outbox') };
    const cases: [Parameters<typeof call>[2], number, string][] = [
      [{ raw: '{"email": "x@y.z",' }, 400, 'malformed-json'],
      [{ json: { name: 'No Email', password: 'long-enough' } }, 400, 'email'],
      [{ json: { email: 'not-an-email', name: 'X', password: 'long-enough' } }, 400, 'email'],
      [{ json: { email: 'short@frank.lab', name: 'X', password: 'short' } }, 400, 'password'],
      [{ json: { email: 'noname@frank.lab', password: 'long-enough' } }, 400, 'name'],
      [{ json: { email: 'DEMO@frank.lab', name: 'Impostor', password: 'long-enough' } }, 409, 'email'],
    ];
    for (const [options, status, field] of cases) {
      const answer = await call('POST', '/auth/register', options);
      expect(answer.status, JSON.stringify(options)).toBe(status);
      if (field === 'malformed-json') expect(answer.body.error.code).toBe('malformed-json');
      else expect(answer.body.error.field, JSON.stringify(answer.body)).toBe(field);
    }
    expect({ users: await count('user_domain.users'), outbox: await count('saga_coord.outbox') }).toEqual(before);
    expect((await login('demo@frank.lab', 'frank-demo')).userId).toBe(DEMO_USER_ID);
  });
});
