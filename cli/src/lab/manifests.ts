import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { serviceDirectory } from '../runtimes/checkout.js';
import type { Topology } from './topology.js';
import { readYamlFile } from './yaml-file.js';

export const MANIFEST_FILE = 'service.yaml';

const EVENT_TYPE = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;
const eventType = z.string().regex(EVENT_TYPE, 'must be an event type such as order.created');
const queueName = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9.-]*$/, 'must be a queue name such as order.saga');

const manifestSchema = z.strictObject({
  publishes: z.array(eventType).default([]),
  /** Each queue the service consumes and the event types bound to it ('#': every event). */
  consumes: z.record(queueName, z.array(z.union([eventType, z.literal('#')])).min(1)).default({}),
});

/** `services/<name>/service.yaml`: what the saga tools learn about a service instead of lists of their own. */
export interface ServiceManifest {
  service: string;
  publishes: string[];
  consumes: Record<string, string[]>;
}

/** The saga as the lab's services declare it. */
export interface SagaMap {
  /** Services with a database holding the kit's saga_coord and event_store: their outboxes, inboxes and event stores are the saga's record. */
  participants: string[];
  /** Every queue a service consumes, in the order of frank.yaml's services. */
  queues: string[];
  manifests: ServiceManifest[];
}

/** A service's manifest; a service without one (the BFF, the provider) publishes and consumes nothing on the broker. */
export async function loadManifest(topology: Pick<Topology, 'root'>, service: string): Promise<ServiceManifest> {
  const file = path.join(serviceDirectory(topology, service), MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { service, publishes: [], consumes: {} };
    throw error;
  }
  const { data } = readYamlFile(text, file, manifestSchema, {
    describeKey: (keyPath) => (keyPath.length === 0 ? '(top level)' : keyPath.join('.')),
    describeIssue: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key; a manifest has publishes and consumes` : issue.message),
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
  return { participants, queues: manifests.flatMap((m) => Object.keys(m.consumes)), manifests };
}
