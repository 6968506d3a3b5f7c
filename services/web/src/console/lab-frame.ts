import { readDuration } from '@frank/contracts/duration';
import { FAULTS, UNIT_NAME, readFaultValue, type FaultCommand } from '@frank/contracts/faults';
import { killSwitchOf } from '@frank/contracts/flags';
import type { LabResource } from '@frank/contracts/frames';

/** What the BFF's `/api/lab/*` sends: the frame of `frank dashboard --json` and the timeline of `frank saga show --json`. */
export type { FaultInForce, LabFrame, LabResource, RecentSaga, SagaTimeline, TimelineStep } from '@frank/contracts/frames';

export interface FaultForm {
  kind: FaultCommand;
  target: string;
  resource: string;
  value: string;
  for: string;
}

export type FaultFormErrors = Partial<Record<'target' | 'resource' | 'value' | 'for', string>>;

/** The lab's unit names as `frank chaos` takes them for this kind of fault. */
export function targetsFor(kind: FaultCommand, resources: LabResource[], consoleService = 'bff'): string[] {
  const services = resources.filter((r) => r.kind === 'service').map((r) => r.name);
  const others = resources.filter((r) => r.kind !== 'service' && r.kind !== 'toxiproxy').map((r) => r.name);
  switch (kind) {
    case 'kill-service':
      return services.filter((s) => s !== consoleService);
    case 'kill-db':
      return resources.filter((r) => r.kind === 'postgres').map((r) => r.name);
    case 'kill-broker':
      return resources.filter((r) => r.kind === 'rabbitmq').map((r) => r.name);
    case 'partition':
      return services;
    case 'kill-switch':
      return services.filter((s) => killSwitchOf(s) !== undefined);
    default:
      return [...others, ...services];
  }
}

/**
 * Checks the console's fault form before anything is sent: a target of the lab where the kind
 * needs one, the kind's value (a latency, a rate, a size) and "heal after" as a duration.
 */
export function checkFaultForm(form: FaultForm, resources: LabResource[]): FaultFormErrors {
  const spec = FAULTS[form.kind];
  const errors: FaultFormErrors = {};
  const target = form.target.trim();
  const known = new Set(resources.map((r) => r.name));
  if (spec.target) {
    if (!target) errors.target = `Enter ${spec.target}.`;
    else if (!UNIT_NAME.test(target)) errors.target = `"${target}" is not a name of the lab.`;
    else if (resources.length > 0 && !target.split('.').every((part) => known.has(part))) errors.target = `"${target}" is not in the lab.`;
    else if (resources.length > 0 && !target.includes('.') && !targetsFor(form.kind, resources).includes(target))
      errors.target =
        form.kind === 'kill-service' && target === 'bff'
          ? 'The bff serves this console: kill it from a terminal.'
          : `${form.kind} takes ${spec.target}, not ${target}.`;
  }
  const resource = form.resource.trim();
  if (form.kind === 'partition' && resource && resources.length > 0 && !resources.some((r) => r.name === resource && r.kind !== 'service'))
    errors.resource = `"${resource}" is not a resource of the lab.`;
  const value = form.value.trim();
  if (spec.value) {
    if (!value) {
      if (spec.value.required) errors.value = `Enter the ${spec.value.label.toLowerCase()}, e.g. ${spec.value.example}.`;
    } else {
      const read = readFaultValue(spec.value, value);
      if ('problem' in read) errors.value = `${spec.value.label} ${read.problem}.`;
    }
  }
  const hold = form.for.trim();
  if (hold) {
    const read = readDuration(hold);
    if ('problem' in read) errors.for = `Heal after ${read.problem}.`;
  }
  return errors;
}

/** The body of POST /api/lab/faults. */
export function faultRequest(form: FaultForm): Record<string, string> {
  const spec = FAULTS[form.kind];
  const body: Record<string, string> = { kind: form.kind };
  if (spec.target && form.target.trim()) body.target = form.target.trim();
  if (form.kind === 'partition' && form.resource.trim()) body.resource = form.resource.trim();
  if (spec.value && form.value.trim()) body.value = form.value.trim();
  if (form.for.trim()) body.for = form.for.trim();
  return body;
}

/** A flag as `frank flags ls --json` lists it (the fields the console shows). */
export interface LabFlag {
  name: string;
  service: string;
  description: string;
  environments: { name: string; enabled: boolean }[];
  /** What its service reads now; undefined when the service does not answer. */
  seen?: { enabled?: boolean; source: string };
}

/** What `frank flags set --json` answers. */
export interface FlagChange {
  name: string;
  environment: string;
  before: boolean;
  after: boolean;
  seenAfterMs?: number;
}

/** The lab's own environment (`frank flags set` changes this one). */
export const LAB_ENVIRONMENT = 'development';

export function flagIsOn(flag: LabFlag): boolean {
  return flag.environments.find((e) => e.name === LAB_ENVIRONMENT)?.enabled ?? false;
}
