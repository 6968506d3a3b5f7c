import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEnvironment, describeSettings, type SettingDescription } from '@frank/kit/settings';
import { imageRepositoryTargets } from '../../cli/src/cloud/apply.js';
import { contractOf, loadServiceContracts } from '../../cli/src/lab/service-contracts.js';
import { loadTopology } from '../../cli/src/lab/topology.js';
import { ENV_DIR, REPO_ROOT, TERRAFORM_DIR, loadModule, loadTfvarsExample, type LabTfvars } from './hcl.js';
import {
  PROVIDER_MIRROR,
  addressWithoutKeys,
  hasProviderMirror,
  lambdaZipNames,
  planEnv,
  plannedResources,
  preparePlanRoot,
  serviceSettings,
  startMoto,
  type Moto,
  type PlanRoot,
  type PlanRun,
  type TerraformPlan,
} from './plan.js';
import { TERRAFORM } from './terraform-cli.js';

// `terraform plan` of envs/aws from an empty state, with the committed tfvars example, against a real moto
// started through the project's native runtime. Where terraform and the provider mirror exist this must
// pass: a failure to start moto or to plan fails the tests, it does not skip them.
const hasTerraform = (await execa(TERRAFORM, ['version'], { reject: false })).exitCode === 0;
const canPlan = hasTerraform && hasProviderMirror;

let moto: Moto | undefined;
let root: PlanRoot | undefined;
let rehearsalRoot: PlanRoot | undefined;
let tfvars: LabTfvars;
/** Lab services that envs/aws runs as Lambda functions (its var.bridges), not as ECS services. */
let lambdaServices: string[];
let plain: PlanRun;
let plan: TerraformPlan;

beforeAll(async () => {
  if (!canPlan) return;
  tfvars = await loadTfvarsExample();
  lambdaServices = (await loadModule(ENV_DIR)).variable.bridges?.default as string[];
  moto = await startMoto();
  root = await preparePlanRoot();
  plain = await planEnv(root, moto.endpoint, { allow_plain_http: true });
  if (!plain.plan) throw new Error(`terraform plan from an empty state failed:\n${plain.stderr || plain.stdout}`);
  plan = plain.plan;
}, 300_000);

afterAll(async () => {
  await root?.remove();
  await rehearsalRoot?.remove();
  await moto?.stop();
});

/** Names as the contract derives them: payment-provider -> PAYMENT_PROVIDER. */
const constant = (name: string) => name.toUpperCase().replaceAll('-', '_');

