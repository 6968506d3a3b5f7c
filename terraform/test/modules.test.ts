import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfvarsFromTopology, type CloudTfvars } from '../../cli/src/cloud/tfvars.js';
import { loadServiceContracts } from '../../cli/src/lab/service-contracts.js';
import { loadTopology } from '../../cli/src/lab/topology.js';
import { ENV_DIR, MODULES_DIR, REPO_ROOT, TERRAFORM_DIR, expression, loadModule, nested, parseFile, resource, tfFiles, type Block, type Module } from './hcl.js';
import { evaluateLocals, terraform } from './terraform-cli.js';

const MODULE_NAMES = ['broker', 'cache', 'databases', 'documents', 'events', 'network', 'services'] as const;
type ModuleName = (typeof MODULE_NAMES)[number];

let modules: Record<ModuleName, Module>;
let env: Module;
let tfvars: CloudTfvars;

beforeAll(async () => {
  const loaded = await Promise.all(MODULE_NAMES.map(async (name) => [name, await loadModule(path.join(MODULES_DIR, name))] as const));
  modules = Object.fromEntries(loaded) as Record<ModuleName, Module>;
  env = await loadModule(ENV_DIR);
  const topology = await loadTopology(path.join(REPO_ROOT, 'frank.yaml'));
  tfvars = tfvarsFromTopology(topology, await loadServiceContracts(topology));
});

