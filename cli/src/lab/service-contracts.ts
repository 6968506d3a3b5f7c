import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  commonSettings,
  DEPENDENCY_VARIABLE,
  describeSettings,
  FLAGS_VARIABLE,
  type DependencyKind,
  type SettingDescription,
  type SettingsShape,
} from '@frank/kit/settings';
import { bundleIsCurrent } from '../../bin/bundle-cache.js';
import { FrankError, UsageError } from '../errors.js';
import { bundleForNode, describeBundleFailure, writeBundle } from '../runtimes/node-bundle.js';
import { REPOSITORY_ROOT } from './paths.js';
import { serviceDirectory } from '../runtimes/checkout.js';
import type { ResourceKind, Service, Topology } from './topology.js';

/**
 * What one service reads from its environment, as its `src/settings.ts` declares it (the kit's
 * `defineSettings`): the lab's runtimes, compose and the cloud derive what they give it from this,
 * and check frank.yaml against it.
 */
export interface ServiceContract {
  service: string;
  /** Where it is declared, for messages. */
  file: string;
  settings: SettingsShape;
  described: SettingDescription[];
  /** The Lambda form of a bridge (`lambdaSettings`), when it has one. */
  lambda?: SettingDescription[];
}

export type ServiceContracts = ReadonlyMap<string, ServiceContract>;

/** The declaration module of a service, as `import()` gives it. */
interface SettingsModule {
  settings?: SettingsShape;
  lambdaSettings?: SettingsShape;
}

/**
 * Every service's contract, from its `src/settings.ts` built into `.bundle/settings.mjs` (esbuild;
 * built again only when a file it came from changed) and imported.
 */
export async function loadServiceContracts(topology: Topology): Promise<ServiceContracts> {
  const loaded = await Promise.all(topology.services.map((service) => loadServiceContract(topology, service.name)));
  return new Map(loaded.map((contract) => [contract.service, contract]));
}

export async function loadServiceContract(topology: Topology, service: string): Promise<ServiceContract> {
  const dir = serviceDirectory(topology, service);
  const entry = path.join(dir, 'src', 'settings.ts');
  const file = path.relative(topology.root, entry) || entry;
  if (!existsSync(entry)) {
    throw new FrankError(`Service ${service} declares no settings: ${file} is missing.`, {
      hint: `Every service declares what it reads from its environment in src/settings.ts (see templates/service/src/settings.ts), so that the lab knows what to give it.`,
    });
  }
  const module = (await import(`${pathToFileURL(await settingsBundle(service, dir, entry)).href}?v=${await modifiedMs(entry)}`)) as SettingsModule;
  if (!module.settings)
    throw new FrankError(`${file} exports no \`settings\`.`, {
      hint: 'Export `const settings = defineSettings({...})` from it (see templates/service/src/settings.ts).',
    });
  return {
    service,
    file,
    settings: module.settings,
    described: describeSettings(module.settings),
    ...(module.lambdaSettings ? { lambda: describeSettings(module.lambdaSettings) } : {}),
  };
}

async function modifiedMs(file: string): Promise<number> {
  return (await stat(file)).mtimeMs;
}

async function settingsBundle(service: string, dir: string, entry: string): Promise<string> {
  const outfile = path.join(dir, '.bundle', 'settings.mjs');
  if (await bundleIsCurrent(outfile)) return outfile;
  const startedAtMs = Date.now();
  try {
    await writeBundle(await bundleForNode({ entry, root: REPOSITORY_ROOT, outfile }), outfile, REPOSITORY_ROOT, startedAtMs);
  } catch (error) {
    throw new FrankError(`Cannot read the settings of service ${service}: ${describeBundleFailure(error, REPOSITORY_ROOT)}`, {
      hint: `Fix ${path.relative(process.cwd(), entry)}, then run the command again.`,
      cause: error,
    });
  }
  return outfile;
}

/** The resource kinds a service reaches by a URL setting, the aws resource by its region, Unleash by UNLEASH_URL. */
const LINKED_KINDS: readonly ResourceKind[] = ['postgres', 'rabbitmq', 'mongo', 'redis', 'aws', 'unleash'];

/** The setting that says a service reads what it uses of a kind. */
function readsKind(kind: ResourceKind, setting: SettingDescription): boolean {
  if (kind === 'aws') return setting.source.from === 'aws' && setting.source.part === 'region';
  if (kind === 'unleash') return setting.source.from === 'flags' && setting.source.part === 'url';
  return setting.source.from === 'dependency' && setting.source.kind === kind;
}

