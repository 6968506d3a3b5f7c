import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { serviceDirectory } from '../runtimes/checkout.js';
import type { Topology } from './topology.js';
import { readYamlFile } from './yaml-file.js';

export const MANIFEST_FILE = 'service.yaml';

/** `order.created`: an aggregate and what happened to it, lower-case words joined by hyphens. */
export const EVENT_TYPE = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;
const eventType = z.string().regex(EVENT_TYPE, 'must be an event type such as order.created');
const queueName = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9.-]*$/, 'must be a queue name such as order.saga');

const manifestSchema = z.strictObject({
  publishes: z.array(eventType).default([]),
  /** Each queue the service consumes and the event types bound to it ('#': every event). */
  consumes: z.record(queueName, z.array(z.union([eventType, z.literal('#')])).min(1)).default({}),
  /** It consumes to watch (a projection, a bridge): no order waits for it to settle. */
  observer: z.boolean().default(false),
  /** Views in its database's `saga_report` schema: what it shows the saga tools of its private state. */
  reports: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a view name such as orders')).default([]),
});

/** `services/<name>/service.yaml`: what the saga tools learn about a service instead of lists of their own. */
export interface ServiceManifest {
  service: string;
  publishes: string[];
  consumes: Record<string, string[]>;
  observer: boolean;
  reports: string[];
}

/** The saga as the lab's services declare it. */
export interface SagaMap {
  /** Services with a database holding the kit's saga_coord and event_store: their outboxes, inboxes and event stores are the saga's record. */
  participants: string[];
  /** Every queue a service consumes, in the order of frank.yaml's services. */
  queues: string[];
  manifests: ServiceManifest[];
  /** Per event type, the queues of the services that must handle it before an order can settle (no observer's). */
  stepQueues: Record<string, string[]>;
  /** Which service reports each `saga_report` view. */
  reports: Record<string, string>;
}

/** A service's manifest; a service without one (the BFF, the provider) publishes and consumes nothing on the broker. */
export async function loadManifest(topology: Pick<Topology, 'root'>, service: string): Promise<ServiceManifest> {
  const file = path.join(serviceDirectory(topology, service), MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { service, publishes: [], consumes: {}, observer: false, reports: [] };
    throw error;
  }
  const { data } = readYamlFile(text, file, manifestSchema, {
    describeKey: (keyPath) => (keyPath.length === 0 ? '(top level)' : keyPath.join('.')),
    describeIssue: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key; a manifest has publishes, consumes, observer and reports` : issue.message),
    hint: 'See services/README.md, "Manifests", for what a manifest holds.',
  });
  return { service, ...data };
}

/** The saga tools' view of the lab: its participants (from frank.yaml's databases) and its queues (from the manifests). */
export async function loadSagaMap(topology: Pick<Topology, 'root' | 'services' | 'resources' | 'links'>): Promise<SagaMap> {
  const manifests = await Promise.all(topology.services.map((s) => loadManifest(topology, s.name)));
  const participants = topology.services
    .filter((service) =>
      topology.links.some((link) => {
        if (link.service !== service.name) return false;
        const resource = topology.resources.find((r) => r.name === link.resource);
        return (
          resource?.kind === 'postgres' &&
          Object.values(resource.databases).some((schemas) => schemas.includes('saga_coord') && schemas.includes('event_store'))
        );
      }),
    )
    .map((s) => s.name);
  const published = manifests.flatMap((m) => m.publishes);
  const stepQueues: Record<string, string[]> = {};
  for (const type of new Set(published)) {
    const queues = manifests
      .filter((m) => !m.observer)
      .flatMap((m) => Object.entries(m.consumes))
      .filter(([, types]) => types.includes(type) || types.includes('#'))
      .map(([queue]) => queue);
    if (queues.length > 0) stepQueues[type] = queues.sort();
  }
  const reports: Record<string, string> = {};
  for (const m of manifests)
    for (const view of m.reports) {
      if (reports[view])
        throw new UsageError(`Both ${reports[view]} and ${m.service} report saga_report.${view} in their manifests.`, {
          hint: 'A report has one owner: rename one of the views (a migration) and its manifest entry.',
        });
      reports[view] = m.service;
    }
  return { participants, queues: manifests.flatMap((m) => Object.keys(m.consumes)), manifests, stepQueues, reports };
}
