import { FLAG_ENVIRONMENT, FLAG_NAMES, FLAGS, isFlagName, type FlagName, type FlagsView } from '@frank/contracts/flags';
import { setTimeout as sleep } from 'node:timers/promises';
import { FrankError, UsageError } from '../errors.js';
import type { Access } from './kinds/adapter.js';
import { unleashAdmin } from './kinds/unleash.js';
import { serviceAdapter } from './kinds/service.js';
import { runtimeContext, type Lab } from './lab.js';
import type { UnleashResource } from './topology.js';
import type { UnleashAdmin } from './unleash-api.js';

export { FLAG_NAMES, type FlagName } from '@frank/contracts/flags';

/** One flag as `frank flags ls` shows it: its declaration, its state in each environment, and how its service sees it now. */
export interface FlagListing {
  name: FlagName;
  service: string;
  description: string;
  default: boolean;
  exists: boolean;
  environments: { name: string; enabled: boolean }[];
  /** What the service that reads it answers on GET /internal/flags; undefined when it does not answer. */
  seen: { enabled: boolean | undefined; source: FlagsView['source'] } | undefined;
}

export interface FlagChange {
  name: FlagName;
  environment: string;
  before: boolean;
  after: boolean;
  /** From the change in Unleash to the first answer of the flag's service that shows it; undefined when it did not within the wait. */
  seenAfterMs: number | undefined;
}

/** A flag name as the user typed it: one of the vocabulary's, or a usage error that lists them. */
export function parseFlagName(text: string): FlagName {
  if (isFlagName(text)) return text;
  throw new UsageError(`No flag "${text}".`, { hint: `The lab's flags: ${FLAG_NAMES.join(', ')} (see \`npx frank flags ls\`).` });
}

/** `on` or `off` (and their usual spellings), or a usage error. */
export function parseFlagValue(text: string): boolean {
  const value = text.trim().toLowerCase();
  if (['on', 'true', 'enabled', '1'].includes(value)) return true;
  if (['off', 'false', 'disabled', '0'].includes(value)) return false;
  throw new UsageError(`A flag is set "on" or "off", not "${text}".`, { hint: 'E.g. `npx frank flags set payment.kill-switch on`.' });
}

/** Unleash of a lab that is up: its admin API with the lab's token. */
export async function labFlags(lab: Lab): Promise<{ admin: UnleashAdmin; access: Access }> {
  const resource = lab.topology.resources.find((r): r is UnleashResource => r.kind === 'unleash');
  if (!resource)
    throw new FrankError(`${lab.topology.file} has no unleash resource: the lab has no feature flags.`, {
      hint: 'Add `unleash: { kind: unleash, port: 4242, postgres: infrastructure-db, database: unleash }` under resources.',
    });
  if (!lab.isUp || !lab.state) throw new FrankError('The lab is not up: its flags live in Unleash, which runs with it.', { hint: 'Run `npx frank up` first.' });
  const context = await runtimeContext(lab, lab.state.id);
  const access = { topology: lab.topology, credentials: context.credentials };
  return { admin: unleashAdmin(resource, access), access };
}

export async function listFlags(lab: Lab): Promise<FlagListing[]> {
  const { admin, access } = await labFlags(lab);
  return Promise.all(
    FLAG_NAMES.map(async (name) => {
      const spec = FLAGS[name];
      const [state, view] = await Promise.all([admin.state(name), serviceView(access, spec.service)]);
      return {
        name,
        service: spec.service,
        description: spec.description,
        default: spec.default,
        exists: state.exists,
        environments: state.environments,
        seen: view && { enabled: view.flags[name], source: view.source },
      };
    }),
  );
}

/**
 * Sets a flag in the lab's environment (`development`, the one its services read), then waits up
 * to `waitMs` for the service that reads it to answer with the new state.
 */
export async function setFlag(lab: Lab, name: FlagName, to: boolean | 'toggle', options: { waitMs?: number } = {}): Promise<FlagChange> {
  const { admin, access } = await labFlags(lab);
  const state = await admin.state(name);
  if (!state.exists) throw new FrankError(`Unleash has no flag ${name} yet.`, { hint: "`npx frank up` seeds the lab's flags." });
  const before = state.environments.find((e) => e.name === FLAG_ENVIRONMENT)?.enabled ?? false;
  const after = to === 'toggle' ? !before : to;
  const began = performance.now();
  await admin.setEnabled(name, FLAG_ENVIRONMENT, after);
  const seenAfterMs = await waitUntilSeen(access, name, after, began, options.waitMs ?? 10_000);
  return { name, environment: FLAG_ENVIRONMENT, before, after, seenAfterMs };
}

async function waitUntilSeen(access: Access, name: FlagName, enabled: boolean, began: number, waitMs: number): Promise<number | undefined> {
  const service = FLAGS[name].service;
  while (performance.now() - began < waitMs) {
    const view = await serviceView(access, service);
    if (view?.source === 'unleash' && view.flags[name] === enabled) return Math.round(performance.now() - began);
    await sleep(25);
  }
  return undefined;
}

/** GET /internal/flags of a service (the kit answers it): the flags as that service reads them now. */
async function serviceView(access: Access, name: string): Promise<FlagsView | undefined> {
  const service = access.topology.services.find((s) => s.name === name);
  if (!service) return undefined;
  try {
    const response = await fetch(`${serviceAdapter.url(service, access)}/internal/flags`, { signal: AbortSignal.timeout(1000) });
    return response.ok ? ((await response.json()) as FlagsView) : undefined;
  } catch {
    return undefined;
  }
}