function variableOf(kind: ResourceKind): string {
  if (kind === 'aws') return 'AWS_REGION';
  if (kind === 'unleash') return FLAGS_VARIABLE.url;
  return DEPENDENCY_VARIABLE[kind as DependencyKind] ?? kind;
}

/**
 * Where frank.yaml and a service's declared settings disagree, each with the frank.yaml key and
 * what to do: a resource it uses but reads nothing of, one it needs and does not use, a service it
 * needs that the lab lacks, and an `env:` key it does not read or whose value it would refuse.
 */
export function contractProblems(service: Service, topology: Topology, contract: ServiceContract): string[] {
  const at = `services.${service.name}`;
  const problems: string[] = [];
  const declared = contract.described;
  const usedKinds = new Map<ResourceKind, string[]>();
  for (const name of service.uses) {
    const resource = topology.resources.find((r) => r.name === name);
    if (!resource || !LINKED_KINDS.includes(resource.kind)) continue;
    usedKinds.set(resource.kind, [...(usedKinds.get(resource.kind) ?? []), name]);
  }
  for (const [kind, names] of usedKinds) {
    const reads = declared.find((d) => readsKind(kind, d));
    if (!reads)
      problems.push(
        `${at}.uses: ${names.join(', ')} (${kind}): ${service.name} reads nothing of it (${contract.file} declares no ${variableOf(kind)}); remove it from uses, or declare the setting`,
      );
    if (names.length > 1)
      problems.push(`${at}.uses: ${names.join(' and ')} are both ${kind}; a service reads one ${kind === 'aws' ? 'AWS API' : variableOf(kind)}`);
  }
  for (const setting of declared.filter((d) => d.required)) {
    const source = setting.source;
    if (source.from === 'dependency' && !usedKinds.has(source.kind))
      problems.push(`${at}.uses: ${service.name} needs a ${source.kind} resource (${setting.name}: ${setting.description}); add one to its uses`);
    if (source.from === 'aws' && !usedKinds.has('aws'))
      problems.push(`${at}.uses: ${service.name} needs the aws resource (${setting.name}); add it to its uses`);
    if (source.from === 'service' && !topology.services.some((s) => s.name === source.service))
      problems.push(`${at}: ${service.name} needs service ${source.service} (${setting.name}: ${setting.description}), which frank.yaml does not declare`);
    if (source.from === 'tunable' && service.env[setting.name] === undefined) problems.push(`${at}.env.${setting.name}: required (${setting.description})`);
  }
  // Its own knobs first, then those every service has (the kit's).
  const tunables = declared
    .filter((d) => d.source.from === 'tunable')
    .map((d) => d.name)
    .sort((a, b) => Number(a in commonSettings) - Number(b in commonSettings));
  for (const [key, value] of Object.entries(service.env)) {
    const setting = declared.find((d) => d.name === key);
    if (!setting) {
      problems.push(
        `${at}.env.${key}: ${service.name} does not read ${key}${tunables.length > 0 ? ` (its settings: ${tunables.join(', ')})` : ' (it has no settings to tune)'}`,
      );
      continue;
    }
    if (setting.source.from !== 'tunable') {
      problems.push(`${at}.env.${key}: the lab sets ${key} itself (${setting.description}); remove it from env`);
      continue;
    }
    const parsed = contract.settings[key]!.schema.safeParse(value);
    if (!parsed.success)
      problems.push(`${at}.env.${key}: ${JSON.stringify(value)} is refused: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  return problems;
}

/** Every service's problems at once, as one usage error naming frank.yaml. */
export function assertContracts(topology: Topology, contracts: ServiceContracts): void {
  const problems = topology.services.flatMap((service) => contractProblems(service, topology, contractOf(contracts, service.name)));
  if (problems.length === 0) return;
  throw new UsageError(`${topology.file}: ${problems.length === 1 ? problems[0] : `\n  ${problems.join('\n  ')}`}`, {
    hint: "Each service's src/settings.ts says what it reads; frank.yaml's uses and env must give exactly that.",
  });
}

export function contractOf(contracts: ServiceContracts, service: string): ServiceContract {
  const contract = contracts.get(service);
  if (!contract) throw new Error(`no settings loaded for service ${service}`);
  return contract;
}