describe.skipIf(!canPlan)(`terraform plan of envs/aws against moto (AWS provider from ${PROVIDER_MIRROR})`, () => {
  it('plans every resource from an empty state with the tfvars example', () => {
    expect(plain.exitCode).toBe(0);
    const changes = plan.resource_changes.filter((change) => change.mode === 'managed');
    expect(changes.every((change) => change.change.actions.join() === 'create')).toBe(true);
    const count = (type: string) => changes.filter((change) => change.type === type).length;
    const databaseNames = Object.values(tfvars.databases).flatMap((db) => db.database_names);
    const ecsServices = Object.keys(tfvars.services).filter((name) => !lambdaServices.includes(name));
    expect(count('aws_db_instance')).toBe(Object.keys(tfvars.databases).length);
    // The lab's services, and Unleash from its official image.
    expect(count('aws_ecs_service')).toBe(ecsServices.length + 1);
    expect(count('aws_ecs_task_definition')).toBe(ecsServices.length + 1);
    expect(changes.filter((change) => change.type === 'aws_ecs_service' && change.address.startsWith('module.flags[0].')).map((c) => c.address)).toEqual([
      'module.flags[0].aws_ecs_service.this',
    ]);
    expect(count('aws_lambda_function')).toBe(lambdaZipNames().length);
    expect(count('aws_lambda_invocation')).toBe(1);
    expect(changes.filter((change) => change.address.startsWith('module.databases.aws_secretsmanager_secret.role[')).length).toBe(databaseNames.length);
    expect(changes.length).toBeGreaterThan(300);
  });

  it("plans frank.yaml's archives on their buses, with their patterns and retention, and no queue for order outcomes", () => {
    const archives = plan.resource_changes.filter((change) => change.mode === 'managed' && change.type === 'aws_cloudwatch_event_archive');
    expect(
      Object.fromEntries(archives.map((a) => [a.change.after?.name, { pattern: a.change.after?.event_pattern ?? null, days: a.change.after?.retention_days }])),
    ).toEqual(Object.fromEntries(Object.entries(tfvars.archives).map(([name, archive]) => [name, { pattern: archive.pattern, days: archive.retention_days }])));
    expect(Object.keys(tfvars.archives)).toContain('order-outcomes');
    expect(plan.resource_changes.filter((change) => change.type === 'aws_sqs_queue').map((c) => c.change.after?.name)).not.toContain('frank-internal-archive');
  });

  it('gives each ECS service exactly the settings of the contract', () => {
    const settings = serviceSettings(plan);
    const ecsServices = Object.entries(tfvars.services).filter(([name]) => !lambdaServices.includes(name));
    expect(Object.keys(settings).sort()).toEqual(ecsServices.map(([name]) => name).sort());
    for (const [name, spec] of ecsServices) {
      const environment: Record<string, string> = { HOST: '0.0.0.0', PORT: String(spec.port), NODE_ENV: 'production', ...spec.environment };
      for (const callee of spec.calls) environment[`${constant(callee)}_URL`] = `http://${callee}.frank.local:${tfvars.services[callee]!.port}`;
      if (spec.uses.includes(tfvars.aws_resource)) environment.AWS_REGION = tfvars.region;
      const secrets: Record<string, string> = {};
      for (const used of spec.uses) {
        if (used in tfvars.databases) secrets.DATABASE_URL = 'url';
        if (used === tfvars.broker.name) secrets.AMQP_URL = 'url';
        if (used === tfvars.documents.name) secrets.MONGO_URL = 'url';
        if (used === tfvars.cache.name) secrets.REDIS_URL = 'url';
        if (used === tfvars.unleash?.name) {
          environment.UNLEASH_URL = `http://unleash.frank.local:${tfvars.unleash.port}/api`;
          secrets.UNLEASH_TOKEN = 'token';
        }
      }
      if (spec.secrets.includes('jwt')) secrets.JWT_SECRET = 'value';
      expect(settings[name], name).toEqual({ environment, secrets });
    }
    expect(Object.keys(settings.order!.secrets).sort()).toEqual(['AMQP_URL', 'DATABASE_URL', 'JWT_SECRET']);
    expect(settings.payment?.secrets.UNLEASH_TOKEN).toBe('token');
  });

  it('gives Unleash its own role, its generated tokens and nothing else', () => {
    expect(plan.planned_values.outputs?.unleash_settings?.value).toEqual({
      environment: {
        HTTP_PORT: String(tfvars.unleash!.port),
        DATABASE_SSL: JSON.stringify({ rejectUnauthorized: false }),
        CHECK_VERSION: 'false',
        SEND_TELEMETRY: 'false',
        LOG_LEVEL: 'warn',
      },
      secrets: { DATABASE_URL: 'url', INIT_ADMIN_API_TOKENS: 'token', INIT_BACKEND_API_TOKENS: 'token' },
    });
    const changes = plan.resource_changes.filter((change) => change.mode === 'managed');
    const rules = changes.filter((c) => c.address.startsWith('module.services.aws_vpc_security_group_ingress_rule.dependency_from_service['));
    expect(
      rules
        .filter((c) => c.address.endsWith('.unleash"]'))
        .map((c) => c.address)
        .sort(),
    ).toEqual([
      'module.services.aws_vpc_security_group_ingress_rule.dependency_from_service["notification.unleash"]',
      'module.services.aws_vpc_security_group_ingress_rule.dependency_from_service["payment.unleash"]',
    ]);
  });

  it('gives each ECS container every setting its service declares as required, and nothing it does not read (its src/settings.ts)', async () => {
    const topology = await loadTopology(path.join(REPO_ROOT, 'frank.yaml'));
    const contracts = await loadServiceContracts(topology);
    const settings = serviceSettings(plan);
    for (const [service, given] of Object.entries(settings)) {
      const names = [...Object.keys(given.environment), ...Object.keys(given.secrets)];
      expect(checkEnvironment(contractOf(contracts, service).described, names), service).toEqual([]);
    }
    // The check finds what the task definitions gave before the contract: parts of a database URL nobody reads, and no token key.
    expect(
      checkEnvironment(contractOf(contracts, 'order').described, [
        'HOST',
        'PORT',
        'DATABASE_HOST',
        'DATABASE_PASSWORD',
        'RABBITMQ_URL',
        'SERVICE_URL_INVENTORY',
      ]),
    ).toEqual([
      'DATABASE_URL is required (its own role on its own database) and not given',
      'AMQP_URL is required (RabbitMQ) and not given',
      "JWT_SECRET is required (verifies the user's token on every order) and not given",
      'INVENTORY_URL is required (inventory-service: SKUs and prices of a new order) and not given',
      'DATABASE_HOST is given and not read',
      'DATABASE_PASSWORD is given and not read',
      'RABBITMQ_URL is given and not read',
      'SERVICE_URL_INVENTORY is given and not read',
    ]);
  });

  it("gives each Lambda what its handler declares (lambdaSettings), the runtime's own variables aside", async () => {
    const topology = await loadTopology(path.join(REPO_ROOT, 'frank.yaml'));
    const contracts = await loadServiceContracts(topology);
    const { lambdaSettings: provisioner } = await import('../../services/cloud-provisioner/src/settings.js');
    const declared: Record<string, SettingDescription[]> = {
      'frank-eventbridge-bridge': contractOf(contracts, 'eventbridge-bridge').lambda!,
      'frank-rabbitmq-bridge': contractOf(contracts, 'rabbitmq-bridge').lambda!,
      'frank-image-processing': contractOf(contracts, 'image-processing').lambda!,
      'frank-cloud-provisioner': describeSettings(provisioner),
    };
    // Lambda sets these itself; the connection reuse flag is the SDK's.
    const runtime = ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_NODEJS_CONNECTION_REUSE_ENABLED'];
    const functions = plan.resource_changes.filter((c) => c.type === 'aws_lambda_function');
    expect(functions.length).toBe(Object.keys(declared).length);
    for (const fn of functions as unknown as {
      change: {
        after: { function_name: string; environment?: { variables?: Record<string, unknown> }[] };
        after_unknown?: { environment?: { variables?: Record<string, unknown> | boolean }[] };
      };
    }[]) {
      const name = fn.change.after.function_name;
      const known = Object.keys(fn.change.after.environment?.[0]?.variables ?? {});
      const unknown = fn.change.after_unknown?.environment?.[0]?.variables;
      const names = [...new Set([...known, ...(typeof unknown === 'object' ? Object.keys(unknown) : [])])];
      expect(declared[name], name).toBeDefined();
      // A map that holds an ARN is unknown as a whole until apply (the provisioner's plan, the
      // eventbridge-bridge's secret): `frank cloud rehearse` checks those, read back from the emulator.
      if (unknown === true) continue;
      expect(checkEnvironment(declared[name]!, [...names, ...runtime], runtime), name).toEqual([]);
    }
  });

  it('plans the provisioner and invokes it before any ECS service', () => {
    const resources = plannedResources(plan);
    const provisioner = resources.find((r) => r.address === 'module.provisioner.aws_lambda_function.this');
    expect(provisioner?.values).toMatchObject({
      function_name: 'frank-cloud-provisioner',
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      timeout: 300,
      memory_size: 512,
    });
    const invocation = resources.find((r) => r.address === 'module.provisioner.aws_lambda_invocation.this');
    expect(JSON.parse(String(invocation?.values.input))).toEqual({ seed: 1, code: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) });
    expect(resources.some((r) => r.address === 'module.services.terraform_data.start_after')).toBe(true);
  });

  it('fails without certificate_arn and without allow_plain_http, saying what to set', async () => {
    const run = await planEnv(root!, moto!.endpoint, {});
    expect(run.exitCode).not.toBe(0);
    const message = run.stderr.replace(/\s+/g, ' ');
    expect(message).toContain('set certificate_arn to an ACM certificate, or set allow_plain_http = true');
  });

  it("plans exactly the image repositories, Unleash's too, for what `frank cloud apply` creates before it pushes the images", async () => {
    const run = await planEnv(root!, moto!.endpoint, { allow_plain_http: true }, { targets: imageRepositoryTargets(true) });
    expect(run.exitCode, run.stderr).toBe(0);
    const created = run.plan!.resource_changes.filter((c) => c.mode === 'managed' && c.change.actions.includes('create'));
    expect(new Set(created.map((c) => c.type))).toEqual(new Set(['aws_ecr_repository', 'aws_kms_key']));
    expect(created.filter((c) => c.type === 'aws_ecr_repository').map((c) => addressWithoutKeys(c.address))).toEqual(
      expect.arrayContaining(['module.services.aws_ecr_repository.this', 'module.flags.aws_ecr_repository.this']),
    );
  });

  it('serves HTTPS with a certificate and redirects port 80 to it', async () => {
    const run = await planEnv(root!, moto!.endpoint, {
      certificate_arn: 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000',
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const resources = plannedResources(run.plan!);
    const http = resources.find((r) => r.address === 'module.services.aws_lb_listener.http');
    expect((http?.values.default_action as { type: string }[])[0]?.type).toBe('redirect');
    expect(resources.find((r) => r.address === 'module.services.aws_lb_listener.https[0]')?.values).toMatchObject({ port: 443, protocol: 'HTTPS' });
    expect(
      resources
        .filter((r) => r.address.startsWith('module.services.aws_vpc_security_group_ingress_rule.alb['))
        .map((r) => r.values.from_port)
        .sort(),
    ).toEqual([443, 80]);
  });

  it('with the rehearsal overrides, leaves out exactly the resources exclusions.json lists', async () => {
    rehearsalRoot = await preparePlanRoot({ rehearsal: true });
    const rehearsal = await planEnv(rehearsalRoot, moto!.endpoint, { allow_plain_http: true });
    expect(rehearsal.exitCode, rehearsal.stderr).toBe(0);
    const addresses = (p: TerraformPlan) => new Set(p.resource_changes.filter((c) => c.mode === 'managed').map((c) => addressWithoutKeys(c.address)));
    const full = addresses(plan);
    const rehearsed = addresses(rehearsal.plan!);
    const exclusions = JSON.parse(await readFile(path.join(TERRAFORM_DIR, 'rehearsal', 'exclusions.json'), 'utf8')) as { address: string; reason: string }[];
    for (const exclusion of exclusions) expect(exclusion.reason.length, exclusion.address).toBeGreaterThan(20);
    expect([...full].filter((address) => !rehearsed.has(address)).sort()).toEqual(exclusions.map((e) => e.address).sort());
    // The only additions are the stand-in master secrets.
    expect([...rehearsed].filter((address) => !full.has(address))).toEqual(['module.databases.aws_secretsmanager_secret.rehearsal_master']);
    const destroyExclusions = JSON.parse(await readFile(path.join(TERRAFORM_DIR, 'rehearsal', 'destroy-exclusions.json'), 'utf8')) as { address: string }[];
    for (const exclusion of destroyExclusions) expect(rehearsed.has(exclusion.address), exclusion.address).toBe(true);
  }, 180_000);
});

if (!canPlan) {
  describe('terraform plan of envs/aws against moto', () => {
    it.skip(`needs terraform and the AWS provider in a filesystem mirror (${PROVIDER_MIRROR}, or set FRANK_TF_PROVIDER_MIRROR)`, () => {});
  });
}
