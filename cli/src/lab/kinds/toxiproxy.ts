import type { Link, ToxiproxyResource } from '../topology.js';
import type { Access, KindAdapter } from './adapter.js';
import { envName } from './adapter.js';

function apiUrl(resource: ToxiproxyResource, access: Access): string {
  return `http://${access.topology.host}:${resource.port}`;
}

export const toxiproxyAdapter: KindAdapter<ToxiproxyResource> = {
  readyTimeoutMs: 20_000,
  url: apiUrl,
  env: (resource, access) => ({ [`${envName(resource.name)}_URL`]: apiUrl(resource, access) }),
  async probe(resource, access, signal) {
    const response = await fetch(`${apiUrl(resource, access)}/version`, { signal: AbortSignal.any([signal, AbortSignal.timeout(2000)]) });
    if (!response.ok) throw new Error(`GET /version answered ${response.status}`);
  },
  /** One proxy per service link; /populate creates missing proxies and leaves existing ones as they are. */
  async provision(resource, access) {
    const host = access.topology.host;
    const route = access.proxyRoute ?? ((link: Link) => ({ listen: `${host}:${link.listenPort}`, upstream: `${host}:${link.upstreamPort}` }));
    const proxies = access.topology.links.map((link) => ({ name: link.name, ...route(link), enabled: true }));
    const response = await fetch(`${apiUrl(resource, access)}/populate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(proxies),
    });
    if (!response.ok) throw new Error(`POST /populate answered ${response.status}: ${await response.text()}`);
  },
};
