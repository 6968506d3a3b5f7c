import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FrankError, UsageError } from '../../errors.js';
import type { AwsResource } from '../../lab/lab-types.js';
import type { RuntimeContext } from '../runtime.js';
import type { LaunchSpec } from './launch-spec.js';
import { findMotoServer, INSTALL_HINT } from './programs.js';

/**
 * moto 5.2 builds the same JSON-path parser eight times for every event that matches a rule
 * (about 87 ms of CPU each, so some 8 events a second); caching the parse makes it under 1 ms.
 * Python loads sitecustomize from PYTHONPATH at start, before moto imports anything.
 */
const MOTO_PATCH = `# Written by frank: cache jsonpath_ng's parser, which moto's EventBridge rebuilds for every event.
import functools
try:
    import jsonpath_ng.ext as _ext
    _ext.parse = functools.lru_cache(maxsize=1024)(_ext.parse)
except Exception:
    pass
`;

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
  const site = path.join(dir, 'python');
  await mkdir(site, { recursive: true });
  await writeFile(path.join(site, 'sitecustomize.py'), MOTO_PATCH);
  return {
    command: moto,
    args: ['-H', context.topology.host, '-p', String(resource.port)],
    cwd: dir,
    // AWS's managed policies exist, as Terraform's IAM attachments (ECS task execution, Lambda VPC access) expect.
    env: { PYTHONUNBUFFERED: '1', PYTHONPATH: site, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  };
}
