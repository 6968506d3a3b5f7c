import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FrankError } from '../../errors.js';
import type { RabbitmqResource } from '../../lab/lab-types.js';
import type { RuntimeContext } from '../runtime.js';
import type { LaunchSpec } from './launch-spec.js';
import { findRabbitmqServer, INSTALL_HINT } from './programs.js';
import { trimmedServerHome } from './rabbitmq-server-home.js';

/**
 * RabbitMQ isolated per lab: its own node name, ports, epmd port, mnesia and config under
 * `.frank/data/<name>`, logging to stdout (the lab log). Runs as the current user: Debian's
 * /usr/sbin wrapper, which switches to the `rabbitmq` user, is bypassed.
 */
export async function prepareRabbitmq(resource: RabbitmqResource, context: RuntimeContext): Promise<LaunchSpec> {
  const server = findRabbitmqServer();
  if (!server) throw new FrankError('rabbitmq-server is not installed.', { hint: INSTALL_HINT['rabbitmq-server'] });
  const dir = context.paths.data(resource.name);
  const home = path.join(dir, 'home');
  await Promise.all(['mnesia', 'log', 'home'].map((sub) => mkdir(path.join(dir, sub), { recursive: true })));
  const { user, password } = context.credentials.rabbitmq;
  const config = path.join(dir, 'rabbitmq.conf');
  await writeFile(
    config,
    [
      `listeners.tcp.1 = ${context.topology.host}:${resource.port}`,
      `default_user = ${user}`,
      `default_pass = ${password}`,
      'loopback_users = none',
      'log.console = true',
      'log.console.level = info',
      'log.file = false',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  await writeFile(path.join(dir, 'enabled_plugins'), '[].\n');
  // Its own scripts folder, whose plugins/ holds only what the broker boots from: restarts faster.
  const scripts = await trimmedServerHome(server, path.join(dir, 'server'));
  return {
    command: server,
    args: [],
    cwd: dir,
    env: {
      HOME: home,
      RABBITMQ_NODENAME: rabbitmqNodeName(resource, context.labId),
      RABBITMQ_DIST_PORT: String(resource.distPort),
      ERL_EPMD_PORT: String(resource.epmdPort),
      ERL_EPMD_ADDRESS: context.topology.host,
      RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(dir, 'log'),
      RABBITMQ_PID_FILE: path.join(dir, 'rabbitmq.pid'),
      RABBITMQ_CONFIG_FILE: config,
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: distInterfaceArgs(context.topology.host),
      ...(scripts ? { RABBITMQ_SCRIPTS_DIR: scripts } : {}),
    },
  };
}

export function rabbitmqNodeName(resource: RabbitmqResource, labId: string): string {
  return `frank-${labId}-${resource.name}@localhost`;
}

/** Keeps Erlang distribution on the lab's address instead of every interface. */
function distInterfaceArgs(host: string): string {
  const octets = host.split('.');
  return octets.length === 4 && octets.every((o) => /^\d+$/.test(o)) ? `-kernel inet_dist_use_interface {${octets.join(',')}}` : '';
}
