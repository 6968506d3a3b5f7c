import { FrankError } from '../../errors.js';
import type { ToxiproxyResource } from '../../lab/lab-types.js';
import type { RuntimeContext } from '../runtime.js';
import type { LaunchSpec } from './launch-spec.js';
import { findProgram, INSTALL_HINT } from './programs.js';

export async function prepareToxiproxy(resource: ToxiproxyResource, context: RuntimeContext): Promise<LaunchSpec> {
  const server = findProgram('toxiproxy-server');
  if (!server) throw new FrankError('toxiproxy-server is not installed.', { hint: INSTALL_HINT['toxiproxy-server'] });
  // Toxiproxy logs every packet at its default level: a lab's worth of traffic would cost a core.
  return { command: server, args: ['-host', context.topology.host, '-port', String(resource.port)], env: { LOG_LEVEL: 'warn' } };
}
