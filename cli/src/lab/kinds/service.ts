import type { Service } from '../topology.js';
import type { Access, KindAdapter } from './adapter.js';
import { envName } from './adapter.js';

function baseUrl(service: Service, access: Access): string {
  return `http://${access.topology.host}:${service.port}`;
}

/** What a service's /health/ready says: ready, or each dependency it waits for (as the kit names it: `rabbitmq`, `postgres`, `inventory`). */
export interface ServiceReadiness {
  ready: boolean;
  waitingFor: { dependency: string; reason: string }[];
  reason?: string;
}

const answerTimeout = (signal: AbortSignal) => AbortSignal.any([signal, AbortSignal.timeout(2000)]);

/**
 * A lab service is ready when its own /health/ready says everything it uses answers, and alive
 * while /health/live answers at all: a live service that is not ready waits for a dependency and
 * is left running (only a service that is gone or not alive any more is restarted).
 */
export const serviceAdapter: KindAdapter<Service> & {
  live(service: Service, access: Access, signal: AbortSignal): Promise<void>;
  readiness(service: Service, access: Access, signal: AbortSignal): Promise<ServiceReadiness>;
} = {
  readyTimeoutMs: 45_000,
  url: baseUrl,
  env: (service, access) => ({ [`${envName(service.name)}_URL`]: baseUrl(service, access) }),
  async probe(service, access, signal) {
    const response = await fetch(`${baseUrl(service, access)}/health/ready`, { signal: answerTimeout(signal) });
    if (!response.ok) throw new Error(`GET /health/ready answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  },
  async live(service, access, signal) {
    const response = await fetch(`${baseUrl(service, access)}/health/live`, { signal: answerTimeout(signal) });
    if (!response.ok) throw new Error(`GET /health/live answered ${response.status}`);
  },
  async readiness(service, access, signal) {
    const response = await fetch(`${baseUrl(service, access)}/health/ready`, { signal: answerTimeout(signal) });
    if (response.ok) return { ready: true, waitingFor: [] };
    const body = (await response.json().catch(() => ({}))) as { waitingFor?: unknown; reason?: unknown };
    const waitingFor = Array.isArray(body.waitingFor)
      ? body.waitingFor
          .filter((w): w is { dependency: string; reason: string } => typeof w?.dependency === 'string')
          .map((w) => ({ dependency: w.dependency, reason: String(w.reason ?? '') }))
      : [];
    return { ready: false, waitingFor, reason: typeof body.reason === 'string' ? body.reason : `GET /health/ready answered ${response.status}` };
  },
  async provision() {},
};
