import { existsSync } from 'node:fs';
import path from 'node:path';
import { FrankError } from '../../errors.js';
import { serviceDirectory } from '../checkout.js';
import type { Service } from '../../lab/lab-types.js';
import type { RuntimeContext } from '../runtime.js';
import type { LaunchSpec } from './launch-spec.js';
import { serviceBundle } from './service-bundle.js';

/** A lab service: its TypeScript entry point bundled (see serviceBundle) and run by this Node.js. */
export async function prepareService(service: Service, context: RuntimeContext, env: Record<string, string>): Promise<LaunchSpec> {
  const dir = serviceDirectory(context.topology, service.name);
  const entry = path.join(dir, 'src', 'main.ts');
  if (!existsSync(entry)) {
    throw new FrankError(`Service ${service.name} has no entry point at ${entry}.`, {
      hint: `Write services/${service.name}/src/main.ts, or remove the service from frank.yaml.`,
    });
  }
  const bundle = await serviceBundle(service.name, dir, entry);
  return { command: process.execPath, args: ['--enable-source-maps', bundle], cwd: dir, env };
}
