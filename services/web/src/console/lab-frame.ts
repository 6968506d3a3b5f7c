/** What the BFF's `/api/lab/*` sends: the frame of `frank dashboard --json` and the timeline of `frank saga show --json`. */
export interface LabResource {
  name: string;
  kind: string;
  phase: string;
  /** healthy, degraded (a service alive and waiting for something down), unhealthy or stopped. */
  health: string;
  /** What a degraded service waits for. */
  waitingFor?: string[];
}

export interface RecentSaga {
  orderId: string;
  sagaId: string;
  orderStatus: string;
  sagaStatus: string | null;
  sagaStep: string | null;
  totalCents: number;
  cancelReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface FaultInForce {
  id: string;
  label: string;
  injectedAt: string;
  healAt?: string;
  trigger?: string;
  pid: number;
}

export interface LabFrame {
  at: string;
  resources: LabResource[];
  orders: Record<string, number>;
  settledPerSecond: number | null;
  queues: { queue: string; messages: number | null }[];
  outbox: Record<string, number>;
  sagas: RecentSaga[];
  faults: FaultInForce[];
}

export interface TimelineStep {
  eventId: string;
  type: string;
  service: string;
  at: string;
  offsetMs: number;
  dispatchMs: number | null;
  external: boolean;
  consumers: { handler: string; service: string; receivedAt: string; gapMs: number | null }[];
}

export interface SagaTimeline {
  orderId: string;
  sagaId: string | null;
  order: { status: string; totalCents: number; cancelReason: string | null } | null;
  saga: { step: string; status: string } | null;
  payment: { status: string; failureReason: string | null } | null;
  steps: TimelineStep[];
  durationMs: number | null;
}

/** The faults of `frank chaos`, what each asks for, and how the console names them. */
export const FAULT_KINDS = {
  latency: {
    title: 'latency: slow the links',
    target: 'a resource, service or link',
    value: { label: 'Latency', example: '300ms', required: true, kind: 'duration' },
  },
  'kill-service': { title: 'kill-service: kill a service', target: 'a service', value: undefined },
  'kill-db': { title: 'kill-db: kill a database', target: 'a service or its database', value: undefined },
  'kill-broker': { title: 'kill-broker: kill the broker', target: undefined, value: undefined },
  partition: { title: 'partition: cut links', target: 'a service or a link', value: undefined },
  timeout: {
    title: 'timeout: stall the links',
    target: 'a resource, service or link',
    value: { label: 'Close after', example: '2s', required: false, kind: 'duration' },
  },
  'reset-peer': {
    title: 'reset-peer: reset connections',
    target: 'a resource, service or link',
    value: { label: 'Reset after', example: '1s', required: false, kind: 'duration' },
  },
  bandwidth: {
    title: 'bandwidth: cap the links',
    target: 'a resource, service or link',
    value: { label: 'Rate in KB/s', example: '16', required: true, kind: 'rate' },
  },
  'limit-data': {
    title: 'limit-data: cut after N bytes',
    target: 'a resource, service or link',
    value: { label: 'Size', example: '64kb', required: true, kind: 'size' },
  },
} as const satisfies Record<
  string,
  { title: string; target: string | undefined; value: { label: string; example: string; required: boolean; kind: 'duration' | 'rate' | 'size' } | undefined }
>;
export type FaultKind = keyof typeof FAULT_KINDS;

export interface FaultForm {
  kind: FaultKind;
  target: string;
  resource: string;
  value: string;
  for: string;
}

export type FaultFormErrors = Partial<Record<'target' | 'resource' | 'value' | 'for', string>>;

const DURATION = /^(\d{1,6}(?:\.\d{1,3})?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)?$/;

/** A duration's problem in words, or undefined when it is one: 300ms, 10s, 1.5m, 1h (0 only where allowed, at most 24h). */
export function durationProblem(text: string, zero = false): string | undefined {
  const match = DURATION.exec(text);
  if (!match) {
    if (/^\d+(\.\d+)?$/.test(text)) return `add a unit: ${text}ms or ${text}s`;
    return `"${text}" is not a duration such as 300ms, 10s or 2m`;
  }
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  if (ms === 0 && !zero) return 'it must be longer than 0';
  if (ms > 24 * 3_600_000) return 'it must be at most 24h';
  return undefined;
}

/** The lab's unit names as `frank chaos` takes them for this kind of fault. */
export function targetsFor(kind: FaultKind, resources: LabResource[], consoleService = 'bff'): string[] {
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
    default:
      return [...others, ...services];
  }
}

/**
 * Checks the console's fault form before anything is sent: a target of the lab where the kind
 * needs one, the kind's value (a latency, a rate, a size) and "heal after" as a duration.
 */
export function checkFaultForm(form: FaultForm, resources: LabResource[]): FaultFormErrors {
  const spec = FAULT_KINDS[form.kind];
  const errors: FaultFormErrors = {};
  const target = form.target.trim();
  const known = new Set(resources.map((r) => r.name));
  if (spec.target) {
    if (!target) errors.target = `Enter ${spec.target}.`;
    else if (!NAME.test(target)) errors.target = `"${target}" is not a name of the lab.`;
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
    } else if (spec.value.kind === 'duration') {
      const problem = durationProblem(value, !spec.value.required);
      if (problem) errors.value = `${spec.value.label}: ${problem}.`;
    } else if (spec.value.kind === 'rate' && !(/^\d{1,9}$/.test(value) && Number(value) > 0))
      errors.value = `${spec.value.label}: a whole number above 0, e.g. 16.`;
    else if (spec.value.kind === 'size' && !(/^\d{1,9}(b|kb|mb)?$/i.test(value) && Number.parseInt(value, 10) > 0))
      errors.value = `${spec.value.label}: a size such as 64kb or 1mb.`;
  }
  const hold = form.for.trim();
  if (hold) {
    const problem = durationProblem(hold);
    if (problem) errors.for = `Heal after: ${problem}.`;
  }
  return errors;
}

/** The body of POST /api/lab/faults. */
export function faultRequest(form: FaultForm): Record<string, string> {
  const spec = FAULT_KINDS[form.kind];
  const body: Record<string, string> = { kind: form.kind };
  if (spec.target && form.target.trim()) body.target = form.target.trim();
  if (form.kind === 'partition' && form.resource.trim()) body.resource = form.resource.trim();
  if (spec.value && form.value.trim()) body.value = form.value.trim();
  if (form.for.trim()) body.for = form.for.trim();
  return body;
}
