import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODULES_DIR, TERRAFORM_DIR } from './hcl.js';
import { TERRAFORM } from './terraform-cli.js';

// Providers cannot be downloaded here, but this machine's image carries the AWS provider in a
// filesystem mirror. Where it exists, `terraform validate` runs fully offline; elsewhere these tests
// are skipped and say why (see terraform/README.md).
const MIRROR = process.env.FRANK_TF_PROVIDER_MIRROR ?? '/opt/tf-plugins';
const AWS_PROVIDER = path.join(MIRROR, 'registry.terraform.io/hashicorp/aws');
const hasMirror = existsSync(AWS_PROVIDER);

// Listed at collection time so each root is its own test.
const ROOTS = [
  'envs/aws',
  ...readdirSync(MODULES_DIR)
    .sort()
    .map((name) => `modules/${name}`),
];

let workdir: string;
let cliConfig: string;

interface Validation {
  valid: boolean;
  error_count: number;
  warning_count: number;
  diagnostics: { severity: string; summary: string; detail?: string; range?: { filename: string; start: { line: number } } }[];
}

beforeAll(async () => {
  if (!hasMirror) return;
  workdir = await mkdtemp(path.join(tmpdir(), 'frank-tf-validate-'));
  await cp(path.join(TERRAFORM_DIR, 'modules'), path.join(workdir, 'modules'), { recursive: true });
  await mkdir(path.join(workdir, 'envs'));
  await cp(path.join(TERRAFORM_DIR, 'envs/aws'), path.join(workdir, 'envs/aws'), { recursive: true, filter: (source) => !source.includes('.terraform') });
  cliConfig = path.join(workdir, 'terraform.rc');
  await writeFile(
    cliConfig,
    `provider_installation {\n  filesystem_mirror {\n    path    = "${MIRROR}"\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n`,
  );
}, 60_000);

describe.skipIf(!hasMirror)(`terraform validate (AWS provider from ${MIRROR})`, () => {
  it('finds the provider version the env root pins', async () => {
    const versions = await readdir(AWS_PROVIDER);
    expect(versions.some((version) => version.startsWith('5.100.'))).toBe(true);
  });

  it.each(ROOTS)('%s is valid', async (root) => {
    const cwd = path.join(workdir, root);
    const env = { TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
    const init = await execa(TERRAFORM, ['init', '-backend=false', '-input=false', '-no-color'], { cwd, env, reject: false });
    expect(init.exitCode, init.stderr || init.stdout).toBe(0);
    const result = await execa(TERRAFORM, ['validate', '-json', '-no-color'], { cwd, env, reject: false });
    const validation = JSON.parse(result.stdout) as Validation;
    const problems = validation.diagnostics.map(
      (d) => `${d.severity}: ${d.summary} ${d.range ? `(${d.range.filename}:${d.range.start.line})` : ''} ${d.detail ?? ''}`,
    );
    expect(problems).toEqual([]);
    expect(validation.valid).toBe(true);
  });
});

if (!hasMirror) {
  describe('terraform validate', () => {
    it.skip(`needs the AWS provider in a filesystem mirror (${MIRROR}, or set FRANK_TF_PROVIDER_MIRROR)`, () => {});
  });
}
