import { UsageError } from '../errors.js';
import type { Link, Topology } from '../lab/topology.js';
import { killSwitchOf, type FlagName } from '@frank/contracts/flags';
import {
  FAULTS,
  FLAG_COMMANDS,
  KILL_COMMANDS,
  LINK_COMMANDS,
  FAULT_COMMANDS,
  isFaultCommand,
  readFaultValue,
  type FaultCommand,
  type FaultValue,
} from '@frank/contracts/faults';
import { formatDuration, parseDuration } from '../lab/duration.js';

export { FAULT_COMMANDS, type FaultCommand } from '@frank/contracts/faults';

/** A unit killed (SIGKILL / docker kill) and, on heal, restarted from its data. */
export interface KillFault {
  kind: 'kill';
  command: (typeof KILL_COMMANDS)[number];
  unit: string;
  label: string;
}

/** Toxiproxy's toxic types and their attributes (https://github.com/Shopify/toxiproxy#toxics). */
export type Toxic =
  | { type: 'latency'; attributes: { latency: number; jitter: number } }
  | { type: 'timeout'; attributes: { timeout: number } }
  | { type: 'reset_peer'; attributes: { timeout: number } }
  | { type: 'bandwidth'; attributes: { rate: number } }
  | { type: 'limit_data'; attributes: { bytes: number } };

/** Links cut (a disabled proxy) or given a toxic. */
export interface LinkFault {
  kind: 'link';
  command: (typeof LINK_COMMANDS)[number];
  /** What the user named: a resource (every link to it), a service (every link of it) or one link. */
  target: string;
  links: string[];
  /** Absent for a partition. */
  toxic?: Toxic;
  label: string;
}

/** A feature flag turned on (Unleash) until healed: `kill-switch payment` flips payment's kill switch. */
export interface FlagFault {
  kind: 'flag';
  command: (typeof FLAG_COMMANDS)[number];
  service: string;
  flag: FlagName;
  label: string;
}

export type Fault = KillFault | LinkFault | FlagFault;

export interface FaultFlags {
  /** `--jitter`, for latency only. */
  jitter?: string;
}

/**
 * Parses `words` (the command and its arguments, as `frank chaos` takes them: `kill-db payment`,
 * `latency order-db 300ms`) into a fault of this topology: a name that is not in frank.yaml is a
 * usage error that lists what is allowed.
 */
export function parseFault(words: string[], topology: Topology, flags: FaultFlags = {}): Fault {
  const [command, ...args] = words;
  if (!command || !isFaultCommand(command)) {
    throw new UsageError(command ? `"${command}" is not a fault.` : 'Which fault?', {
      hint: `Use one of: ${FAULT_COMMANDS.join(', ')}. E.g. \`frank chaos run kill-db payment\`.`,
    });
  }
  const fault: FaultCommand = command;
  if (flags.jitter !== undefined && fault !== 'latency') throw new UsageError(`--jitter goes with latency, not with ${fault}.`);
  const arity = (min: number, max: number) => {
    if (args.length < min || args.length > max) {
      throw new UsageError(
        `${args.length < min ? 'Missing' : 'Too many'} arguments for ${fault}: ${args.length ? args.map((a) => `"${a}"`).join(' ') : 'none given'}.`,
        { hint: `Usage: frank chaos ${FAULTS[fault].usage}` },
      );
    }
  };
  switch (fault) {
    case 'kill-db': {
      arity(1, 1);
      const unit = databaseOf(args[0]!, topology);
      return { kind: 'kill', command: fault, unit, label: `kill-db ${unit}` };
    }
    case 'kill-broker': {
      arity(0, 1);
      const brokers = topology.resources.filter((r) => r.kind === 'rabbitmq').map((r) => r.name);
      const unit = args[0] ?? brokers[0];
      if (!unit || !brokers.includes(unit)) {
        throw new UsageError(brokers.length ? `"${args[0]}" is not a broker of ${topology.file}.` : `${topology.file} has no broker (kind: rabbitmq).`, {
          hint: brokers.length ? `Use one of: ${brokers.join(', ')}.` : undefined,
        });
      }
      return { kind: 'kill', command: fault, unit, label: 'kill-broker' + (brokers.length > 1 ? ` ${unit}` : '') };
    }
    case 'kill-service': {
      arity(1, 1);
      const services = topology.services.map((s) => s.name);
      if (!services.includes(args[0]!)) throw new UsageError(`No service "${args[0]}" in ${topology.file}.`, { hint: `Use one of: ${services.join(', ')}.` });
      return { kind: 'kill', command: fault, unit: args[0]!, label: `kill-service ${args[0]}` };
    }
    case 'kill-switch': {
      arity(1, 1);
      const service = args[0]!;
      const flag = killSwitchOf(service);
      const switchable = topology.services.map((s) => s.name).filter((name) => killSwitchOf(name) !== undefined);
      if (!topology.services.some((s) => s.name === service) || !flag)
        throw new UsageError(
          `${topology.services.some((s) => s.name === service) ? `Service ${service} has no kill switch` : `No service "${service}" in ${topology.file}`}.`,
          {
            hint: switchable.length ? `Services with a kill switch: ${switchable.join(', ')}.` : 'No service of this lab reads a kill switch.',
          },
        );
      return { kind: 'flag', command: fault, service, flag, label: `kill-switch ${service}` };
    }
    case 'partition': {
      arity(1, 2);
      const target = args.length === 2 ? linkBetween(args[0]!, args[1]!, topology) : args[0]!;
      const links = resolveLinks(target, topology);
      return { kind: 'link', command: fault, target, links, label: `partition ${target}` };
    }
    case 'latency': {
      arity(2, 2);
      const latency = parseDuration(args[1]!, 'The latency');
      const jitter = flags.jitter === undefined ? 0 : parseDuration(flags.jitter, '--jitter', { zero: true });
      return linkFault(
        fault,
        args[0]!,
        topology,
        { type: 'latency', attributes: { latency, jitter } },
        `${formatDuration(latency)}${jitter ? `±${formatDuration(jitter)}` : ''}`,
      );
    }
    case 'timeout':
    case 'reset-peer': {
      arity(1, 2);
      const after = args[1] === undefined ? 0 : parseDuration(args[1], `${fault}'s time`, { zero: true });
      const type = fault === 'timeout' ? 'timeout' : 'reset_peer';
      return linkFault(fault, args[0]!, topology, { type, attributes: { timeout: after } }, after ? formatDuration(after) : '');
    }
    case 'bandwidth': {
      arity(2, 2);
      const rate = amountOf(FAULTS.bandwidth.value!, args[1]!, 'The bandwidth');
      return linkFault(fault, args[0]!, topology, { type: 'bandwidth', attributes: { rate } }, `${rate}KB/s`);
    }
    case 'limit-data': {
      arity(2, 2);
      const bytes = amountOf(FAULTS['limit-data'].value!, args[1]!, 'The data limit');
      return linkFault(fault, args[0]!, topology, { type: 'limit_data', attributes: { bytes } }, `${args[1]!.toLowerCase()}`);
    }
  }
}

