import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cloudLambdas } from '../../cli/src/cloud/cloud-lambdas.js';
import { LAMBDA_OUT_DIR } from '../../cli/src/cloud/package-lambdas.js';
import { renderTfvars, tfvarsFromTopology, type CloudTfvars } from '../../cli/src/cloud/tfvars.js';
import { loadServiceContracts } from '../../cli/src/lab/service-contracts.js';
import { loadTopology, type Topology } from '../../cli/src/lab/topology.js';
import { ENV_DIR, REPO_ROOT, loadModule, type Module } from './hcl.js';
import { lambdaZipNames } from './plan.js';
import { terraform } from './terraform-cli.js';

const EXAMPLE = path.join(ENV_DIR, 'terraform.tfvars.example');

let topology: Topology;
let tfvars: CloudTfvars;
let env: Module;

beforeAll(async () => {
  topology = await loadTopology(path.join(REPO_ROOT, 'frank.yaml'));
  tfvars = tfvarsFromTopology(topology, await loadServiceContracts(topology));
  env = await loadModule(ENV_DIR);
});

/** Runs `terraform console` on the env root's variables.tf alone (no provider needed) with a var file. */
async function consoleWithVarFile(varFile: string, query: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'frank-env-vars-'));
  await copyFile(path.join(ENV_DIR, 'variables.tf'), path.join(dir, 'variables.tf'));
  await writeFile(path.join(dir, 'lab.tfvars'), varFile);
  return terraform(['console', '-var-file=lab.tfvars'], { cwd: dir, input: `${query}\n` });
}

describe('terraform.tfvars from frank.yaml', () => {
  it('is committed as terraform.tfvars.example, exactly as renderTfvars writes it', async () => {
    const committed = await readFile(EXAMPLE, 'utf8');
    expect(committed, 'run `npx frank cloud tfvars > terraform/envs/aws/terraform.tfvars.example` after changing frank.yaml').toBe(renderTfvars(tfvars));
  });

  it('sets every variable the env root requires and no variable it does not declare', () => {
    const declared = Object.keys(env.variable);
    const required = declared.filter((name) => !('default' in env.variable[name]!));
    expect(Object.keys(tfvars).sort()).toEqual(required.sort());
  });

  it('holds every database and every service of frank.yaml', () => {
    const postgres = topology.resources.filter((r) => r.kind === 'postgres').map((r) => r.name);
    expect(Object.keys(tfvars.databases).sort()).toEqual(postgres.sort());
    expect(postgres).toHaveLength(7);
    expect(Object.keys(tfvars.services).sort()).toEqual(topology.services.map((s) => s.name).sort());
    expect(Object.keys(tfvars.services)).toHaveLength(12);
  });

  it('is accepted by Terraform against the env root variable types', async () => {
    const result = await consoleWithVarFile(
      await readFile(EXAMPLE, 'utf8'),
      'jsonencode({ databases = keys(var.databases), services = keys(var.services), buses = var.buses, rules = keys(var.rules), archives = var.archives, user_db_port = var.databases["user-db"].port })',
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(JSON.parse(result.stdout.trim()) as string)).toEqual({
      databases: Object.keys(tfvars.databases),
      services: Object.keys(tfvars.services),
      buses: ['frank-external', 'frank-internal'],
      rules: ['payment-webhooks', 'product-image-ready', 'product-image-uploads'],
      archives: tfvars.archives,
      user_db_port: 5432,
    });
  });

  it('is checked by Terraform strictly enough to reject a database without a port', async () => {
    const broken = (await readFile(EXAMPLE, 'utf8')).replace(/(\n {4}database_names = \["user_service"\])\n {4}port {11}= 5432/, '$1');
    expect(broken).not.toBe(await readFile(EXAMPLE, 'utf8'));
    const result = await consoleWithVarFile(broken, 'keys(var.databases)');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/attribute "port" is required/);
  });

  it('names only dependencies the env root knows how to provide', () => {
    const provided = new Set([
      ...Object.keys(tfvars.databases),
      tfvars.broker.name,
      tfvars.documents.name,
      tfvars.cache.name,
      tfvars.aws_resource,
      ...(tfvars.unleash ? [tfvars.unleash.name] : []),
    ]);
    for (const [service, spec] of Object.entries(tfvars.services)) {
      for (const used of spec.uses) expect(provided.has(used), `${service} uses ${used}`).toBe(true);
    }
  });

  it('gives every rule a bus and a target queue that exist, and every archive a bus', () => {
    for (const [name, rule] of Object.entries(tfvars.rules)) {
      expect(tfvars.buses, `rule ${name}`).toContain(rule.bus);
      expect(tfvars.queues, `rule ${name}`).toContain(rule.target);
    }
    for (const [name, archive] of Object.entries(tfvars.archives)) expect(tfvars.buses, `archive ${name}`).toContain(archive.bus);
    expect(tfvars.queues).toContain(env.variable.eventbridge_bridge_queue?.default);
    expect(tfvars.buses).toContain(env.variable.rabbitmq_bridge_bus?.default);
  });
});

describe('Lambda bundles', () => {
  it('are read by the env root from where `frank cloud package` writes them', () => {
    const lambdaDir = env.variable.lambda_dir?.default as string;
    expect(path.resolve(ENV_DIR, lambdaDir)).toBe(path.resolve(REPO_ROOT, LAMBDA_OUT_DIR));
  });

  it('are the ones `frank cloud package` makes, each read by the env root (and planned with a stand-in each)', async () => {
    expect(lambdaZipNames()).toEqual(Object.keys(await cloudLambdas(topology)).sort());
  });
});
