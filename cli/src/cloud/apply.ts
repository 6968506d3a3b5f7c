import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { UsageError } from '../errors.js';
import type { ServiceContracts } from '../lab/service-contracts.js';
import type { AwsResource, Topology } from '../lab/topology.js';
import { planCloud, prepareRoot, type CloudPlan, type DeploymentSettings } from './plan.js';
import { buildAndPushImages } from './service-images.js';
import { smokeSaga, type SmokeResult } from './smoke-saga.js';
import { terraform } from './terraform.js';
import { tfvarsFromTopology } from './tfvars.js';

export interface ApplyOptions {
  settings: DeploymentSettings;
  /** Apply without asking (no terminal: required). */
  autoApprove?: boolean;
  /** The images are pushed already (by hand or CI). */
  skipImages?: boolean;
  /** The service behind the load balancer. */
  webService: string;
  onLine?: (line: string) => void;
}

export interface ApplyReport {
  plan: CloudPlan;
  images: { service: string; image: string }[];
  applyMs: number;
  bffUrl: string;
  smoke: SmokeResult;
}

/** What is applied before the images are pushed: the services' repositories, and Unleash's. */
export function imageRepositoryTargets(withUnleash: boolean): string[] {
  return ['module.services.aws_ecr_repository.this', ...(withUnleash ? ['module.flags[0].aws_ecr_repository.this'] : [])];
}

/**
 * The real deployment: the ECR repositories first and the images pushed to them, then the plan of
 * everything, applied (Terraform's apply invokes the provisioner before the services start: roles,
 * databases, migrations, seed), then one saga through the load balancer.
 */
export async function applyCloud(topology: Topology, contracts: ServiceContracts, options: ApplyOptions): Promise<ApplyReport> {
  if (!options.autoApprove && !process.stdin.isTTY)
    throw new UsageError('`frank cloud apply` changes an AWS account: without a terminal to ask on, it needs --auto-approve.', {
      hint: 'Run `npx frank cloud plan` first to see what it would do, then `npx frank cloud apply --auto-approve`.',
    });
  const say = options.onLine ?? (() => undefined);
  const tag = options.settings.imageTag ?? '0.1.0';
  const root = await prepareRoot(topology, contracts, { settings: { ...options.settings, imageTag: tag } });
  let images: ApplyReport['images'] = [];
  if (!options.skipImages) {
    say('Creating the image repositories (ECR) …');
    const { unleash } = tfvarsFromTopology(topology, contracts);
    await terraform(['apply', '-auto-approve', '-input=false', '-no-color', ...imageRepositoryTargets(unleash !== null).map((t) => `-target=${t}`)], root);
    const outputs = JSON.parse((await terraform(['output', '-json'], root)).stdout) as Record<string, { value: unknown }>;
    const repositories = outputs.ecr_repository_urls?.value as Record<string, string>;
    // Unleash runs its official image: copied into its own repository (the tasks have no way to Docker Hub).
    const mirrors = unleash ? [{ name: unleash.name, source: unleash.image, target: String(outputs.unleash_image?.value) }] : [];
    const aws = topology.resources.find((r): r is AwsResource => r.kind === 'aws');
    const region = String(outputs.region?.value ?? aws?.region ?? 'us-east-1');
    images = await buildAndPushImages({
      topology,
      repositories,
      tag,
      account: { region },
      workDir: path.join(root.configDir, 'apply'),
      webService: options.webService,
      mirrors,
      onLine: say,
    });
  }
  const plan = await planCloud(root);
  say(`Plan: ${plan.summary.create} to add, ${plan.summary.update} to change, ${plan.summary.delete} to destroy.`);
  if (!options.autoApprove) {
    const ask = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await ask.question('Apply it to the AWS account? Only "yes" goes on: ');
    ask.close();
    if (answer.trim() !== 'yes') throw new UsageError('Not applied: the answer was not "yes".');
  }
  const began = Date.now();
  await terraform(['apply', '-input=false', '-no-color', plan.planFile], { ...root, onLine: say });
  const applyMs = Date.now() - began;
  const outputs = JSON.parse((await terraform(['output', '-json'], root)).stdout) as Record<string, { value: unknown }>;
  const bffUrl = String(outputs.bff_url?.value ?? '');
  say(`One saga through ${bffUrl} …`);
  // The services start after the apply: give them and the load balancer's health checks a few minutes.
  const smoke = await smokeSaga(bffUrl, { timeoutMs: 300_000 });
  return { plan, images, applyMs, bffUrl, smoke };
}
