import { existsSync } from 'node:fs';
import path from 'node:path';
import { DescribeArchiveCommand, EventBridgeClient, ListArchivesCommand, ListEventBusesCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import amqp from 'amqplib';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPorts, loadTopology, type Topology } from '../src/lab/topology.js';
import { listeningPorts } from '../src/lab/ports.js';
import { freeOffset, labProcesses, makeLabDir, removeLabDir, runFrank } from './lab-fixture.js';

interface StatusJson {
  resources: { name: string; kind: string; runtime: string; port: number; phase: string; health: string; url: string }[];
}

async function query(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('frank up: the whole infrastructure, natively, on a random port offset', () => {
  let dir: string;
  let offset: number;
  let topology: Topology;
  let status: StatusJson;
  let env: Record<string, string>;
  const urlOf = (name: string) => status.resources.find((r) => r.name === name)!.url;

  beforeAll(async () => {
    dir = await makeLabDir();
    offset = await freeOffset(dir);
    topology = await loadTopology(path.join(dir, 'frank.yaml'), { portOffset: offset });
    const up = await runFrank(dir, ['up', '--no-services', '--port-offset', String(offset), '--json']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ alreadyUp: false });
    const statusRun = await runFrank(dir, ['status', '--json']);
    expect(statusRun.exitCode, statusRun.stderr).toBe(0);
    status = JSON.parse(statusRun.stdout) as StatusJson;
    env = JSON.parse((await runFrank(dir, ['env', '--json'])).stdout) as Record<string, string>;
  });

  afterAll(async () => {
    if (dir) await removeLabDir(dir);
  });

  it('reports every resource healthy on its shifted port, with its phase and a URL', () => {
    const servers = status.resources.filter((r) => r.kind !== 'service');
    expect(servers.map((r) => r.name).sort()).toEqual(topology.resources.map((r) => r.name).sort());
    for (const resource of servers) {
      expect(resource, resource.name).toMatchObject({ runtime: 'native', phase: 'healthy', health: 'healthy' });
      expect(resource.port).toBe(topology.resources.find((r) => r.name === resource.name)!.port);
    }
    expect(urlOf('order-db')).toContain(`:${5434 + offset}/`);
  });

  it('serves each of the seven PostgreSQL clusters with its databases, schemas and a role of its own', async () => {
    const postgres = topology.resources.filter((r) => r.kind === 'postgres');
    expect(postgres).toHaveLength(7);
    for (const resource of postgres) {
      const [row] = await query(urlOf(resource.name), 'SELECT current_setting($1) AS port', ['port']);
      expect(Number(row.port)).toBe(resource.port);
      for (const [database, schemas] of Object.entries(resource.databases)) {
        const roleUrl = env[`${database.toUpperCase()}_DATABASE_URL`]!;
        const found = await query(roleUrl, 'SELECT nspname FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)');
        expect(found.map((r) => r.nspname).sort()).toEqual([...schemas].sort());
        // The service's role reaches its own database only.
        const elsewhere = new URL(roleUrl);
        elsewhere.pathname = '/postgres';
        await expect(query(elsewhere.href, 'SELECT 1')).rejects.toThrow(/permission denied/);
      }
    }
  });

  it('routes a message through frank.events with publisher confirms', async () => {
    const connection = await amqp.connect(urlOf('rabbitmq'));
    try {
      const channel = await connection.createConfirmChannel();
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await channel.bindQueue(queue, 'frank.events', 'order.created');
      await channel.checkExchange('frank.dlx');
      channel.publish('frank.events', 'order.created', Buffer.from(JSON.stringify({ id: 'm-1' })), { persistent: true });
      await channel.waitForConfirms();
      const message = await waitFor(async () => (await channel.get(queue, { noAck: true })) || undefined);
      expect(JSON.parse(message.content.toString())).toEqual({ id: 'm-1' });
    } finally {
      await connection.close();
    }
  });

  it('stores and reads a document in Mongo and a key in Redis', async () => {
    const mongo = new MongoClient(urlOf('mongo'));
    try {
      await mongo
        .db('order_views')
        .collection('order_history')
        .insertOne({ _id: 'o-1' as never, status: 'PENDING' });
      expect(
        await mongo
          .db('order_views')
          .collection('order_history')
          .findOne({ _id: 'o-1' as never }),
      ).toMatchObject({ status: 'PENDING' });
    } finally {
      await mongo.close();
    }
    const redis = createClient({ url: urlOf('redis') });
    await redis.connect();
    try {
      await redis.set('frank:probe', 'yes');
      expect(await redis.get('frank:probe')).toBe('yes');
    } finally {
      redis.destroy();
    }
  });

  it("has the EventBridge buses, and frank.yaml's archives, which keep order outcomes and nothing else from frank-internal", async () => {
    const events = new EventBridgeClient({
      endpoint: env.AWS_ENDPOINT_URL!,
      region: env.AWS_REGION!,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    });
    try {
      const buses = (await events.send(new ListEventBusesCommand({}))).EventBuses!;
      expect(buses.map((b) => b.Name)).toEqual(expect.arrayContaining(['frank-external', 'frank-internal']));
      const archives = (await events.send(new ListArchivesCommand({}))).Archives!;
      expect(archives.map((a) => a.ArchiveName).sort()).toEqual(['frank-external-archive', 'order-outcomes']);
      const outcomes = await events.send(new DescribeArchiveCommand({ ArchiveName: 'order-outcomes' }));
      expect(outcomes).toMatchObject({ EventSourceArn: buses.find((b) => b.Name === 'frank-internal')!.Arn, RetentionDays: 14, State: 'ENABLED' });
      expect(JSON.parse(outcomes.EventPattern!)).toEqual({ 'detail-type': ['order.confirmed', 'order.cancelled'] });

      const before = outcomes.EventCount!;
      const entry = (DetailType: string, orderId: string) => ({
        EventBusName: 'frank-internal',
        Source: 'frank.order',
        DetailType,
        Detail: JSON.stringify({ orderId }),
      });
      const put = await events.send(
        new PutEventsCommand({ Entries: [entry('order.confirmed', 'o-1'), entry('order.created', 'o-2'), entry('order.cancelled', 'o-3')] }),
      );
      expect(put.FailedEntryCount).toBe(0);
      // The two outcomes and not order.created (moto archives as it puts; the wait is for an emulator that does not).
      const count = await waitFor(async () => {
        const { EventCount = 0 } = await events.send(new DescribeArchiveCommand({ ArchiveName: 'order-outcomes' }));
        return EventCount >= before + 2 ? EventCount : undefined;
      });
      expect(count).toBe(before + 2);
    } finally {
      events.destroy();
    }
  });

  it('has one Toxiproxy proxy per service link, and a query goes through one and stops when it is cut', async () => {
    const api = urlOf('toxiproxy');
    expect(await (await fetch(`${api}/version`)).json()).toHaveProperty('version');
    const proxies = (await (await fetch(`${api}/proxies`)).json()) as Record<string, { listen: string; upstream: string; enabled: boolean }>;
    expect(Object.keys(proxies).sort()).toEqual(topology.links.map((l) => l.name).sort());
    const link = topology.links.find((l) => l.name === 'order.order-db')!;
    expect(proxies[link.name]).toMatchObject({ listen: `127.0.0.1:${link.listenPort}`, upstream: `127.0.0.1:${link.upstreamPort}`, enabled: true });
    const throughProxy = env.ORDER_SERVICE_DATABASE_URL!.replace(`:${link.upstreamPort}/`, `:${link.listenPort}/`);
    expect(await query(throughProxy, 'SELECT current_database() AS db')).toEqual([{ db: 'order_service' }]);
    await fetch(`${api}/proxies/${link.name}`, { method: 'POST', body: JSON.stringify({ enabled: false }) });
    await expect(query(throughProxy, 'SELECT 1')).rejects.toThrow();
    await fetch(`${api}/proxies/${link.name}`, { method: 'POST', body: JSON.stringify({ enabled: true }) });
    expect(await query(throughProxy, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('does nothing on a second `frank up` and says so', async () => {
    const again = await runFrank(dir, ['up', '--no-services']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/already up/);
    expect(again.stderr).not.toMatch(/starting/);
  });

  it("`frank cloud tfvars` uses frank.yaml's own ports while the lab runs on an offset", async () => {
    const tfvars = await runFrank(dir, ['cloud', 'tfvars', '--json']);
    expect(tfvars.exitCode, tfvars.stderr).toBe(0);
    expect(JSON.parse(tfvars.stdout)).toMatchObject({ databases: { 'order-db': { port: 5434 } } });
  });

  it('refuses a different port offset while the lab is up', async () => {
    const other = await runFrank(dir, ['status', '--port-offset', String(offset + 1)]);
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toMatch(new RegExp(`up on port offset ${offset}`));
  });

  it('`frank down` leaves no process and no port behind; data stays until --purge', async () => {
    const down = await runFrank(dir, ['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await labProcesses(dir)).toEqual([]);
    expect(await listeningPorts(labPorts(topology).map((p) => p.port))).toEqual([]);
    expect(existsSync(path.join(dir, '.frank', 'data', 'order-db', 'PG_VERSION'))).toBe(true);

    const warm = await runFrank(dir, ['up', '--no-services', '--port-offset', String(offset)]);
    expect(warm.exitCode, warm.stderr).toBe(0);
    const [row] = await query(env.ORDER_SERVICE_DATABASE_URL!, 'SELECT 1 AS one');
    expect(row).toEqual({ one: 1 });

    const purge = await runFrank(dir, ['down', '--purge']);
    expect(purge.exitCode, purge.stderr).toBe(0);
    expect(existsSync(path.join(dir, '.frank', 'data'))).toBe(false);
    expect(await listeningPorts(labPorts(topology).map((p) => p.port))).toEqual([]);
  });
});

async function waitFor<T>(attempt: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
