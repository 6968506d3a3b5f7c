import type { Service } from '../topology.js';
import type { Access, KindAdapter } from './adapter.js';
import { envName } from './adapter.js';

function baseUrl(service: Service, access: Access): string {
  return `http://${access.topology.host}:${service.port}`;
}

/** A lab service is ready when its own /health/ready says its database and broker answer. */
export const serviceAdapter: KindAdapter<Service> = {
  readyTimeoutMs: 45_000,
  url: baseUrl,
  env: (service, access) => ({ [`${envName(service.name)}_URL`]: baseUrl(service, access) }),
  async probe(service, access, signal) {
    const response = await fetch(`${baseUrl(service, access)}/health/ready`, { signal: AbortSignal.any([signal, AbortSignal.timeout(2000)]) });
    if (!response.ok) throw new Error(`GET /health/ready answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  },
  async provision() {},
};
