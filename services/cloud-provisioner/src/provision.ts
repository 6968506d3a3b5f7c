import amqplib from 'amqplib';
import pg from 'pg';
import { DEAD_LETTER_EXCHANGE, EVENTS_EXCHANGE, type Logger, type SeedOptions } from '@frank/kit';
import { applyMigrations, provisionRole, provisionSchemas, type MigrationFile } from '@frank/kit/db';
import { declareOutcomeQueue } from '@frank/rabbitmq-bridge/outcome-queue';
import type { ProvisionPlan } from './plan.js';

export type SeedFunction = (client: pg.ClientBase, options: SeedOptions) => Promise<void>;

export interface ProvisionDeps {
  /** A Secrets Manager reference as ECS writes it: `<arn>` or `<arn>:<json key>::`. */
  readSecret(reference: string): Promise<string>;
  /** The kit's and the service's migrations, in order. */
  migrations(service: string): Promise<MigrationFile[]>;
  seeds: Record<string, SeedFunction>;
  /** RDS forces TLS; the lab's own servers have none. */
  tls: boolean;
  /** RabbitMQ's URL, when it is given rather than read from the plan's broker secret. */
  brokerUrl?: string;
  log: Logger;
}

export interface ProvisionReport {
  /** `<resource>/<database>`: each role set to its secret's password, with its database and schemas. */
  roles: string[];
  /** Migration ids applied now, by service (an empty list: already up to date). */
  migrated: Record<string, string[]>;
  seeded: string[];
  /** The exchanges and the rabbitmq-bridge's queue declared on the broker. */
  broker: boolean;
}

interface Credentials {
  username: string;
  password: string;
}

/**
 * What a deployment needs inside its servers before the services start, done with the master
 * credentials that only this function reads: on each instance every database's own login role with
 * the password of its secret (so the services never see the master secret), the database it owns
 * and its schemas; each service's migrations run as its own role; the deterministic seed when asked;
 * RabbitMQ's exchanges and the queue that feeds the rabbitmq-bridge. Idempotent: run it again after
 * a change and only what is missing happens.
 */
export async function provisionCloud(plan: ProvisionPlan, deps: ProvisionDeps, options: { seed?: number } = {}): Promise<ProvisionReport> {
  const report: ProvisionReport = { roles: [], migrated: {}, seeded: [], broker: false };
  const credentialsOf = async (arn: string, what: string): Promise<Credentials> => {
    let text: string;
    try {
      text = await deps.readSecret(arn);
    } catch (error) {
      throw new Error(`${what}: cannot read its secret ${arn}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const parsed = JSON.parse(text) as Partial<Credentials>;
    if (!parsed.username || !parsed.password) throw new Error(`${what}: its secret ${arn} has no username and password`);
    return { username: parsed.username, password: parsed.password };
  };
  const connect = async (resource: string, database: string, as: Credentials) => {
    const instance = plan.databases[resource]!;
    const client = new pg.Client({
      host: instance.host,
      port: instance.port,
      database,
      user: as.username,
      password: as.password,
      ssl: deps.tls ? { rejectUnauthorized: true } : false,
      connectionTimeoutMillis: 10_000,
    });
    client.on('error', (error) => deps.log.warn('database connection failed', { resource, database, error: error.message }));
    try {
      await client.connect();
    } catch (error) {
      throw new Error(
        `cannot connect to ${database} on ${resource} (${instance.host}:${instance.port}) as ${as.username}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    return client;
  };
  const using = async <T>(client: Promise<pg.Client>, work: (c: pg.Client) => Promise<T>): Promise<T> => {
    const opened = await client;
    try {
      return await work(opened);
    } finally {
      await opened.end().catch(() => undefined);
    }
  };

  for (const [resource, instance] of Object.entries(plan.databases)) {
    const master = await credentialsOf(instance.masterSecretArn, `the master user of ${resource}`);
    const grants = await Promise.all(
      Object.entries(instance.roles).map(async ([database, role]) => ({
        database,
        schemas: role.schemas,
        password: (await credentialsOf(role.secretArn, `the role ${database}`)).password,
      })),
    );
    await using(connect(resource, 'postgres', master), async (admin) => {
      for (const grant of grants) {
        await provisionRole(admin, grant);
        report.roles.push(`${resource}/${grant.database}`);
      }
    });
    for (const grant of grants.filter((g) => g.schemas.length > 0))
      await using(connect(resource, grant.database, master), (admin) => provisionSchemas(admin, grant));
    deps.log.info('roles provisioned', { resource, databases: grants.map((g) => g.database) });
  }

  const jwtSecret = plan.jwtSecretArn ? await deps.readSecret(`${plan.jwtSecretArn}:value::`) : '';
  for (const [service, owned] of Object.entries(plan.services)) {
    const role = await credentialsOf(plan.databases[owned.resource]!.roles[owned.database]!.secretArn, `the role ${owned.database}`);
    await using(connect(owned.resource, owned.database, role), async (client) => {
      report.migrated[service] = await applyMigrations(client, await deps.migrations(service));
      const seed = deps.seeds[service];
      if (options.seed !== undefined && seed) {
        await seed(client, { seed: options.seed, secrets: { jwtSecret } });
        report.seeded.push(service);
      }
    });
    deps.log.info('migrated', { service, applied: report.migrated[service]!.length, seeded: report.seeded.includes(service) });
  }

  const brokerUrl = deps.brokerUrl ?? (plan.brokerUrlSecretArn ? await deps.readSecret(`${plan.brokerUrlSecretArn}:url::`) : undefined);
  if (brokerUrl) {
    const connection = await amqplib.connect(brokerUrl, { timeout: 10_000 });
    try {
      const channel = await connection.createConfirmChannel();
      await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
      await channel.assertExchange(DEAD_LETTER_EXCHANGE, 'topic', { durable: true });
      // Amazon MQ's event source mapping reads this queue: it must exist before the bridge Lambda gets anything.
      await declareOutcomeQueue(channel);
      await channel.close();
      report.broker = true;
    } finally {
      await connection.close().catch(() => undefined);
    }
  }
  return report;
}
