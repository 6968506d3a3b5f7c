import { existsSync, readFileSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { zipArchive } from '../../cli/src/cloud/zip-archive.js';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from '../../cli/test/lab-fixture.js';
import { ENV_DIR, TERRAFORM_DIR, TFVARS_EXAMPLE } from './hcl.js';
import { TERRAFORM } from './terraform-cli.js';

// Plans run offline against moto: the AWS provider comes from a filesystem mirror, as in validate.test.ts.
export const PROVIDER_MIRROR = process.env.FRANK_TF_PROVIDER_MIRROR ?? '/opt/tf-plugins';
export const hasProviderMirror = existsSync(path.join(PROVIDER_MIRROR, 'registry.terraform.io/hashicorp/aws'));

/** The Lambda bundles envs/aws reads from var.lambda_dir, as its main.tf names them. */
export function lambdaZipNames(): string[] {
  const main = readFileSync(path.join(ENV_DIR, 'main.tf'), 'utf8');
  return [...new Set([...main.matchAll(/\$\{var\.lambda_dir\}\/([a-z0-9-]+)\.zip/g)].map((m) => m[1]!))].sort();
}

/** What `terraform show -json` prints for a saved plan (the parts the tests read). */
export interface TerraformPlan {
  format_version: string;
  planned_values: {
    outputs?: Record<string, { sensitive: boolean; value?: unknown }>;
    root_module: PlannedModule;
  };
  resource_changes: {
    address: string;
    module_address?: string;
    mode: string;
    type: string;
    name: string;
    change: { actions: string[]; after?: Record<string, unknown> | null };
  }[];
  output_changes?: Record<string, { after?: unknown; after_unknown?: unknown }>;
}

export interface PlannedModule {
  address?: string;
  resources?: { address: string; mode: string; type: string; name: string; index?: string | number; values: Record<string, unknown> }[];
  child_modules?: PlannedModule[];
}

/** An ECS service's container settings as the env root's service_settings output gives them at plan time. */
export interface ServiceSettings {
  environment: Record<string, string>;
  /** Secret environment variable => the JSON key it reads from its secret. */
  secrets: Record<string, string>;
}

/** moto, started through the project's own native runtime in a lab of its own that declares only the aws resource. */
export interface Moto extends AsyncDisposable {
  endpoint: string;
  stop(): Promise<void>;
}

const AWS_ONLY_LAB = `version: 1
resources:
  aws:
    kind: aws
    port: 4566
    region: us-east-1
    buses: []
    queues: []
    rules: {}
`;

export async function startMoto(): Promise<Moto> {
  const dir = await makeLabDir(AWS_ONLY_LAB);
  const stop = () => removeLabDir(dir);
  try {
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    if (up.exitCode !== 0) throw new Error(`frank up (moto only) failed:\n${up.stderr}`);
    const status = await runFrank(dir, ['status', '--json']);
    const aws = (JSON.parse(status.stdout) as { resources: { kind: string; url?: string; port: number }[] }).resources.find((r) => r.kind === 'aws');
    if (!aws) throw new Error(`frank status --json shows no aws resource:\n${status.stdout}`);
    const endpoint = aws.url ?? `http://127.0.0.1:${aws.port}`;
    return { endpoint, stop, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A scratch copy of terraform/ ready to plan: the committed tfvars example as terraform.tfvars, stand-in Lambda zips, an initialised envs/aws. */
export interface PlanRoot extends AsyncDisposable {
  dir: string;
  envDir: string;
  remove(): Promise<void>;
}

/**
 * Copies terraform/ (without state, build output and tests) into a scratch folder and runs `terraform init` in
 * envs/aws from the provider mirror. With `rehearsal`, copies terraform/rehearsal/modules/<module>/*.tf into
 * modules/<module>/ first, as `frank cloud rehearse` does.
 */
export async function preparePlanRoot(options: { rehearsal?: boolean } = {}): Promise<PlanRoot> {
  const dir = await mkdtemp(path.join(tmpdir(), 'frank-tf-plan-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  await cp(TERRAFORM_DIR, dir, {
    recursive: true,
    // Nothing of a checkout's own runs: its variables (`frank cloud plan` writes frank.auto.tfvars.json,
    // which Terraform would read), state and plans.
    filter: (source) =>
      !/(^|\/)(\.terraform|build|test|terraform\.tfstate.*|terraform\.tfvars|[^/]*\.auto\.tfvars(\.json)?|[^/]*\.tfplan)$/.test(
        path.relative(TERRAFORM_DIR, source),
      ),
  });
  if (options.rehearsal) {
    const overrides = path.join(dir, 'rehearsal', 'modules');
    for (const module of await readdir(overrides)) {
      for (const file of await readdir(path.join(overrides, module)))
        await copyFile(path.join(overrides, module, file), path.join(dir, 'modules', module, file));
    }
  }
  // Plans only hash the bundles: a tiny stand-in per Lambda keeps this independent of `frank cloud package`.
  const lambdas = path.join(dir, 'build', 'lambdas');
  await mkdir(lambdas, { recursive: true });
  for (const name of lambdaZipNames()) {
    const code = `export const handler = async () => ({ standIn: ${JSON.stringify(name)} });\n`;
    await writeFile(path.join(lambdas, `${name}.zip`), zipArchive([{ name: 'index.mjs', data: Buffer.from(code) }]));
  }
  const envDir = path.join(dir, 'envs', 'aws');
  await copyFile(TFVARS_EXAMPLE, path.join(envDir, 'terraform.tfvars'));
  await writeFile(
    path.join(dir, 'terraform.rc'),
    `provider_installation {\n  filesystem_mirror {\n    path    = "${PROVIDER_MIRROR}"\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n`,
  );
  const init = await execa(TERRAFORM, ['init', '-input=false', '-no-color'], { cwd: envDir, env: terraformEnv(dir), reject: false });
  if (init.exitCode !== 0) {
    await remove();
    throw new Error(`terraform init failed:\n${init.stderr || init.stdout}`);
  }
  return { dir, envDir, remove, [Symbol.asyncDispose]: remove };
}

function terraformEnv(dir: string, endpoint?: string): Record<string, string> {
  return {
    TF_CLI_CONFIG_FILE: path.join(dir, 'terraform.rc'),
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    ...(endpoint
      ? { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' }
      : {}),
  };
}

export interface PlanRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** `terraform show -json` of the saved plan; undefined when the plan failed. */
  plan?: TerraformPlan;
}

/** `terraform plan` of envs/aws against an AWS endpoint (moto), from whatever state the root has (none after preparePlanRoot). */
export async function planEnv(
  root: PlanRoot,
  endpoint: string,
  variables: Record<string, string | number | boolean> = {},
  options: { targets?: string[] } = {},
): Promise<PlanRun> {
  const env = terraformEnv(root.dir, endpoint);
  const out = path.join(root.dir, `plan-${Date.now()}-${Math.random().toString(36).slice(2)}.bin`);
  const args = [
    'plan',
    '-input=false',
    '-no-color',
    '-lock=false',
    `-out=${out}`,
    ...Object.entries(variables).map(([name, value]) => `-var=${name}=${String(value)}`),
    ...(options.targets ?? []).map((target) => `-target=${target}`),
  ];
  const result = await execa(TERRAFORM, args, { cwd: root.envDir, env, reject: false });
  const run: PlanRun = { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
  if (run.exitCode !== 0) return run;
  const show = await execa(TERRAFORM, ['show', '-json', '-no-color', out], { cwd: root.envDir, env, reject: false });
  if (show.exitCode !== 0) throw new Error(`terraform show -json failed:\n${show.stderr}`);
  return { ...run, plan: JSON.parse(String(show.stdout)) as TerraformPlan };
}

/**
 * The plan of envs/aws from an empty state with the committed tfvars example, against a moto of its own:
 * `terraform show -json` of it (planned_values, resource_changes, output_changes). Needs terraform, the AWS
 * provider in a filesystem mirror and moto's server (what `frank deps install` installs). Variables default
 * to allow_plain_http = true, since the example has no certificate.
 */
export async function planLabFromEmptyState(variables: Record<string, string | number | boolean> = { allow_plain_http: true }): Promise<TerraformPlan> {
  const moto = await startMoto();
  try {
    const root = await preparePlanRoot();
    try {
      const run = await planEnv(root, moto.endpoint, variables);
      if (!run.plan) throw new Error(`terraform plan failed:\n${run.stderr || run.stdout}`);
      return run.plan;
    } finally {
      await root.remove();
    }
  } finally {
    await moto.stop();
  }
}

/** Every resource the plan holds, across modules. */
export function plannedResources(plan: TerraformPlan): NonNullable<PlannedModule['resources']> {
  const walk = (module: PlannedModule): NonNullable<PlannedModule['resources']> => [...(module.resources ?? []), ...(module.child_modules ?? []).flatMap(walk)];
  return walk(plan.planned_values.root_module);
}

/**
 * Each ECS service's container environment and secret names as planned. The task definitions' own
 * container_definitions are unknown until apply (they hold secret ARNs); the env root's service_settings
 * output is built from the same values and is known at plan time.
 */
export function serviceSettings(plan: TerraformPlan): Record<string, ServiceSettings> {
  const output = plan.planned_values.outputs?.service_settings;
  if (!output || output.value === undefined) throw new Error('the plan does not know output service_settings');
  return output.value as Record<string, ServiceSettings>;
}

/** A resource address without instance keys: module.databases.aws_db_instance.this["user-db"] -> module.databases.aws_db_instance.this. */
export function addressWithoutKeys(address: string): string {
  return address.replace(/\[[^\]]*\]/g, '');
}
