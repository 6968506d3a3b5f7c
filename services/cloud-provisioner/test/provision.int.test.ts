import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import amqplib from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed as userSeed } from '../../user/src/seed.js';
import { startLab, type TestLab } from '../../../cli/test/service-lab.js';
import { createProvisionerHandler } from '../src/lambda.js';

const SERVICES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// One instance holding the user service's database (which `frank up` created with the lab's own
// password) and a database frank.yaml does not know: the provisioner creates that one from nothing.
const LAB = `version: 1
resources:
  shop-db:
    kind: postgres
    port: 5432
    databases:
      user_service: [user_domain, saga_coord, event_store]
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
  aws:
    kind: aws
    port: 4566
`;

describe('the cloud provisioner against real PostgreSQL, RabbitMQ and the AWS emulator', () => {
  let lab: TestLab | undefined;
  let secrets: SecretsManagerClient;
  let migrationsDir: string;
  let port: number;
  let admin: { user: string; password: string };
  const arns: Record<string, string> = {};
  const passwords = { user_service: 'user0role0password0from0secret0x', reports_service: 'reports0role0password0from0secret' };
  const saved = { ...process.env };

  const secret = async (name: string, value: unknown) => {
    const answer = await secrets.send(new CreateSecretCommand({ Name: name, SecretString: typeof value === 'string' ? value : JSON.stringify(value) }));
    arns[name] = answer.ARN!;
    return answer.ARN!;
  };
  const plan = (overrides: Record<string, unknown> = {}) => ({
    databases: {
      'shop-db': {
        host: '127.0.0.1',
        port,
        masterSecretArn: arns.master,
        roles: {
          user_service: { secretArn: arns.user, schemas: ['user_domain', 'saga_coord', 'event_store'] },
          reports_service: { secretArn: arns.reports, schemas: ['reports_domain'] },
        },
      },
    },
    services: { user: { resource: 'shop-db', database: 'user_service' } },
    brokerUrlSecretArn: arns.broker,
    jwtSecretArn: arns.jwt,
    ...overrides,
  });
  const invoke = async (provisionPlan: unknown, event: { seed?: number } = { seed: 1 }) => {
    process.env.PROVISION_PLAN = typeof provisionPlan === 'string' ? provisionPlan : JSON.stringify(provisionPlan);
    return createProvisionerHandler({ seeds: { user: userSeed }, migrationsDir })(event);
  };
  const connect = async (database: string, user: string, password: string) => {
    const client = new pg.Client({ host: '127.0.0.1', port, database, user, password, connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    lab = await startLab(LAB);
    const adminUrl = new URL(lab.env.SHOP_DB_URL!);
    port = Number(adminUrl.port);
    admin = { user: decodeURIComponent(adminUrl.username), password: decodeURIComponent(adminUrl.password) };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: lab.env.AWS_ENDPOINT_URL,
      AWS_REGION: lab.env.AWS_REGION,
      AWS_ACCESS_KEY_ID: lab.env.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: lab.env.AWS_SECRET_ACCESS_KEY,
      DATABASE_TLS: 'disable',
    });
    secrets = new SecretsManagerClient({
      endpoint: lab.env.AWS_ENDPOINT_URL,
      region: lab.env.AWS_REGION,
      credentials: { accessKeyId: lab.env.AWS_ACCESS_KEY_ID!, secretAccessKey: lab.env.AWS_SECRET_ACCESS_KEY! },
    });
    // As RDS and Terraform leave them: the master's credentials, a role secret per database, the broker's URL, the token key.
    await secret('master', { username: admin.user, password: admin.password });
    await secret('user', { username: 'user_service', password: passwords.user_service });
    await secret('reports', { username: 'reports_service', password: passwords.reports_service });
    await secret('broker', { url: lab.env.RABBITMQ_URL });
    await secret('jwt', { value: 'jwt0secret0from0secrets0manager0x' });
    await secret('no-password', { username: 'frank_admin' });
    migrationsDir = await mkdtemp(path.join(tmpdir(), 'frank-provisioner-'));
    await cp(path.join(SERVICES, 'kit', 'migrations'), path.join(migrationsDir, 'kit'), { recursive: true });
    await cp(path.join(SERVICES, 'user', 'migrations'), path.join(migrationsDir, 'user'), { recursive: true });
  });

  afterAll(async () => {
    process.env = saved;
    secrets?.destroy();
    if (migrationsDir) await rm(migrationsDir, { recursive: true, force: true });
    await lab?.stop();
  });

  it('refuses a plan it cannot read, saying what is wrong, and writes nothing', async () => {
    await expect(invoke('{not json')).rejects.toThrow(/^PROVISION_PLAN is not JSON/);
    await expect(invoke(plan({ services: { user: { resource: 'shop-db', database: 'orders' } } }))).rejects.toThrow(
      "PROVISION_PLAN: services.user owns orders on shop-db, which the plan's databases do not hold",
    );
    const unreadable = plan();
    (unreadable.databases['shop-db'].roles as Record<string, unknown>).reports_service = { secretArn: `${arns.reports}-gone`, schemas: [] };
    await expect(invoke(unreadable)).rejects.toThrow(
      /^the role reports_service: cannot read its secret .*-gone: Secrets Manager can't find the specified secret/,
    );
    await expect(invoke(plan({ databases: { 'shop-db': { ...plan().databases['shop-db'], masterSecretArn: arns['no-password'] } } }))).rejects.toThrow(
      /the master user of shop-db: its secret .* has no username and password/,
    );
    // Every secret is read before the first role is written: the new database does not exist.
    const client = await connect('postgres', admin.user, admin.password);
    try {
      expect((await client.query("SELECT 1 FROM pg_roles WHERE rolname = 'reports_service'")).rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('gives each database its own role with the password of its secret, its schemas, its migrations and the seed', async () => {
    const report = await invoke(plan());
    expect(report.roles).toEqual(['shop-db/user_service', 'shop-db/reports_service']);
    expect(report.migrated.user!.length).toBeGreaterThan(0);
    expect(report.migrated.user![0]).toMatch(/^kit\//);
    expect(report.seeded).toEqual(['user']);
    expect(report.broker).toBe(true);

    const reports = await connect('reports_service', 'reports_service', passwords.reports_service);
    try {
      const owner = await reports.query("SELECT nspowner::regrole::text AS owner FROM pg_namespace WHERE nspname = 'reports_domain'");
      expect(owner.rows).toEqual([{ owner: 'reports_service' }]);
    } finally {
      await reports.end();
    }
    // Least privilege: one role, one database.
    await expect(connect('user_service', 'reports_service', passwords.reports_service)).rejects.toThrow(/permission denied for database "user_service"/);
    // The role frank up made now has the secret's password, and the seed is in.
    const user = await connect('user_service', 'user_service', passwords.user_service);
    try {
      expect((await user.query("SELECT count(*)::int AS n FROM user_domain.users WHERE email = 'demo@frank.lab'")).rows).toEqual([{ n: 1 }]);
    } finally {
      await user.end();
    }
    // The rabbitmq-bridge's queue exists before anything consumes it (Amazon MQ's event source mapping needs it).
    const connection = await amqplib.connect(lab!.env.RABBITMQ_URL!);
    try {
      const channel = await connection.createChannel();
      await expect(channel.checkQueue('rabbitmq-bridge.outcomes')).resolves.toMatchObject({ queue: 'rabbitmq-bridge.outcomes' });
    } finally {
      await connection.close();
    }
  });

  it('changes nothing when run again', async () => {
    const again = await invoke(plan());
    expect(again.migrated).toEqual({ user: [] });
    expect(again.roles).toEqual(['shop-db/user_service', 'shop-db/reports_service']);
    const user = await connect('user_service', 'user_service', passwords.user_service);
    try {
      expect((await user.query("SELECT count(*)::int AS n FROM user_domain.users WHERE email = 'demo@frank.lab'")).rows).toEqual([{ n: 1 }]);
    } finally {
      await user.end();
    }
  });
});
