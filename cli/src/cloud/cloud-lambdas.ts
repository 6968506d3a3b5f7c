import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { serviceDatabases } from '../lab/migrations.js';
import { REPOSITORY_ROOT } from '../lab/paths.js';
import { kitMigrationsDirectory, serviceDirectory } from '../runtimes/checkout.js';
import type { Topology } from '../lab/topology.js';
import type { LambdaSource } from './package-lambdas.js';

/** The bridges' Lambda handlers: the same functions the lab runs as processes. */
export const BRIDGE_HANDLERS: Record<string, string> = {
  'eventbridge-bridge': 'services/eventbridge-bridge/src/lambda.ts',
  'rabbitmq-bridge': 'services/rabbitmq-bridge/src/lambda.ts',
};

export const PROVISIONER = 'cloud-provisioner';
const PROVISIONER_ENTRY = path.join(REPOSITORY_ROOT, 'services', PROVISIONER, 'src', 'lambda.ts');

/**
 * Every Lambda of terraform/envs/aws: the two bridges, and the provisioner with the seed of every
 * service that owns a database and has one, and the kit's and those services' migrations beside it.
 */
export async function cloudLambdas(topology: Topology): Promise<Record<string, string | LambdaSource>> {
  return { ...BRIDGE_HANDLERS, [PROVISIONER]: await provisionerSource(topology) };
}

async function provisionerSource(topology: Topology): Promise<LambdaSource> {
  const owners = serviceDatabases(topology).map((owner) => owner.service.name);
  const seeds = owners
    .map((service) => ({ service, file: path.join(serviceDirectory(topology, service), 'src', 'seed.ts') }))
    .filter((s) => existsSync(s.file));
  const contents = [
    `import { createProvisionerHandler } from './${path.basename(PROVISIONER_ENTRY)}';`,
    ...seeds.map((s, i) => `import { seed as seed${i} } from ${JSON.stringify(s.file)};`),
    `export const handler = createProvisionerHandler({ seeds: { ${seeds.map((s, i) => `${JSON.stringify(s.service)}: seed${i}`).join(', ')} } });`,
    '',
  ].join('\n');
  const files: LambdaSource['files'] = [];
  const addFolder = async (dir: string, as: string) => {
    if (!existsSync(dir)) return;
    for (const name of (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort())
      files.push({ name: `migrations/${as}/${name}`, data: await readFile(path.join(dir, name)) });
  };
  await addFolder(kitMigrationsDirectory(topology), 'kit');
  for (const service of owners) await addFolder(path.join(serviceDirectory(topology, service), 'migrations'), service);
  return { entry: path.relative(REPOSITORY_ROOT, PROVISIONER_ENTRY), contents, files };
}
