import { HttpError } from '@frank/kit';

/** The faults of `frank chaos` the console may inject; anything else is refused before the CLI runs. */
export const FAULT_KINDS = ['kill-db', 'kill-broker', 'kill-service', 'latency', 'timeout', 'reset-peer', 'bandwidth', 'limit-data', 'partition'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What each kind's `value` is, and whether it must be given: the CLI's second argument. */
const VALUES: Partial<Record<FaultKind, { what: string; required: boolean; parse: (text: string) => string | undefined }>> = {
  latency: { what: 'a latency such as 300ms', required: true, parse: (t) => durationOrUndefined(t, false) },
  timeout: { what: 'a time after which the links close, such as 2s (empty: never)', required: false, parse: (t) => durationOrUndefined(t, true) },
  'reset-peer': { what: 'a time after which connections are reset, such as 1s (empty: at once)', required: false, parse: (t) => durationOrUndefined(t, true) },
  bandwidth: { what: 'a rate in KB/s, a whole number such as 16', required: true, parse: (t) => (/^\d{1,9}$/.test(t) && Number(t) > 0 ? t : undefined) },
  'limit-data': {
    what: 'a size such as 64kb or 1mb',
    required: true,
    parse: (t) => (/^\d{1,9}(b|kb|mb)?$/i.test(t) && Number.parseInt(t, 10) > 0 ? t.toLowerCase() : undefined),
  },
};

/** A name of frank.yaml (`order-db`, `payment`) or a link (`payment.rabbitmq`). */
const NAME = /^[a-z][a-z0-9-]{0,62}(\.[a-z][a-z0-9-]{0,62})?$/;
const DURATION = /^(\d{1,6}(?:\.\d{1,3})?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The service that serves the console: killing it from the console would leave nobody to heal it. */
export const CONSOLE_SERVICE = 'bff';

/** "300ms", "10s", "1.5m": the text back when it is one (0 only when allowed, at most 24 h), else undefined. */
export function durationOrUndefined(text: string, zero: boolean): string | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  if ((ms === 0 && !zero) || ms > 24 * 3_600_000) return undefined;
  return text;
}

/** A checked fault request: the words of `frank chaos` and its `--for`. */
export interface FaultRequest {
  kind: FaultKind;
  words: string[];
  for: string | undefined;
}

/** What the lab knows of its units (from the latest frame), to refuse names not in frank.yaml before the CLI runs. */
export interface KnownUnits {
  names: Map<string, string>;
}

function refuse(status: 400 | 422, field: string, message: string): never {
  throw new HttpError(status, status === 400 ? 'validation-failed' : 'unprocessable', `${field}: ${message}`, { field });
}

function text(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') refuse(400, field, 'must be a string');
  const trimmed = value.trim();
  if (trimmed.length > 100) refuse(400, field, 'is too long');
  return trimmed === '' ? undefined : trimmed;
}

function unit(body: Record<string, unknown>, field: string, known: KnownUnits | undefined, allowed: (kind: string) => boolean, what: string): string {
  const name = text(body, field);
  if (!name) refuse(400, field, `give ${what}`);
  if (!NAME.test(name)) refuse(400, field, `"${name}" is not a name of frank.yaml (lower-case letters, digits and dashes; a link as service.resource)`);
  if (known && !name.includes('.')) {
    const kind = known.names.get(name);
    if (kind === undefined) refuse(422, field, `"${name}" is not in the lab; give ${what}`);
    if (!allowed(kind)) refuse(422, field, `"${name}" is a ${kind}; give ${what}`);
  }
  if (known && name.includes('.')) {
    const [service, resource] = name.split('.') as [string, string];
    if (known.names.get(service) !== 'service' || !known.names.has(resource)) refuse(422, field, `"${name}" is not a link of the lab (service.resource)`);
  }
  return name;
}

/**
 * Checks a POST /api/lab/faults body: the kind from the allow-list, its target (and resource, for
 * a partition) shaped like a name of frank.yaml and, when the lab's units are known, one of them,
 * the value the kind takes, and `for` a duration. Refused: 400 (malformed) or 422 (not in the
 * lab), naming the field. The CLI checks it all again against frank.yaml.
 */
export function parseFaultRequest(body: unknown, known?: KnownUnits): FaultRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) refuse(400, 'body', 'send a JSON object {kind, target, value, for}');
  const b = body as Record<string, unknown>;
  const kind = text(b, 'kind');
  if (!kind || !(FAULT_KINDS as readonly string[]).includes(kind)) refuse(400, 'kind', `must be one of ${FAULT_KINDS.join(', ')}`);
  const k = kind as FaultKind;
  const words: string[] = [k];
  const anyUnit = () => true;
  const notService = (kind: string) => kind !== 'service';
  switch (k) {
    case 'kill-db':
      words.push(unit(b, 'target', known, (kind) => kind === 'postgres' || kind === 'service', 'a service or its database, e.g. payment or payment-db'));
      break;
    case 'kill-broker': {
      const broker = text(b, 'target');
      if (broker !== undefined) words.push(unit(b, 'target', known, (kind) => kind === 'rabbitmq', 'the broker, e.g. rabbitmq'));
      break;
    }
    case 'kill-service': {
      const service = unit(b, 'target', known, (kind) => kind === 'service', 'a service, e.g. inventory');
      if (service === CONSOLE_SERVICE)
        refuse(422, 'target', `the ${CONSOLE_SERVICE} serves this console: kill it from a terminal (npx frank chaos kill-service ${CONSOLE_SERVICE})`);
      words.push(service);
      break;
    }
    case 'partition': {
      words.push(unit(b, 'target', known, anyUnit, 'a service, e.g. payment, or a link, e.g. payment.rabbitmq'));
      if (text(b, 'resource') !== undefined) words.push(unit(b, 'resource', known, notService, 'a resource the service uses, e.g. rabbitmq'));
      break;
    }
    default: {
      words.push(unit(b, 'target', known, anyUnit, 'a resource (order-db), a service (payment) or a link (payment.rabbitmq)'));
      const rule = VALUES[k]!;
      const value = text(b, 'value');
      if (value === undefined) {
        if (rule.required) refuse(400, 'value', `give ${rule.what}`);
      } else {
        const parsed = rule.parse(value);
        if (parsed === undefined) refuse(400, 'value', `give ${rule.what}, not "${value}"`);
        words.push(parsed);
      }
    }
  }
  const hold = text(b, 'for');
  if (hold !== undefined && durationOrUndefined(hold, false) === undefined)
    refuse(400, 'for', `give a duration such as 30s or 2m (at most 24h), not "${hold}"`);
  return { kind: k, words, for: hold };
}
