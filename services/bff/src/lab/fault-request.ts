import { readDuration } from '@frank/contracts/duration';
import { CONSOLE_SERVICE, FAULT_COMMANDS, FAULTS, UNIT_NAME, isFaultCommand, readFaultValue, type FaultCommand } from '@frank/contracts/faults';
import { HttpError } from '@frank/kit';

export { CONSOLE_SERVICE } from '@frank/contracts/faults';

/** A checked fault request: the words of `frank chaos` and its `--for`. */
export interface FaultRequest {
  kind: FaultCommand;
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
  if (!UNIT_NAME.test(name)) refuse(400, field, `"${name}" is not a name of frank.yaml (lower-case letters, digits and dashes; a link as service.resource)`);
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
  if (!kind || !isFaultCommand(kind)) refuse(400, 'kind', `must be one of ${FAULT_COMMANDS.join(', ')}`);
  const k: FaultCommand = kind;
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
    case 'kill-switch':
      words.push(unit(b, 'target', known, (kind) => kind === 'service', 'a service with a kill switch, e.g. payment'));
      break;
    case 'partition': {
      words.push(unit(b, 'target', known, anyUnit, 'a service, e.g. payment, or a link, e.g. payment.rabbitmq'));
      if (text(b, 'resource') !== undefined) words.push(unit(b, 'resource', known, notService, 'a resource the service uses, e.g. rabbitmq'));
      break;
    }
    default: {
      words.push(unit(b, 'target', known, anyUnit, 'a resource (order-db), a service (payment) or a link (payment.rabbitmq)'));
      const rule = FAULTS[k].value!;
      const value = text(b, 'value');
      if (value === undefined) {
        if (rule.required) refuse(400, 'value', `give ${rule.what}`);
      } else {
        const read = readFaultValue(rule, value);
        if ('problem' in read) refuse(400, 'value', read.problem);
        words.push(value);
      }
    }
  }
  const hold = text(b, 'for');
  const holdFor = hold === undefined ? undefined : readDuration(hold);
  if (holdFor && 'problem' in holdFor) refuse(400, 'for', holdFor.problem);
  return { kind: k, words, for: hold };
}