describe('every .tf file', () => {
  it('is terraform fmt clean', async () => {
    const result = await terraform(['fmt', '-check', '-recursive', '-list=true', '.'], { cwd: TERRAFORM_DIR });
    expect(result.stdout, 'files terraform fmt would rewrite').toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('is checked by a terraform fmt that does catch misaligned files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'frank-fmt-'));
    await writeFile(path.join(dir, 'main.tf'), 'locals {\n  a = 1\n  bbb = 2\n}\n');
    const result = await terraform(['fmt', '-check', '-list=true', '.'], { cwd: dir });
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toContain('main.tf');
  });

  it('parses with a real HCL parser', async () => {
    const files = await tfFiles(TERRAFORM_DIR);
    expect(files.length).toBeGreaterThanOrEqual(MODULE_NAMES.length * 4 + 4);
    for (const file of files) {
      await expect(parseFile(file), path.relative(REPO_ROOT, file)).resolves.toBeTypeOf('object');
    }
  });

  it('is parsed by a parser that rejects broken HCL', async () => {
    await expect(parse('broken.tf', 'resource "aws_vpc" "this" {\n  cidr_block = \n')).rejects.toThrow(/broken\.tf/);
  });
});

describe.each(MODULE_NAMES)('module %s', (name) => {
  it('has the standard layout', () => {
    for (const file of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md']) {
      expect(existsSync(path.join(MODULES_DIR, name, file)), `${name}/${file}`).toBe(true);
    }
    const providers = modules[name].terraform.flatMap((block) => nested(block, 'required_providers'));
    expect(providers.map((p) => (p.aws as Block | undefined)?.source)).toContain('hashicorp/aws');
  });

  it('types and describes every variable and output', () => {
    const module = modules[name];
    expect(Object.keys(module.variable).length).toBeGreaterThan(0);
    for (const [variable, block] of Object.entries(module.variable)) {
      expect(block.type, `variable ${variable} type`).toBeTypeOf('string');
      expect(String(block.description ?? '').length, `variable ${variable} description`).toBeGreaterThan(10);
    }
    expect(Object.keys(module.output).length).toBeGreaterThan(0);
    for (const [output, block] of Object.entries(module.output)) {
      expect(String(block.description ?? '').length, `output ${output} description`).toBeGreaterThan(10);
    }
  });

  it('takes tags and puts them on every resource that has tags', () => {
    const module = modules[name];
    expect(module.variable.tags?.type).toBe('${map(string)}');
    const tagged = Object.entries(module.resource).flatMap(([type, named]) =>
      Object.entries(named)
        .filter(([, block]) => 'tags' in block)
        .map(([resourceName, block]) => [`${type}.${resourceName}`, String(block.tags)] as const),
    );
    expect(tagged.length).toBeGreaterThan(0);
    for (const [address, tags] of tagged) expect(tags, address).toMatch(/^\$\{(var\.tags|merge\(var\.tags,)/);
  });

  it('documents every variable and output in its README', async () => {
    const readme = await readFile(path.join(MODULES_DIR, name, 'README.md'), 'utf8');
    for (const documented of [...Object.keys(modules[name].variable), ...Object.keys(modules[name].output)]) {
      expect(readme, `${name}/README.md mentions ${documented}`).toContain(`\`${documented}\``);
    }
  });
});

describe('databases', () => {
  it('declares one encrypted, private RDS PostgreSQL instance per database with for_each', () => {
    const db = resource(modules.databases, 'aws_db_instance', 'this');
    expect(db.for_each).toBe('${var.databases}');
    expect(db.engine).toBe('postgres');
    expect(db.port).toBe('${each.value.port}');
    expect(db.storage_encrypted).toBe(true);
    expect(db.kms_key_id).toBe('${var.kms_key_arn}');
    expect(db.publicly_accessible).toBe(false);
    expect(db.manage_master_user_password).toBe(true);
    expect(db.master_user_secret_kms_key_id).toBe('${var.kms_key_arn}');
    expect(db).not.toHaveProperty('password');
    expect(db.vpc_security_group_ids).toEqual(['${aws_security_group.this[each.key].id}']);
  });

  it('gives every database its own security group and forces TLS', () => {
    expect(resource(modules.databases, 'aws_security_group', 'this').for_each).toBe('${var.databases}');
    const parameters = nested(resource(modules.databases, 'aws_db_parameter_group', 'this'), 'parameter');
    expect(parameters).toContainEqual({ name: 'rds.force_ssl', value: '1' });
  });

  it('receives all seven postgres resources of frank.yaml from the env root', () => {
    expect(env.module.databases?.databases).toBe('${var.databases}');
    expect(Object.keys(tfvars.databases)).toEqual(['analytics-db', 'infrastructure-db', 'inventory-db', 'notification-db', 'order-db', 'payment-db', 'user-db']);
    expect(tfvars.databases['infrastructure-db']?.database_names).toEqual(['sonarqube', 'unleash']);
  });
});

describe('broker, documents and cache', () => {
  it('declares a private Amazon MQ for RabbitMQ broker with its user in Secrets Manager', () => {
    const broker = resource(modules.broker, 'aws_mq_broker', 'this');
    expect(broker.engine_type).toBe('RabbitMQ');
    expect(broker.publicly_accessible).toBe(false);
    expect(nested(broker, 'logs')).toEqual([{ general: true }]);
    expect(nested(broker, 'user')[0]?.password).toBe('${jsondecode(data.aws_secretsmanager_secret_version.this.secret_string).password}');
    expect(resource(modules.broker, 'aws_secretsmanager_secret', 'this').kms_key_id).toBe('${var.kms_key_arn}');
    // Generated by Secrets Manager and written write-only: no random provider, no password in the secret's state.
    expect(modules.broker.ephemeral.aws_secretsmanager_random_password?.this).toMatchObject({ exclude_punctuation: true });
    const version = resource(modules.broker, 'aws_secretsmanager_secret_version', 'this');
    expect(version).not.toHaveProperty('secret_string');
    expect(String(version.secret_string_wo)).toContain('ephemeral.aws_secretsmanager_random_password.this.random_password');
  });

  it('declares an encrypted DocumentDB cluster that requires TLS', () => {
    const cluster = resource(modules.documents, 'aws_docdb_cluster', 'this');
    expect(cluster.storage_encrypted).toBe(true);
    expect(cluster.kms_key_id).toBe('${var.kms_key_arn}');
    expect(cluster.manage_master_user_password).toBe(true);
    expect(cluster).not.toHaveProperty('master_password');
    expect(nested(resource(modules.documents, 'aws_docdb_cluster_parameter_group', 'this'), 'parameter')).toContainEqual({ name: 'tls', value: 'enabled' });
  });

  it('declares ElastiCache Redis encrypted in transit and at rest, with an AUTH token', () => {
    const cache = resource(modules.cache, 'aws_elasticache_replication_group', 'this');
    expect(cache.engine).toBe('redis');
    expect(cache.transit_encryption_enabled).toBe(true);
    expect(cache.at_rest_encryption_enabled).toBe(true);
    expect(cache.kms_key_id).toBe('${var.kms_key_arn}');
    expect(cache.auth_token).toBe('${jsondecode(data.aws_secretsmanager_secret_version.this.secret_string).password}');
    expect(resource(modules.cache, 'aws_secretsmanager_secret_version', 'this')).not.toHaveProperty('secret_string');
  });
});

describe('events', () => {
  it('declares both buses, an archive per bus, and the rules with SQS targets', () => {
    const bus = resource(modules.events, 'aws_cloudwatch_event_bus', 'this');
    expect(bus.for_each).toBe('${toset(var.buses)}');
    expect(bus.name).toBe('${each.key}');
    expect(tfvars.buses).toEqual(['frank-external', 'frank-internal']);
    expect(env.module.events?.buses).toBe('${var.buses}');

    expect(resource(modules.events, 'aws_cloudwatch_event_archive', 'this').for_each).toBe('${aws_cloudwatch_event_bus.this}');

    const rule = resource(modules.events, 'aws_cloudwatch_event_rule', 'this');
    expect(rule.for_each).toBe('${var.rules}');
    expect(rule.event_bus_name).toBe('${aws_cloudwatch_event_bus.this[each.value.bus].name}');
    expect(rule.event_pattern).toBe('${each.value.pattern}');
    const target = resource(modules.events, 'aws_cloudwatch_event_target', 'this');
    expect(target.for_each).toBe('${var.rules}');
    expect(target.arn).toBe('${aws_sqs_queue.this[each.value.target].arn}');
    expect(env.module.events?.rules).toBe('${var.rules}');
    expect(Object.keys(tfvars.rules)).toEqual(['order-outcomes', 'payment-webhooks']);
  });

  it('lets EventBridge send to exactly the queues that rules target', async () => {
    const result = await evaluateLocals({
      variables: { queues: tfvars.queues, rules: tfvars.rules },
      locals: { queue_targets: expression(modules.events.locals.queue_targets)! },
      expressions: { queue_targets: 'local.queue_targets' },
    });
    expect(result.queue_targets).toEqual({ 'frank-payment-webhooks': ['payment-webhooks'], 'frank-internal-archive': ['order-outcomes'] });
  });

  it('runs the two bridges as Lambda functions from zip paths given as variables', () => {
    const fn = resource(modules.events, 'aws_lambda_function', 'this');
    expect(fn.for_each).toBe('${local.bridges}');
    expect(fn.filename).toBe('${each.value.zip}');
    expect(fn.source_code_hash).toBe('${filebase64sha256(each.value.zip)}');
    expect(fn.handler).toBe('index.handler');
    const bridges = modules.events.locals.bridges as Record<string, Block>;
    expect(Object.keys(bridges)).toEqual(['eventbridge-bridge', 'rabbitmq-bridge']);
    expect(bridges['eventbridge-bridge']?.zip).toBe('${var.eventbridge_bridge_zip}');
    expect(bridges['rabbitmq-bridge']?.zip).toBe('${var.rabbitmq_bridge_zip}');
    expect(env.module.events).toMatchObject({
      eventbridge_bridge_zip: '${var.lambda_dir}/eventbridge-bridge.zip',
      rabbitmq_bridge_zip: '${var.lambda_dir}/rabbitmq-bridge.zip',
    });
    for (const variable of ['eventbridge_bridge_zip', 'rabbitmq_bridge_zip']) {
      expect(modules.events.variable[variable], variable).toBeDefined();
      expect(modules.events.variable[variable], `${variable} has no default: the caller says where the zip is`).not.toHaveProperty('default');
    }
  });

  it('feeds eventbridge-bridge from frank-payment-webhooks and rabbitmq-bridge from the broker', () => {
    const sqs = resource(modules.events, 'aws_lambda_event_source_mapping', 'eventbridge_bridge');
    expect(sqs.function_name).toBe('${aws_lambda_function.this["eventbridge-bridge"].arn}');
    expect(sqs.event_source_arn).toBe('${aws_sqs_queue.this[var.eventbridge_bridge_queue].arn}');
    expect(modules.events.variable.eventbridge_bridge_queue?.default).toBe('frank-payment-webhooks');
    expect(tfvars.queues).toContain('frank-payment-webhooks');

    const mq = resource(modules.events, 'aws_lambda_event_source_mapping', 'rabbitmq_bridge');
    expect(mq.function_name).toBe('${aws_lambda_function.this["rabbitmq-bridge"].arn}');
    expect(mq.event_source_arn).toBe('${var.broker.arn}');
    expect(modules.events.variable.rabbitmq_bridge_bus?.default).toBe('frank-internal');
  });
});

describe('services', () => {
  it('declares one Fargate task definition and ECS service per service, in private subnets', () => {
    const service = resource(modules.services, 'aws_ecs_service', 'this');
    expect(service.for_each).toBe('${var.services}');
    expect(service.launch_type).toBe('FARGATE');
    expect(nested(service, 'network_configuration')[0]).toMatchObject({ subnets: '${var.private_subnet_ids}', assign_public_ip: false });
    expect(resource(modules.services, 'aws_ecs_task_definition', 'this').for_each).toBe('${var.services}');
    expect(resource(modules.services, 'aws_cloudwatch_log_group', 'this').for_each).toBe('${var.services}');
  });

  it('puts an internet-facing ALB in the public subnets in front of the bff only', () => {
    const alb = resource(modules.services, 'aws_lb', 'this');
    expect(alb.internal).toBe(false);
    expect(alb.subnets).toBe('${var.public_subnet_ids}');
    expect(modules.services.variable.public_service?.default).toBe('bff');
    const service = resource(modules.services, 'aws_ecs_service', 'this');
    const loadBalancer = (service.dynamic as Record<string, Block[]>).load_balancer;
    expect(loadBalancer?.[0]?.for_each).toBe('${each.key == var.public_service ? [each.value.port] : []}');
  });

  it('deploys every lab service that is not a bridge as an ECS service', async () => {
    const bridges = env.variable.bridges?.default as string[];
    const result = await evaluateLocals({
      variables: { services: tfvars.services, bridges },
      locals: { ecs_services: expression(env.locals.ecs_services)! },
      expressions: { ecs_services: 'keys(local.ecs_services)' },
    });
    const expected = Object.keys(tfvars.services).filter((name) => !bridges.includes(name));
    expect(result.ecs_services).toEqual(expected);
    expect(expected).toEqual(['analytics', 'bff', 'inventory', 'notification', 'order', 'payment', 'payment-provider', 'user', 'views']);
    expect(env.module.services?.services).toBe('${local.ecs_services}');
    // The services that are not ECS services are exactly the Lambda bridges.
    expect(bridges).toEqual(['eventbridge-bridge', 'rabbitmq-bridge']);
  });

  it('lets each service reach only its own database and the dependencies it uses', async () => {
    const ecs = Object.fromEntries(Object.entries(tfvars.services).filter(([name]) => !name.endsWith('-bridge')));
    const dependencies: Record<string, unknown> = {
      [tfvars.broker.name]: { port: 5671, security_group_id: 'sg-broker' },
      [tfvars.documents.name]: { port: tfvars.documents.port, security_group_id: 'sg-documents' },
      [tfvars.cache.name]: { port: tfvars.cache.port, security_group_id: 'sg-cache' },
      [tfvars.aws_resource]: { environment: { AWS_REGION: tfvars.region } },
    };
    for (const [name, db] of Object.entries(tfvars.databases)) {
      dependencies[name] = { port: db.port, security_group_id: `sg-${name}`, environment: { DATABASE_HOST: `${name}.internal` } };
    }
    const result = await evaluateLocals({
      variables: { services: ecs, dependencies, service_discovery_namespace: 'frank.local' },
      locals: { links: expression(modules.services.locals.links)!, environment: expression(modules.services.locals.environment)! },
      expressions: { links: 'local.links', environment: 'local.environment' },
    });
    const links = result.links as Record<string, { service: string; dependency: string }>;

    // A security-group rule exists for exactly the links in frank.yaml that cross the network.
    const expected = Object.entries(ecs).flatMap(([service, spec]) => spec.uses.filter((used) => used !== tfvars.aws_resource).map((used) => `${service}.${used}`));
    expect(Object.keys(links).sort()).toEqual(expected.sort());

    for (const name of Object.keys(tfvars.databases)) {
      const users = Object.values(links).filter((link) => link.dependency === name).map((link) => link.service);
      const owner = name.replace(/-db$/, '');
      expect(users, `services let into ${name}`).toEqual(name === 'infrastructure-db' ? [] : [owner]);
    }
    const environment = result.environment as Record<string, Record<string, string>>;
    expect(environment.order?.DATABASE_HOST).toBe('order-db.internal');
    expect(environment.bff).not.toHaveProperty('DATABASE_HOST');
    expect(environment.bff?.SERVICE_URL_ORDER).toBe('http://order.frank.local:3003');
    expect(environment['payment-provider']?.AWS_REGION).toBe('us-east-1');
  });
});

describe('network', () => {
  it('reaches Secrets Manager, SQS, EventBridge, ECR and CloudWatch Logs through VPC endpoints', () => {
    const endpoints = modules.network.variable.interface_endpoints?.default as string[];
    for (const service of ['secretsmanager', 'sqs', 'events', 'ecr.api', 'ecr.dkr', 'logs']) expect(endpoints).toContain(service);
    expect(resource(modules.network, 'aws_vpc_endpoint', 'interface').for_each).toBe('${toset(var.interface_endpoints)}');
    expect(resource(modules.network, 'aws_vpc_endpoint', 's3').vpc_endpoint_type).toBe('Gateway');
    expect(resource(modules.network, 'aws_subnet', 'private').count).toBe('${var.az_count}');
    expect(resource(modules.network, 'aws_subnet', 'public').count).toBe('${var.az_count}');
  });
});

describe('env root terraform/envs/aws', () => {
  it('pins the AWS provider to one minor version', () => {
    const providers = env.terraform.flatMap((block) => nested(block, 'required_providers'));
    expect((providers[0]?.aws as Block).version).toBe('~> 5.100.0');
    expect(env.provider.aws?.[0]?.region).toBe('${var.region}');
  });

  it('composes every module', () => {
    for (const name of MODULE_NAMES) expect(env.module[name]?.source, `module ${name}`).toBe(`../../modules/${name}`);
  });

  it('outputs the endpoints the CLI reads', () => {
    for (const output of ['alb_dns_name', 'bff_url', 'database_endpoints', 'broker_endpoint', 'bus_names', 'queue_urls', 'region']) {
      expect(env.output[output], output).toBeDefined();
    }
  });
});
