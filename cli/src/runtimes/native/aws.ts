import { mkdir } from 'node:fs/promises';
import { FrankError, UsageError } from '../../errors.js';
import type { AwsResource } from '../../lab/topology.js';
import type { RuntimeContext } from '../runtime.js';
import type { LaunchSpec } from './launch-spec.js';
import { findMotoServer, INSTALL_HINT } from './programs.js';

/** moto's server: EventBridge, SQS and the rest in one process; its state lives in memory. */
export async function prepareAws(resource: AwsResource, context: RuntimeContext): Promise<LaunchSpec> {
  if (resource.emulator === 'localstack') {
    throw new UsageError(`${resource.name}: emulator "localstack" runs only in the docker runtime.`, {
      hint: 'Set emulator: moto in frank.yaml, or use --runtime docker.',
    });
  }
  const moto = findMotoServer();
  if (!moto) throw new FrankError("moto's server is not installed.", { hint: INSTALL_HINT.moto_server });
  const dir = context.paths.data(resource.name);
  await mkdir(dir, { recursive: true });
  return { command: moto, args: ['-H', context.topology.host, '-p', String(resource.port)], cwd: dir, env: { PYTHONUNBUFFERED: '1' } };
}
