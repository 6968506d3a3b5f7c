import { readDuration } from './duration.js';

/**
 * The fault vocabulary of `frank chaos`: the commands, what each takes, and the grammar of their
 * values. The CLI parses faults with it, the BFF checks the console's requests with it and the
 * console's form offers and checks the same.
 */
export const KILL_COMMANDS = ['kill-db', 'kill-broker', 'kill-service'] as const;
export const LINK_COMMANDS = ['latency', 'timeout', 'reset-peer', 'bandwidth', 'limit-data', 'partition'] as const;
/** Faults that flip a feature flag (contracts flags): `kill-switch payment` turns payment's kill switch on until healed. */
export const FLAG_COMMANDS = ['kill-switch'] as const;
export const FAULT_COMMANDS = [...KILL_COMMANDS, ...LINK_COMMANDS, ...FLAG_COMMANDS] as const;
export type FaultCommand = (typeof FAULT_COMMANDS)[number];

export function isFaultCommand(text: string): text is FaultCommand {
  return (FAULT_COMMANDS as readonly string[]).includes(text);
}

/** The service that serves the console: killing it from the console would leave nobody to heal it. */
export const CONSOLE_SERVICE = 'bff';

/** A name of frank.yaml (`order-db`, `payment`) or a link (`payment.rabbitmq`). */
export const UNIT_NAME = /^[a-z][a-z0-9-]{0,62}(\.[a-z][a-z0-9-]{0,62})?$/;

export type FaultValueKind = 'duration' | 'rate' | 'size';

/** The value a fault takes after its target (`latency order-db 300ms`), and how it is named. */
export interface FaultValue {
  kind: FaultValueKind;
  label: string;
  what: string;
  example: string;
  required: boolean;
}

export interface FaultSpec {
  title: string;
  usage: string;
  /** What the target is, in words; undefined where the fault takes none (kill-broker: the lab's one broker). */
  target: string | undefined;
  value: FaultValue | undefined;
}

export const FAULTS: Record<FaultCommand, FaultSpec> = {
  latency: {
    title: 'latency: slow the links',
    usage: 'latency <target> <latency> [--jitter <duration>]',
    target: 'a resource, service or link',
    value: { kind: 'duration', label: 'Latency', what: 'a latency such as 300ms', example: '300ms', required: true },
  },
  'kill-service': { title: 'kill-service: kill a service', usage: 'kill-service <service>', target: 'a service', value: undefined },
  'kill-db': { title: 'kill-db: kill a database', usage: 'kill-db <service or database>', target: 'a service or its database', value: undefined },
  'kill-broker': { title: 'kill-broker: kill the broker', usage: 'kill-broker', target: undefined, value: undefined },
  'kill-switch': {
    title: "kill-switch: flip a service's kill switch on",
    usage: 'kill-switch <service>',
    target: 'a service with a kill switch',
    value: undefined,
  },
  partition: { title: 'partition: cut links', usage: 'partition <service> <resource>  (or one target)', target: 'a service or a link', value: undefined },
  timeout: {
    title: 'timeout: stall the links',
    usage: 'timeout <target> [<close after>]',
    target: 'a resource, service or link',
    value: { kind: 'duration', label: 'Close after', what: 'a time after which the links close, such as 2s (none: never)', example: '2s', required: false },
  },
  'reset-peer': {
    title: 'reset-peer: reset connections',
    usage: 'reset-peer <target> [<after>]',
    target: 'a resource, service or link',
    value: {
      kind: 'duration',
      label: 'Reset after',
      what: 'a time after which connections are reset, such as 1s (none: at once)',
      example: '1s',
      required: false,
    },
  },
  bandwidth: {
    title: 'bandwidth: cap the links',
    usage: 'bandwidth <target> <KB/s>',
    target: 'a resource, service or link',
    value: { kind: 'rate', label: 'Rate in KB/s', what: 'a rate in KB/s such as 64 or 64KB/s', example: '16', required: true },
  },
  'limit-data': {
    title: 'limit-data: cut after N bytes',
    usage: 'limit-data <target> <bytes, e.g. 64kb>',
    target: 'a resource, service or link',
    value: { kind: 'size', label: 'Size', what: 'a size such as 4096, 64kb or 1mb', example: '64kb', required: true },
  },
};

const RATE = /^(\d{1,9})\s*(?:kb\/s)?$/i;
const SIZE = /^(\d{1,9})\s*(b|kb|mb)?$/i;
const SIZE_UNIT: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/**
 * A fault's value as Toxiproxy takes it (ms for durations, KB/s for a rate, bytes for a size), or
 * what is wrong with it. A duration that is optional may be 0 (never / at once).
 */
export function readFaultValue(value: FaultValue, text: string): { amount: number } | { problem: string } {
  const trimmed = text.trim();
  if (value.kind === 'duration') {
    const read = readDuration(trimmed, { zero: !value.required });
    return 'ms' in read ? { amount: read.ms } : read;
  }
  const match = (value.kind === 'rate' ? RATE : SIZE).exec(trimmed);
  const amount = match ? Number(match[1]) * (value.kind === 'size' ? SIZE_UNIT[match[2]?.toLowerCase() ?? 'b']! : 1) : NaN;
  if (!Number.isSafeInteger(amount) || amount <= 0) return { problem: `takes ${value.what}, not "${text}"` };
  return { amount };
}
