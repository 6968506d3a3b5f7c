import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DescribeImagesCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { execa } from 'execa';
import { ExternalCommandError, FrankError } from '../errors.js';
import { REPOSITORY_ROOT } from '../lab/paths.js';
import { serviceDirectory } from '../runtimes/checkout.js';
import type { Topology } from '../lab/topology.js';
import { IMAGES } from '../runtimes/docker/images.js';
import { serviceBundle } from '../runtimes/native/service-bundle.js';
import type { AccountConfig } from './emulated-account.js';

/** Amazon's CA bundle for RDS and DocumentDB: the services verify their TLS against it. */
export const RDS_CA_BUNDLE_URL = 'https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem';

/**
 * The Dockerfile of one service's image: the pinned node image, the service's esbuild bundle (its
 * dependencies inside), the storefront's build for the web service, the RDS CA bundle, the image's
 * non-root user. The root file system can be read-only (the task definition makes it so).
 */
export function serviceDockerfile(service: string, options: { withStorefront: boolean }): string {
  return [
    `FROM ${IMAGES.node}`,
    `ADD --chmod=644 ${RDS_CA_BUNDLE_URL} /etc/ssl/certs/rds-global-bundle.pem`,
    'ENV NODE_ENV=production NODE_EXTRA_CA_CERTS=/etc/ssl/certs/rds-global-bundle.pem',
    `WORKDIR /app/services/${service}`,
    `COPY services/${service}/.bundle/ /app/services/${service}/.bundle/`,
    // The bundle finds the storefront three folders above itself, where it finds it in the checkout.
    ...(options.withStorefront ? ['COPY web/dist/ /app/web/dist/'] : []),
    'USER node',
    'CMD ["node", "--enable-source-maps", ".bundle/main.mjs"]',
    '',
  ].join('\n');
}

/** A build context holding only what the image takes: the bundle (built if stale) and the storefront for the web service. */
export async function serviceImageContext(topology: Topology, service: string, into: string, options: { webService: string }): Promise<string> {
  const dir = serviceDirectory(topology, service);
  const bundle = await serviceBundle(service, dir, path.join(dir, 'src', 'main.ts'));
  await rm(into, { recursive: true, force: true });
  await mkdir(path.join(into, 'services', service), { recursive: true });
  await mkdir(path.join(into, 'services', service, '.bundle'), { recursive: true });
  for (const file of [bundle, `${bundle}.map`]) await cp(file, path.join(into, 'services', service, '.bundle', path.basename(file)));
  const withStorefront = service === options.webService;
  if (withStorefront)
    await cp(path.join(REPOSITORY_ROOT, 'services', 'web', 'dist'), path.join(into, 'web', 'dist'), { recursive: true }).catch((error: unknown) => {
      throw new FrankError(`The storefront is not built: ${(error as Error).message}`, { hint: 'Run `npm run build:web` first.' });
    });
  await writeFile(path.join(into, 'Dockerfile'), serviceDockerfile(service, { withStorefront }));
  return into;
}

/**
 * Builds each service's image and pushes it to its ECR repository as `<repository>:<tag>` (tags
 * are immutable there). Needs a Docker engine; says so plainly when none answers.
 */
export async function buildAndPushImages(options: {
  topology: Topology;
  repositories: Record<string, string>;
  tag: string;
  account: AccountConfig;
  workDir: string;
  webService: string;
  /** Images used as they are (Unleash's official one), copied into their own repositories. */
  mirrors?: MirroredImage[];
  onLine?: (line: string) => void;
}): Promise<{ service: string; image: string }[]> {
  const docker = async (args: string[], input?: string) => {
    const result = await execa('docker', args, { reject: false, all: true, ...(input === undefined ? {} : { input }) });
    if ((result as { code?: string }).code === 'ENOENT')
      throw new FrankError('docker is not installed: the service images are built with it.', {
        hint: 'Install Docker, or build and push the images yourself and run `npx frank cloud apply --skip-images`.',
      });
    if (result.exitCode !== 0)
      throw new ExternalCommandError(
        `docker ${args.join(' ')}`,
        String(result.all ?? '')
          .split('\n')
          .slice(-15)
          .join('\n'),
      );
    return String(result.stdout);
  };
  try {
    await docker(['version', '--format', '{{.Server.Version}}']);
  } catch (error) {
    throw new FrankError('No Docker engine answers: the service images are built with one.', {
      hint: 'Start Docker, or build and push the images yourself and run `npx frank cloud apply --skip-images`.',
      cause: error,
    });
  }
  const ecr = new ECRClient(options.account);
  try {
    const token = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0];
    if (!token?.authorizationToken || !token.proxyEndpoint) throw new FrankError('ECR gave no authorization token.');
    const [user, password] = Buffer.from(token.authorizationToken, 'base64').toString('utf8').split(':');
    await docker(['login', '--username', user!, '--password-stdin', token.proxyEndpoint], password);
    const pushed: { service: string; image: string }[] = [];
    for (const [service, repository] of Object.entries(options.repositories).sort(([a], [b]) => a.localeCompare(b))) {
      const context = await serviceImageContext(options.topology, service, path.join(options.workDir, 'images', service), { webService: options.webService });
      const image = `${repository}:${options.tag}`;
      options.onLine?.(`building and pushing ${image}`);
      await docker(['build', '--platform', 'linux/amd64', '--tag', image, context]);
      await docker(['push', image]);
      pushed.push({ service, image });
    }
    const copied = await mirrorImages(options.mirrors ?? [], { docker, tagExists: (target) => ecrTagExists(ecr, target), onLine: options.onLine });
    return [...pushed, ...copied];
  } finally {
    ecr.destroy();
  }
}

/** An image the deployment runs as it is published: pulled, and pushed to its ECR repository under its own tag. */
export interface MirroredImage {
  name: string;
  source: string;
  /** <repository URL>:<tag> */
  target: string;
}

/**
 * Copies each image to its repository, for the x86_64 tasks. A tag the repository has already is
 * left alone: the repositories' tags are immutable, so a second `frank cloud apply` would be refused.
 */
export async function mirrorImages(
  mirrors: MirroredImage[],
  tools: { docker: (args: string[]) => Promise<string>; tagExists: (target: string) => Promise<boolean>; onLine?: (line: string) => void },
): Promise<{ service: string; image: string }[]> {
  const copied: { service: string; image: string }[] = [];
  for (const mirror of mirrors) {
    if (await tools.tagExists(mirror.target)) {
      tools.onLine?.(`${mirror.target} is in its repository already`);
    } else {
      tools.onLine?.(`copying ${mirror.source} to ${mirror.target}`);
      await tools.docker(['pull', '--platform', 'linux/amd64', mirror.source]);
      await tools.docker(['tag', mirror.source, mirror.target]);
      await tools.docker(['push', mirror.target]);
    }
    copied.push({ service: mirror.name, image: mirror.target });
  }
  return copied;
}

async function ecrTagExists(ecr: ECRClient, target: string): Promise<boolean> {
  const [repository, tag] = [target.slice(target.indexOf('/') + 1, target.lastIndexOf(':')), target.slice(target.lastIndexOf(':') + 1)];
  try {
    await ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ImageNotFoundException') return false;
    throw error;
  }
}
