import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { addServiceToTopology } from '../lab/add-service-to-topology.js';
import { envName } from '../lab/kinds/adapter.js';
import { EVENT_TYPE, loadSagaMap } from '../lab/manifests.js';
import { REPOSITORY_ROOT } from '../lab/paths.js';
import { labPorts, parseTopology, type Topology } from '../lab/topology.js';
import { renderTemplate } from './render-template.js';

export interface NewServiceOptions {
  name: string;
  /** The event after which it takes its saga step: one a service of the lab publishes. */
  after?: string;
  /** The event it publishes when its step is done; `<name>.completed` by default. */
  emits?: string;
  /** frank.yaml; the service goes to services/<name> beside it. */
  topologyFile: string;
  templateDir?: string;
}

export interface NewServiceResult {
  service: string;
  port: number;
  directory: string;
  files: string[];
  resource: { name: string; port: number; database: string; schema: string };
  saga: { after: string; emits: string; queue: string };
  topologyFile: string;
}

export const SERVICE_TEMPLATE_DIR = path.join(REPOSITORY_ROOT, 'templates', 'service');

const SERVICE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
// `<name>_service` must stay within PostgreSQL's 63-byte identifiers.
const MAX_NAME_LENGTH = 40;
const FIRST_POSTGRES_PORT = 5432;
const FIRST_SERVICE_PORT = 3000;

/**
 * Scaffolds services/<name> from the template and adds `<name>-db` and the service to frank.yaml.
 * Everything is checked before anything is written; a failure while writing removes the folder.
 */
export async function newService(options: NewServiceOptions): Promise<NewServiceResult> {
  const { name, topologyFile } = options;
  const text = await readFile(topologyFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`Cannot read ${topologyFile}: ${error.code ?? error.message}`);
  });
  const topology = parseTopology(text, topologyFile, { portOffset: 0 });
  const root = topology.root;
  const resourceName = `${name}-db`;
  const directory = path.join(root, 'services', name);
  const shown = path.relative(process.cwd(), directory) || directory;
  assertNewName(name, resourceName, topology, directory, shown);
  const saga = await sagaStepOf(name, options, topology);

  const snake = name.replace(/-/g, '_');
  const database = `${snake}_service`;
  const schema = `${snake}_domain`;
  const dbPort = nextFreePort(
    topology,
    topology.resources.filter((r) => r.kind === 'postgres').map((r) => r.port),
    FIRST_POSTGRES_PORT,
  );
  const port = nextFreePort(
    topology,
    topology.services.map((s) => s.port),
    FIRST_SERVICE_PORT,
    [dbPort],
  );
  const newText = addServiceToTopology(text, topologyFile, {
    service: name,
    port,
    uses: [resourceName, rabbitmqOf(topology)],
    database: { resource: resourceName, port: dbPort, name: database, schemas: [schema, 'saga_coord', 'event_store'] },
  });

  const files = await renderTemplate(options.templateDir ?? SERVICE_TEMPLATE_DIR, {
    name,
    schema,
    database,
    dbResource: resourceName,
    dbPort: String(dbPort),
    port: String(port),
    databaseUrlVariable: `${envName(database)}_DATABASE_URL`,
    after: saga.after,
    emits: saga.emits,
  });
  try {
    for (const file of files) {
      const target = path.join(directory, file.path);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.content, { flag: 'wx' });
    }
    await writeFile(topologyFile, newText);
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    service: name,
    port,
    directory,
    files: files.map((f) => f.path),
    resource: { name: resourceName, port: dbPort, database, schema },
    saga,
    topologyFile,
  };
}

function assertNewName(name: string, resourceName: string, topology: Topology, directory: string, shown: string): void {
  if (!SERVICE_NAME.test(name) || name.length > MAX_NAME_LENGTH) {
    throw new UsageError(
      `"${name}" is not a service name: use lowercase letters, digits and single dashes, starting with a letter, at most ${MAX_NAME_LENGTH} characters.`,
      {
        hint: 'e.g. `npx frank new service shipping` or `npx frank new service gift-cards`.',
      },
    );
  }
  if (topology.services.some((s) => s.name === name))
    throw new UsageError(`There is already a service "${name}" in ${topology.file}.`, { hint: 'Pick another name.' });
  for (const taken of [name, resourceName]) {
    if (topology.resources.some((r) => r.name === taken))
      throw new UsageError(`"${taken}" is already a resource in ${topology.file}.`, { hint: 'Pick another name.' });
  }
  if (existsSync(directory))
    throw new UsageError(`${shown} already exists; frank new does not overwrite it.`, { hint: 'Pick another name, or remove the folder first.' });
}

/** The step a new service takes unless told otherwise: after the payment, like shipping would. */
export const DEFAULT_AFTER = 'payment.completed';

/** `--after` must be an event some service of the lab publishes (its manifest says so); `--emits` one nobody publishes yet. */
async function sagaStepOf(name: string, options: NewServiceOptions, topology: Topology): Promise<{ after: string; emits: string; queue: string }> {
  const after = options.after ?? DEFAULT_AFTER;
  const emits = options.emits ?? `${name}.completed`;
  const published = new Map((await loadSagaMap(topology)).manifests.flatMap((m) => m.publishes.map((type) => [type, m.service] as const)));
  if (!published.has(after))
    throw new UsageError(`--after "${after}" is not an event of this lab.`, {
      hint: `Use one the services publish (their service.yaml): ${[...published.keys()].sort().join(', ')}.`,
    });
  if (!EVENT_TYPE.test(emits))
    throw new UsageError(`--emits "${emits}" is not an event type: use <noun>.<past-tense verb>, lowercase with dashes, e.g. ${name}.scheduled.`);
  if (published.has(emits) || emits === `${name}.item-created`)
    throw new UsageError(`--emits "${emits}" is already published by ${published.get(emits) ?? name}: an event has one publisher.`, {
      hint: `Pick a name of its own, e.g. ${name}.scheduled.`,
    });
  return { after, emits, queue: `${name}.saga` };
}

function rabbitmqOf(topology: Topology): string {
  const broker = topology.resources.find((r) => r.kind === 'rabbitmq');
  if (!broker)
    throw new UsageError(`${topology.file} has no rabbitmq resource; a new service publishes its events through one.`, {
      hint: 'Add a resource with kind: rabbitmq first.',
    });
  return broker.name;
}

/** One above the highest of `siblings` (their pattern), skipping any port the lab already listens on. */
function nextFreePort(topology: Topology, siblings: number[], first: number, alsoTaken: number[] = []): number {
  const taken = new Set([...labPorts(topology).map((p) => p.port), ...alsoTaken]);
  let port = siblings.length > 0 ? Math.max(...siblings) + 1 : first;
  while (taken.has(port)) port++;
  return port;
}
