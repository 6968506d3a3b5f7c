import { unleashApiTokens } from '../../runtimes/unleash-tokens.js';
import type { UnleashResource } from '../topology.js';
import { UnleashAdmin } from '../unleash-api.js';
import type { Access, KindAdapter } from './adapter.js';

function baseUrl(resource: UnleashResource, access: Access): string {
  return `http://${access.topology.host}:${resource.port}`;
}

export function unleashAdmin(resource: UnleashResource, access: Access): UnleashAdmin {
  return new UnleashAdmin(baseUrl(resource, access), unleashApiTokens(access.credentials.unleash).admin);
}

/**
 * Unleash: ready when /health answers and the lab's admin token is accepted; provisioning seeds
 * the flags of the contracts' vocabulary (those it has keep their state).
 */
export const unleashAdapter: KindAdapter<UnleashResource> = {
  // Its first start migrates an empty database: some 20 s on a 2-core machine.
  readyTimeoutMs: 120_000,
  url: baseUrl,
  env: (resource, access) => ({
    UNLEASH_URL: `${baseUrl(resource, access)}/api`,
    UNLEASH_TOKEN: unleashApiTokens(access.credentials.unleash).client,
    UNLEASH_ADMIN_TOKEN: unleashApiTokens(access.credentials.unleash).admin,
  }),
  probe: (resource, access, signal) => unleashAdmin(resource, access).health(signal),
  async provision(resource, access) {
    await unleashAdmin(resource, access).seed();
  },
};
