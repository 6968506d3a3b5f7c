import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export const TERRAFORM = process.env.TERRAFORM_BIN ?? 'terraform';

// No ~/.terraformrc here: point Terraform at an empty one so it does not warn on every call.
const env = { TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };

export async function terraform(args: string[], options: { cwd: string; input?: string }) {
  return execa(TERRAFORM, args, { cwd: options.cwd, input: options.input, env, reject: false });
}

/**
 * Evaluates expressions with `terraform console` in a scratch root that declares the given variables
 * (as `any`) and locals copied verbatim from a module. Needs no provider, so it runs offline.
 */
export async function evaluateLocals(options: {
  variables: Record<string, unknown>;
  locals: Record<string, string>;
  expressions: Record<string, string>;
}): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'frank-tf-console-'));
  const variables = Object.keys(options.variables)
    .map((name) => `variable "${name}" {\n  type = any\n}\n`)
    .join('\n');
  const locals = `locals {\n${Object.entries(options.locals)
    .map(([name, text]) => `  ${name} = ${text}`)
    .join('\n')}\n}\n`;
  await writeFile(path.join(dir, 'main.tf'), `${variables}\n${locals}`);
  await writeFile(path.join(dir, 'vars.tfvars.json'), JSON.stringify(options.variables));
  // The console reads one expression per line.
  const query = `jsonencode({ ${Object.entries(options.expressions)
    .map(([name, text]) => `${name} = ${text}`)
    .join(', ')} })\n`;
  const result = await terraform(['console', '-var-file=vars.tfvars.json'], { cwd: dir, input: query });
  if (result.exitCode !== 0) throw new Error(`terraform console failed:\n${result.stderr}\n${result.stdout}`);
  // Console prints the JSON as an HCL string literal.
  return JSON.parse(JSON.parse(result.stdout.trim()) as string) as Record<string, unknown>;
}
