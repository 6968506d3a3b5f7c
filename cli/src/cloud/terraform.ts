import { existsSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { ExternalCommandError, FrankError } from '../errors.js';

/** The root every cloud command deploys, relative to the checkout. */
export const ENV_ROOT = path.join('terraform', 'envs', 'aws');

/** The AWS provider in a filesystem mirror: this project's machines carry it at /opt/tf-plugins. */
export function providerMirror(): string | undefined {
  const mirror = process.env.FRANK_TF_PROVIDER_MIRROR ?? '/opt/tf-plugins';
  return existsSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws')) ? mirror : undefined;
}

export function terraformBinary(): string {
  return process.env.TERRAFORM_BIN ?? 'terraform';
}

export interface TerraformOptions {
  /** The folder of the root module. */
  cwd: string;
  /** Added to the environment: AWS credentials and endpoints. */
  env?: Record<string, string>;
  /** Where the CLI configuration goes (a filesystem mirror when the machine has one). */
  configDir: string;
  /** Each line of Terraform's output, for progress. */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * Runs Terraform as a user would, with a CLI configuration that takes the AWS provider from the
 * machine's filesystem mirror when there is one (no registry needed), and fails with the command
 * and the tail of what it said.
 */
export async function terraform(args: string[], options: TerraformOptions): Promise<{ stdout: string; stderr: string; elapsedMs: number }> {
  const began = Date.now();
  const config = await cliConfig(options.configDir);
  const run = execa(terraformBinary(), [...args], {
    cwd: options.cwd,
    env: { TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0', ...(config ? { TF_CLI_CONFIG_FILE: config } : {}), ...options.env },
    reject: false,
    all: true,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  if (options.onLine) {
    let pending = '';
    run.all?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) options.onLine!(line);
    });
  }
  let result;
  try {
    result = await run;
  } catch (error) {
    throw new FrankError(`Cannot run terraform: ${(error as Error).message}`, {
      hint: 'Install Terraform 1.11 or newer (https://developer.hashicorp.com/terraform/install), or set TERRAFORM_BIN.',
      cause: error,
    });
  }
  if ((result as { code?: string }).code === 'ENOENT' || (result.exitCode === undefined && /ENOENT/.test(String(result.message)))) {
    throw new FrankError(`terraform is not installed (${terraformBinary()} not found).`, {
      hint: 'Install Terraform 1.11 or newer (https://developer.hashicorp.com/terraform/install), or set TERRAFORM_BIN.',
    });
  }
  if (result.exitCode !== 0) {
    const output = String(result.all ?? `${result.stderr}\n${result.stdout}`);
    throw new ExternalCommandError(`terraform ${args.join(' ')}`, tailOf(output, 40), { hint: `Run it yourself in ${options.cwd} to see all of it.` });
  }
  return { stdout: String(result.stdout), stderr: String(result.stderr), elapsedMs: Date.now() - began };
}

/** The end of what Terraform printed, its error boxes included. */
function tailOf(output: string, lines: number): string {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-lines)
    .join('\n');
}

async function cliConfig(dir: string): Promise<string | undefined> {
  const mirror = providerMirror();
  if (!mirror) return undefined;
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'terraform.rc');
  await writeFile(
    file,
    `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n`,
  );
  return file;
}

/**
 * A copy of terraform/ (modules and envs/aws, no state, no .terraform) to work in, so that a
 * rehearsal never touches the real root's state; `overrides` are copied over it (the rehearsal's
 * stand-ins, terraform/rehearsal/).
 */
export async function copyTerraformTree(checkout: string, into: string, overrides?: string): Promise<string> {
  await rm(into, { recursive: true, force: true });
  await mkdir(into, { recursive: true });
  const source = path.join(checkout, 'terraform');
  const skip = (file: string) => /(^|\/)(\.terraform|build|rehearsal)(\/|$)|\.tfstate|\.tfvars$|\.terraform\.lock\.hcl$/.test(path.relative(source, file));
  await cp(source, path.join(into, 'terraform'), { recursive: true, filter: (file) => file === source || !skip(file) });
  if (overrides && existsSync(overrides))
    await cp(overrides, path.join(into, 'terraform'), { recursive: true, filter: (file) => !file.endsWith('.md') && !file.endsWith('.json') });
  return path.join(into, ENV_ROOT);
}

/** How many resources a `terraform show -json` plan would create or change (data sources aside). */
export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  /** Addresses without instance keys, e.g. module.databases.aws_db_instance.this. */
  addresses: string[];
}

export interface PlanJson {
  resource_changes?: { address: string; mode: string; type: string; change: { actions: string[] } }[];
  planned_values?: unknown;
}

export function summarizePlan(plan: PlanJson): PlanSummary {
  const changes = (plan.resource_changes ?? []).filter((c) => c.mode === 'managed');
  const count = (action: string) => changes.filter((c) => c.change.actions.includes(action)).length;
  return {
    create: count('create'),
    update: count('update'),
    delete: count('delete'),
    addresses: [...new Set(changes.map((c) => c.address.replace(/\[[^\]]*\]/g, '')))].sort(),
  };
}
