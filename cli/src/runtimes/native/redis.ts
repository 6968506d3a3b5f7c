import { mkdir } from 'node:fs/promises';
import { FrankError } from '../../errors.js';
import type { RedisResource } from '../../lab/topology.js';
import type { RuntimeContext } from '../runtime.js';
import type { LaunchSpec } from './launch-spec.js';
import { findProgram, INSTALL_HINT } from './programs.js';

export async function prepareRedis(resource: RedisResource, context: RuntimeContext): Promise<LaunchSpec> {
  const server = findProgram('redis-server');
  if (!server) throw new FrankError('redis-server is not installed.', { hint: INSTALL_HINT['redis-server'] });
  const dir = context.paths.data(resource.name);
  await mkdir(dir, { recursive: true });
  return {
    command: server,
    args: ['--port', String(resource.port), '--bind', context.topology.host, '--requirepass', context.credentials.redis.password, '--dir', dir, '--save', '60 1', '--appendonly', 'no', '--daemonize', 'no', '--logfile', ''],
    cwd: dir,
  };
}
