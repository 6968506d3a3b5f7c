import pg from 'pg';
import { FrankError } from '../errors.js';
import type { Lab } from '../lab/lab.js';
import { loadSagaMap, type SagaMap } from '../lab/manifests.js';
import { labEnvironment } from '../lab/status.js';

/**
 * How the saga tools reach a running lab: each service's database directly (its own role, not
 * through Toxiproxy), the broker, and the services' HTTP base URLs. Pools are opened on first use.
 */
export interface LabAccess {
  env: Record<string, string>;
  /** The saga's participants and queues, from frank.yaml and the services' manifests. */
  saga: SagaMap;
  /** A participant's database, as its own role. */
  db(service: string): pg.Pool;
  /**
   * The database of the service whose manifest reports the `saga_report.<view>` view: how the saga
   * tools read a service's private state (services/README.md, "Reports"), never its tables.
   */
  report(view: string): pg.Pool;
  amqpUrl: string;
  url(service: string): string;
  /** Where customers log in and place orders: user and order themselves, or the BFF's routes (as the ALB reaches them). */
  customerUrls(): { login: string; orders: string };
  close(): Promise<void>;
}

/**
 * From `frank env`'s variables: `<SERVICE>_SERVICE_DATABASE_URL`, `RABBITMQ_URL`, `<SERVICE>_URL`.
 * With `throughBff`, customers reach the lab through that BFF's /api routes.
 */
export function labAccessFromEnv(env: Record<string, string>, saga: SagaMap, options: { throughBff?: string } = {}): LabAccess {
  const pools = new Map<string, pg.Pool>();
  const variable = (name: string): string => {
    const value = env[name];
    if (!value) throw new FrankError(`The lab's environment has no ${name}.`, { hint: 'Check `npx frank env` and `npx frank status`.' });
    return value;
  };
  const envName = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const db = (service: string) => {
    let pool = pools.get(service);
    if (!pool) {
      pool = new pg.Pool({ connectionString: variable(`${envName(service)}_SERVICE_DATABASE_URL`), max: 2 });
      pool.on('error', () => undefined);
      pools.set(service, pool);
    }
    return pool;
  };
  return {
    env,
    saga,
    db,
    report(view) {
      const service = saga.reports[view];
      if (!service)
        throw new FrankError(`No service reports saga_report.${view}: no manifest lists it under reports.`, {
          hint: 'See services/README.md, "Reports": the service that owns the state creates the view in a migration and lists it in its service.yaml.',
        });
      return db(service);
    },
    amqpUrl: variable('RABBITMQ_URL'),
    url: (service) => variable(`${envName(service)}_URL`),
    customerUrls: () =>
      options.throughBff
        ? { login: `${options.throughBff}/api/auth/login`, orders: `${options.throughBff}/api/orders` }
        : { login: `${variable('USER_URL')}/auth/login`, orders: `${variable('ORDER_URL')}/orders` },
    async close() {
      await Promise.all([...pools.values()].map((p) => p.end().catch(() => undefined)));
      pools.clear();
    },
  };
}

/** `saga`: the map the caller already loaded (e.g. to check a --service before asking the lab). */
export async function labAccess(lab: Lab, saga?: SagaMap): Promise<LabAccess> {
  if (!lab.isUp) throw new FrankError('The lab is not up.', { hint: 'Run `npx frank up` first.' });
  return labAccessFromEnv(await labEnvironment(lab), saga ?? (await loadSagaMap(lab.topology)));
}
