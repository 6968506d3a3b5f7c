import type { Credentials } from '../credentials.js';
import type { ProxyRoute } from '../../runtimes/runtime.js';
import type { LabUnit, Link, Topology } from '../topology.js';

/** What the lab model knows of a kind of resource, whichever runtime runs it: how to reach, probe and provision it. */
export interface KindAdapter<R extends LabUnit> {
  /** A connection string a user can paste into the kind's own client. */
  url(resource: R, access: Access): string;
  /** The variables `frank env` prints for it. */
  env(resource: R, access: Access): Record<string, string>;
  /** A real protocol round trip; throws until the resource answers. */
  probe(resource: R, access: Access, signal: AbortSignal): Promise<void>;
  /** Creates what the topology declares on it (databases, exchanges, buses, proxies); idempotent. */
  provision(resource: R, access: Access): Promise<void>;
  readyTimeoutMs: number;
}

export interface Access {
  topology: Topology;
  credentials: Credentials;
  /** Where Toxiproxy listens and forwards for a link, when the runtime puts it elsewhere than on the lab's host (docker). */
  proxyRoute?: (link: Link) => ProxyRoute;
}

export function envName(resourceName: string): string {
  return resourceName.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
