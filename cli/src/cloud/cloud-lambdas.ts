import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { serviceDatabases } from '../lab/migrations.js';
import { REPOSITORY_ROOT } from '../lab/paths.js';
import { kitMigrationsDirectory, serviceDirectory } from '../runtimes/checkout.js';
import type { Topology } from '../lab/topology.js';
import type { LambdaSource } from './package-lambdas.js';
import { FrankError } from '../errors.js';

/** The bridges' Lambda handlers: the same functions the lab runs as processes. */
export const BRIDGE_HANDLERS: Record<string, string> = {
  'eventbridge-bridge': 'services/eventbridge-bridge/src/lambda.ts',
  'rabbitmq-bridge': 'services/rabbitmq-bridge/src/lambda.ts',
};

export const PROVISIONER = 'cloud-provisioner';
const PROVISIONER_ENTRY = path.join(REPOSITORY_ROOT, 'services', PROVISIONER, 'src', 'lambda.ts');

/**
 * The image handler (terraform/modules/images): its bundle loads sharp's native binary at run time
 * (`@img/sharp-linux-x64/sharp.node`, with libvips beside it), so those packages go into the zip's
 * node_modules; the function runs on x86_64 to match them.
 */
const IMAGE_HANDLER = 'services/image-processing/src/lambda.ts';
const SHARP_NATIVE_PACKAGES = ['@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64'];

async function imageHandlerSource(): Promise<LambdaSource> {
  const files: LambdaSource['files'] = [];
  const addTree = async (dir: string, as: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const from = path.join(dir, entry.name);
      if (entry.isDirectory()) await addTree(from, `${as}/${entry.name}`);
      else files.push({ name: `${as}/${entry.name}`, data: await readFile(from) });
    }
  };
  for (const name of SHARP_NATIVE_PACKAGES) {
    const dir = path.join(REPOSITORY_ROOT, 'node_modules', name);
    if (!existsSync(dir))
      throw new FrankError(`${name} is not installed, so the image Lambda cannot be packaged.`, { hint: 'Run npm install (sharp installs it on linux-x64).' });
    await addTree(dir, `node_modules/${name}`);
  }
  return { entry: IMAGE_HANDLER, files };
}

/**
 * Every Lambda of terraform/envs/aws: the two bridges, the image handler, and the provisioner with the seed of every
 * service that owns a database and has one, and the kit's and those services' migrations beside it.
 */
export async function cloudLambdas(topology: Topology): Promise<Record<string, string | LambdaSource>> {
  return { ...BRIDGE_HANDLERS, 'image-processing': await imageHandlerSource(), [PROVISIONER]: await provisionerSource(topology) };
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
