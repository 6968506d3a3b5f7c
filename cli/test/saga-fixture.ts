import pg from 'pg';
import { runFrank } from './lab-fixture.js';

export { until } from './service-lab.js';

/** The lab's services and databases as a test of the whole saga reaches them. */
export interface SagaLab {
  url(service: string): string;
  db(service: string): pg.Pool;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function connectSagaLab(dir: string): Promise<SagaLab> {
  const status = JSON.parse((await runFrank(dir, ['status', '--json'])).stdout) as { resources: { name: string; url: string }[] };
  const env = JSON.parse((await runFrank(dir, ['env', '--json'])).stdout) as Record<string, string>;
  const pools = new Map<string, pg.Pool>();
  return {
    env,
    url: (service) => status.resources.find((r) => r.name === service)!.url,
    db(service) {
      let pool = pools.get(service);
      if (!pool) {
        pool = new pg.Pool({ connectionString: env[`${service.toUpperCase()}_SERVICE_DATABASE_URL`], max: 2 });
        pool.on('error', () => undefined);
        pools.set(service, pool);
      }
      return pool;
    },
    async close() {
      await Promise.all([...pools.values()].map((p) => p.end()));
    },
  };
}

export async function call(base: string, path: string, init: { method?: string; token?: string; body?: unknown; raw?: string } = {}) {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body !== undefined || init.raw !== undefined ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, body: json, retryAfter: response.headers.get('retry-after') };
}

export const TERMINAL = new Set(['CONFIRMED', 'CANCELLED']);