function linkFault(command: LinkFault['command'], target: string, topology: Topology, toxic: Toxic, shown: string): LinkFault {
  return { kind: 'link', command, target, links: resolveLinks(target, topology), toxic, label: `${command} ${target}${shown ? ` ${shown}` : ''}` };
}

function amountOf(value: FaultValue, text: string, what: string): number {
  const read = readFaultValue(value, text);
  if ('problem' in read) throw new UsageError(`${what} ${read.problem}.`);
  return read.amount;
}

/** The database resource `kill-db` means: a postgres resource by name, or the one a service uses. */
export function databaseOf(name: string, topology: Topology): string {
  const databases = topology.resources.filter((r) => r.kind === 'postgres').map((r) => r.name);
  if (databases.includes(name)) return name;
  const owned = topology.links.find((l) => l.service === name && databases.includes(l.resource));
  if (owned) return owned.resource;
  const owners = topology.services.filter((s) => topology.links.some((l) => l.service === s.name && databases.includes(l.resource))).map((s) => s.name);
  const isService = topology.services.some((s) => s.name === name);
  throw new UsageError(isService ? `Service ${name} has no database.` : `No service or database "${name}" in ${topology.file}.`, {
    hint: `Use a service with a database (${owners.join(', ')}) or a database (${databases.join(', ')}).`,
  });
}

/** `partition payment rabbitmq`: the one link from the service to the resource. */
function linkBetween(service: string, resource: string, topology: Topology): string {
  const name = `${service}.${resource}`;
  if (topology.links.some((l) => l.name === name)) return name;
  if (!topology.services.some((s) => s.name === service)) {
    throw new UsageError(`No service "${service}" in ${topology.file}.`, { hint: `Use one of: ${topology.services.map((s) => s.name).join(', ')}.` });
  }
  const own = topology.links.filter((l) => l.service === service).map((l) => l.resource);
  throw new UsageError(`Service ${service} does not use "${resource}": there is no link ${name}.`, {
    hint: own.length ? `${service} uses ${own.join(', ')}: e.g. \`frank chaos partition ${service} ${own[0]}\`.` : `${service} uses nothing through Toxiproxy.`,
  });
}

/** A resource (every link to it), a service (every link of it) or a link by name (`payment.rabbitmq`). */
export function resolveLinks(target: string, topology: Topology): string[] {
  const pick = (test: (l: Link) => boolean) => topology.links.filter(test).map((l) => l.name);
  if (topology.links.some((l) => l.name === target)) return [target];
  const resource = topology.resources.find((r) => r.name === target);
  if (resource) {
    const links = pick((l) => l.resource === target);
    if (links.length === 0)
      throw new UsageError(`No service reaches ${target} through Toxiproxy: there is no link to fault.`, {
        hint: `Use a resource that services use: ${usedResources(topology).join(', ')}.`,
      });
    return links;
  }
  if (topology.services.some((s) => s.name === target)) {
    const links = pick((l) => l.service === target);
    if (links.length === 0) throw new UsageError(`Service ${target} uses nothing through Toxiproxy: there is no link to fault.`);
    return links;
  }
  throw new UsageError(`No resource, service or link "${target}" in ${topology.file}.`, {
    hint: `Use a resource (every link to it: ${usedResources(topology).join(', ')}), a service (every link of it: ${topology.services.map((s) => s.name).join(', ')}) or one link <service>.<resource> (e.g. ${topology.links[0]?.name ?? 'order.order-db'}).`,
  });
}

function usedResources(topology: Topology): string[] {
  return topology.resources.filter((r) => topology.links.some((l) => l.resource === r.name)).map((r) => r.name);
}
