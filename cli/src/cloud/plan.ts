import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExternalCommandError, FrankError } from '../errors.js';
import type { Lab } from '../lab/lab.js';
import { runtimeContext } from '../lab/lab.js';
import { REPOSITORY_ROOT } from '../lab/paths.js';
import type { ServiceContracts } from '../lab/service-contracts.js';
import type { AwsResource, Topology } from '../lab/topology.js';
import { cloudLambdas } from './cloud-lambdas.js';
import { packageLambdas } from './package-lambdas.js';
import { copyTerraformTree, ENV_ROOT, summarizePlan, terraform, type PlanJson, type PlanSummary } from './terraform.js';
import { tfvarsFromTopology } from './tfvars.js';

/** The variables frank writes beside terraform/envs/aws's own: frank.yaml's, so a user's terraform.tfvars keeps the deployment settings. */
export const FRANK_TFVARS = 'frank.auto.tfvars.json';

export interface DeploymentSettings {
  certificateArn?: string;
  allowPlainHttp?: boolean;
  imageTag?: string;
}

export interface PreparedRoot {
  /** The root module's folder: terraform/envs/aws, or a scratch copy of it for the emulator. */
  cwd: string;
  env: Record<string, string>;
  configDir: string;
  /** Where it deploys: an AWS account, or the lab's emulator at this endpoint. */
  target: { kind: 'aws' } | { kind: 'emulator'; endpoint: string };
}

/**
 * terraform/envs/aws ready to plan: the Lambdas packaged, frank.yaml's variables written beside it
 * and `terraform init` done. Against AWS it is the checkout's root (its state and backend are the
 * user's); against the lab's emulator a scratch copy under .frank/cloud/emulator, so nothing of the
 * real root's state or lock file is touched.
 */
export async function prepareRoot(
  topology: Topology,
  contracts: ServiceContracts,
  options: { emulatorOf?: Lab; settings?: DeploymentSettings; onLine?: (line: string) => void },
): Promise<PreparedRoot> {
  const configDir = path.join(topology.root, '.frank', 'cloud');
  let cwd = path.join(REPOSITORY_ROOT, ENV_ROOT);
  let env: Record<string, string> = {};
  let target: PreparedRoot['target'] = { kind: 'aws' };
  if (options.emulatorOf) {
    const lab = options.emulatorOf;
    if (!lab.isUp)
      throw new FrankError('The lab is not up: `--emulator` plans against its AWS emulator.', {
        hint: 'Run `npx frank up` first (or `npx frank up --no-services`).',
      });
    const aws = lab.topology.resources.find((r): r is AwsResource => r.kind === 'aws');
    if (!aws) throw new FrankError(`${lab.topology.file} has no aws resource to plan against.`);
    const credentials = (await runtimeContext(lab, lab.state!.id)).credentials.aws;
    const endpoint = `http://${lab.topology.host}:${aws.port}`;
    cwd = await copyTerraformTree(REPOSITORY_ROOT, path.join(configDir, 'emulator'));
    env = {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: aws.region,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    target = { kind: 'emulator', endpoint };
  }
  await packageLambdas({ root: REPOSITORY_ROOT, outDir: path.resolve(cwd, '..', '..', 'build', 'lambdas'), entries: await cloudLambdas(topology) });
  const settings = options.settings ?? {};
  const variables = {
    ...tfvarsFromTopology(topology, contracts),
    ...(settings.certificateArn ? { certificate_arn: settings.certificateArn } : {}),
    ...(settings.allowPlainHttp ? { allow_plain_http: true } : {}),
    ...(settings.imageTag ? { image_tag: settings.imageTag } : {}),
  };
  await writeFile(path.join(cwd, FRANK_TFVARS), `${JSON.stringify(variables, null, 2)}\n`);
  const root = { cwd, env, configDir, ...(options.onLine ? { onLine: options.onLine } : {}) };
  await terraform(['init', '-input=false', '-no-color', ...(target.kind === 'emulator' ? ['-backend=false'] : [])], root);
  return { cwd, env, configDir, target };
}

export interface CloudPlan {
  target: PreparedRoot['target'];
  planFile: string;
  summary: PlanSummary;
  elapsedMs: number;
}

/** `terraform plan` into a plan file; a missing AWS credential is said plainly, with what to do. */
export async function planCloud(root: PreparedRoot, onLine?: (line: string) => void): Promise<CloudPlan> {
  const began = Date.now();
  const planFile = path.join(root.cwd, 'frank.tfplan');
  try {
    await terraform(['plan', '-input=false', '-no-color', `-out=${planFile}`], { ...root, ...(onLine ? { onLine } : {}) });
  } catch (error) {
    if (
      error instanceof ExternalCommandError &&
      /No valid credential sources found|failed to refresh cached credentials|InvalidClientTokenId|no EC2 IMDS role found/i.test(error.message)
    ) {
      throw new FrankError('terraform plan found no AWS credentials.', {
        hint: 'Set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) for the account to deploy to, or plan against the lab’s own emulator: npx frank up && npx frank cloud plan --emulator',
        cause: error,
      });
    }
    throw error;
  }
  const json = JSON.parse((await terraform(['show', '-json', planFile], root)).stdout) as PlanJson;
  return { target: root.target, planFile, summary: summarizePlan(json), elapsedMs: Date.now() - began };
}
