import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runService } from '@frank/kit';
import { definition } from '../src/service.js';
import { envelope, freePort, migrate, startLab, tapEvents, until, type EventTap, type TestLab } from '../../../cli/test/service-lab.js';

const LAB = `version: 1
resources:
  {{dbResource}}:
    kind: postgres
    port: {{dbPort}}
    databases:
      {{database}}: [{{schema}}, saga_coord, event_store]
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
`;

interface Answer {
  status: number;
  body: any;
}

describe('{{name}}-service against real PostgreSQL and RabbitMQ', () => {
  let lab: TestLab | undefined;
  let db: pg.Client;
  let tap: EventTap;
  let service: Awaited<ReturnType<typeof runService>> | undefined;
  let base: string;

  const call = async (method: string, path: string, json?: unknown): Promise<Answer> => {
    const res = await fetch(`${base}${path}`, { method, headers: json === undefined ? {} : { 'content-type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json) });
    return { status: res.status, body: await res.json() };
  };
  const count = async (table: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

  beforeAll(async () => {
    lab = await startLab(LAB);
    const dbUrl = lab.env.{{databaseUrlVariable}}!;
    await migrate(dbUrl, '{{name}}', fileURLToPath(new URL('..', import.meta.url)));
    db = new pg.Client(dbUrl);
    await db.connect();
    tap = await tapEvents(lab.env.RABBITMQ_URL!, '{{name}}-test-tap');
    const port = await freePort();
    service = await runService(definition, { PORT: String(port), DATABASE_URL: dbUrl, AMQP_URL: lab.env.RABBITMQ_URL!, LOG_LEVEL: 'error' });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await service?.stop();
    await tap?.close();
    await db?.end().catch(() => undefined);
    await lab?.stop();
  });

  it('POST /items writes the row and publishes {{name}}.item-created through the outbox; GET reads it back', async () => {
    const created = await call('POST', '/items', { name: 'first item' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'first item' });
    const read = await call('GET', `/items/${created.body.id}`);
    expect(read).toEqual({ status: 200, body: created.body });

    const event = await until(async () => tap.seen.find((e) => e.aggregateId === created.body.id), 20_000, 'the {{name}}.item-created event');
    expect(event).toMatchObject({ type: '{{name}}.item-created', source: '{{name}}', version: 1, data: { itemId: created.body.id, name: 'first item' } });
    await until(async () => (await count('saga_coord.outbox WHERE dispatched_at IS NULL')) === 0, 20_000, 'the outbox to be dispatched');
  });

  it('a bad body is a 400 naming the field, and nothing is written or published', async () => {
    const [items, events] = [await count('{{schema}}.items'), await count('event_store.events')];
    const bad = await call('POST', '/items', { name: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation-failed', field: 'name' });
    expect(await count('{{schema}}.items')).toBe(items);
    expect(await count('event_store.events')).toBe(events);
  });

  it('an unknown or malformed id is a 404', async () => {
    expect((await call('GET', '/items/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await call('GET', '/items/not-an-id')).status).toBe(404);
  });

  it('takes its saga step after {{after}}: one saga_steps row and {{emits}} through the outbox, once however often the message comes', async () => {
    const orderId = randomUUID();
    const after = envelope('{{after}}', orderId, { orderId });
    await tap.publish(after);
    await tap.publish(after); // a redelivery: the inbox absorbs it
    const done = await until(async () => tap.seen.find((e) => e.type === '{{emits}}' && e.aggregateId === orderId), 20_000, 'the {{emits}} event');
    expect(done).toMatchObject({ source: '{{name}}', causationId: after.id, sagaId: after.sagaId, data: { orderId } });
    await until(async () => (await count('saga_coord.outbox WHERE dispatched_at IS NULL')) === 0, 20_000, 'the outbox to be dispatched');
    expect(await count(`{{schema}}.saga_steps WHERE order_id = '${orderId}'`)).toBe(1);
    expect(tap.seen.filter((e) => e.type === '{{emits}}' && e.aggregateId === orderId)).toHaveLength(1);
  });
});
