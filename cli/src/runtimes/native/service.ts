import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FrankError } from '../../errors.js';
import { serviceDirectory } from '../../lab/service-code.js';
import type { Service } from '../../lab/topology.js';
import type { RuntimeContext } from '../runtime.js';
import type { LaunchSpec } from './launch-spec.js';

/** A lab service: its TypeScript entry point run by this Node.js through tsx, as frank itself runs. */
export async function prepareService(service: Service, context: RuntimeContext, env: Record<string, string>): Promise<LaunchSpec> {
  const dir = serviceDirectory(context.topology, service.name);
  const entry = path.join(dir, 'src', 'main.ts');
  if (!existsSync(entry)) {
    throw new FrankError(`Service ${service.name} has no entry point at ${entry}.`, { hint: `Write services/${service.name}/src/main.ts, or remove the service from frank.yaml.` });
  }
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
  return { command: process.execPath, args: ['--enable-source-maps', '--import', tsx, entry], cwd: dir, env: { NODE_ENV: 'development', ...env } };
}
