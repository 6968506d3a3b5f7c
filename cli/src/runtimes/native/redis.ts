import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FrankError } from '../../errors.js';
import type { RedisResource } from '../../lab/lab-types.js';
import type { RuntimeContext } from '../runtime.js';
import type { LaunchSpec } from './launch-spec.js';
import { findProgram, INSTALL_HINT } from './programs.js';

/** A value of redis.conf, quoted: a path may hold spaces. */
const quoted = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * redis-server reads everything, its password included, from a config file only its owner may
 * read (0600): on the command line the password would be in every user's `ps`.
 */
export async function prepareRedis(resource: RedisResource, context: RuntimeContext): Promise<LaunchSpec> {
  const server = findProgram('redis-server');
  if (!server) throw new FrankError('redis-server is not installed.', { hint: INSTALL_HINT['redis-server'] });
  const dir = context.paths.data(resource.name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const config = path.join(dir, 'redis.conf');
  await writeFile(
    config,
    [
      "# Written by frank at every start from frank.yaml and the lab's credentials; edits are lost.",
      `port ${resource.port}`,
      `bind ${context.topology.host}`,
      `requirepass ${quoted(context.credentials.redis.password)}`,
      `dir ${quoted(dir)}`,
      'save 60 1',
      'appendonly no',
      'daemonize no',
      'logfile ""',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  await chmod(config, 0o600);
  return { command: server, args: [config], cwd: dir };
}
