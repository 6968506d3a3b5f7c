import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ENV_DIR,
  MODULES_DIR,
  REPO_ROOT,
  TERRAFORM_DIR,
  expression,
  loadModule,
  loadTfvarsExample,
  localSource,
  nested,
  parseFile,
  resource,
  tfFiles,
  type Block,
  type LabTfvars,
  type Module,
} from './hcl.js';
import { IMAGES } from '../../cli/src/runtimes/docker/images.js';
import { unleashApiTokens } from '../../cli/src/runtimes/unleash-tokens.js';
import { evaluateLocals, terraform } from './terraform-cli.js';

const MODULE_NAMES = ['broker', 'cache', 'databases', 'documents', 'events', 'flags', 'images', 'network', 'provisioner', 'services'] as const;
type ModuleName = (typeof MODULE_NAMES)[number];

let modules: Record<ModuleName, Module>;
let env: Module;
// The committed example: what `frank cloud tfvars` writes (env-aws.test.ts keeps the two equal).
let tfvars: LabTfvars;

beforeAll(async () => {
  const loaded = await Promise.all(MODULE_NAMES.map(async (name) => [name, await loadModule(path.join(MODULES_DIR, name))] as const));
  modules = Object.fromEntries(loaded) as Record<ModuleName, Module>;
  env = await loadModule(ENV_DIR);
  tfvars = await loadTfvarsExample();
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
    expect(Object.keys(tfvars.databases)).toEqual([
      'analytics-db',
      'infrastructure-db',
      'inventory-db',
      'notification-db',
      'order-db',
      'payment-db',
      'user-db',
    ]);
    expect(tfvars.databases['infrastructure-db']?.database_names).toEqual(['sonarqube', 'unleash']);
    expect(tfvars.databases['user-db']?.schemas).toEqual({ user_service: ['user_domain', 'saga_coord', 'event_store', 'saga_report'] });
  });

  it('gives every database name a role of its own, keyed from var.databases alone', async () => {
    const result = await evaluateLocals({
      variables: { databases: tfvars.databases },
      locals: { roles: expression(modules.databases.locals.roles)! },
      expressions: { roles: 'local.roles' },
    });
    const roles = result.roles as Record<string, { instance: string; database: string; schemas: string[] }>;
    expect(Object.keys(roles).sort()).toEqual(
      Object.values(tfvars.databases)
        .flatMap((db) => db.database_names)
        .sort(),
    );
    expect(roles.order_service).toEqual({
      instance: 'order-db',
      database: 'order_service',
      schemas: ['order_domain', 'saga_coord', 'event_store', 'saga_report'],
    });
    expect(roles.unleash).toEqual({ instance: 'infrastructure-db', database: 'unleash', schemas: [] });
    for (const kind of ['aws_secretsmanager_secret', 'aws_secretsmanager_secret_version']) {
      expect(resource(modules.databases, kind, 'role').for_each, kind).toBe('${local.roles}');
    }
    expect(modules.databases.ephemeral.aws_secretsmanager_random_password?.role).toMatchObject({ for_each: '${local.roles}', exclude_punctuation: true });
  });

  it('writes the credentials and URL of each role write-only, with a password generated by Secrets Manager', () => {
    const version = resource(modules.databases, 'aws_secretsmanager_secret_version', 'role');
    expect(version).not.toHaveProperty('secret_string');
    const written = String(version.secret_string_wo);
    for (const key of ['username', 'password', 'host', 'port', 'dbname', 'url']) expect(written).toContain(`${key} `);
    expect(written).toContain('ephemeral.aws_secretsmanager_random_password.role[each.key].random_password');
    expect(written).toContain('postgres://${urlencode(each.key)}:${urlencode(');
    expect(written).toContain('?sslmode=require');
    expect(version.secret_string_wo_version).toBe('${var.role_password_version}');
    expect(resource(modules.databases, 'aws_secretsmanager_secret', 'role').kms_key_id).toBe('${var.kms_key_arn}');
  });

  it('reads the instances through local.instances only, so the rehearsal can stand in for them', async () => {
    const text = (await Promise.all(modules.databases.files.map((file) => readFile(path.join(modules.databases.dir, file), 'utf8')))).join('\n');
    const references = text.match(/aws_db_instance\.this\[[^\]]+\]/g) ?? [];
    expect(references.length).toBeGreaterThan(0);
    expect(String(modules.databases.locals.instances)).toContain('aws_db_instance.this[key]');
    // Every reference sits in local.instances.
    expect(references.every((reference) => String(modules.databases.locals.instances).includes(reference))).toBe(true);
    for (const output of Object.values(modules.databases.output)) expect(String(output.value)).not.toContain('aws_db_instance');
  });
});

describe('broker, documents and cache', () => {
  it('declares a private Amazon MQ for RabbitMQ broker with its user in Secrets Manager', () => {
    const broker = resource(modules.broker, 'aws_mq_broker', 'this');
    expect(broker.engine_type).toBe('RabbitMQ');
    expect(broker.publicly_accessible).toBe(false);
    expect(nested(broker, 'logs')).toEqual([{ general: true }]);
    expect(nested(broker, 'user')[0]?.password).toBe('${local.password}');
    expect(modules.broker.locals.password).toBe('${jsondecode(data.aws_secretsmanager_secret_version.this.secret_string).password}');
    expect(resource(modules.broker, 'aws_secretsmanager_secret', 'this').kms_key_id).toBe('${var.kms_key_arn}');
    // Generated by Secrets Manager and written write-only: no random provider, no password in the secret's state.
    expect(modules.broker.ephemeral.aws_secretsmanager_random_password?.this).toMatchObject({ exclude_punctuation: true });
    const version = resource(modules.broker, 'aws_secretsmanager_secret_version', 'this');
    expect(version).not.toHaveProperty('secret_string');
    expect(String(version.secret_string_wo)).toContain('ephemeral.aws_secretsmanager_random_password.this.random_password');
  });

  it('keeps a connection URL with credentials for each of the broker, DocumentDB and the cache, written write-only', () => {
    const urls: Record<'broker' | 'documents' | 'cache', string> = {
      broker: 'amqps://${urlencode(var.username)}:${urlencode(local.password)}@${trimprefix(local.endpoint, "amqps://")}',
      documents:
        'mongodb://${urlencode(var.username)}:${urlencode(local.password)}@${local.endpoint}:${var.port}/?tls=true&replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=false',
      cache: 'rediss://:${urlencode(local.auth_token)}@${local.primary_endpoint_address}:${var.port}',
    };
    for (const [name, url] of Object.entries(urls)) {
      const module = modules[name as keyof typeof urls];
      const version = resource(module, 'aws_secretsmanager_secret_version', 'url');
      expect(version, name).not.toHaveProperty('secret_string');
      expect(version.secret_string_wo, name).toBe(`\${jsonencode({ url = "${url}" })}`);
      // Written again when the endpoint changes, not only when the password does.
      expect(nested(version, 'lifecycle')[0]?.replace_triggered_by, name).toEqual(['${terraform_data.url_endpoint}']);
      expect(resource(module, 'aws_secretsmanager_secret', 'url').kms_key_id, name).toBe('${var.kms_key_arn}');
      expect(String(module.output.url_secret_arn?.value), name).toBe('${aws_secretsmanager_secret_version.url.arn}');
    }
  });

  it('declares an encrypted DocumentDB cluster that requires TLS', () => {
    const cluster = resource(modules.documents, 'aws_docdb_cluster', 'this');
    expect(cluster.storage_encrypted).toBe(true);
    expect(cluster.kms_key_id).toBe('${var.kms_key_arn}');
    // A password of its own, written write-only and read back ephemerally: never in the plan or the state.
    expect(cluster).not.toHaveProperty('manage_master_user_password');
    expect(cluster).not.toHaveProperty('master_password');
    expect(cluster.master_password_wo).toBe('${local.password}');
    expect(String(modules.documents.locals.password)).toContain('ephemeral.aws_secretsmanager_secret_version.master.secret_string');
    expect(resource(modules.documents, 'aws_secretsmanager_secret_version', 'master')).not.toHaveProperty('secret_string');
    expect(nested(resource(modules.documents, 'aws_docdb_cluster_parameter_group', 'this'), 'parameter')).toContainEqual({ name: 'tls', value: 'enabled' });
  });

  it('declares ElastiCache Redis encrypted in transit and at rest, with an AUTH token', () => {
    const cache = resource(modules.cache, 'aws_elasticache_replication_group', 'this');
    expect(cache.engine).toBe('redis');
    expect(cache.transit_encryption_enabled).toBe(true);
    expect(cache.at_rest_encryption_enabled).toBe(true);
    expect(cache.kms_key_id).toBe('${var.kms_key_arn}');
    expect(cache.auth_token).toBe('${local.auth_token}');
    expect(modules.cache.locals.auth_token).toBe('${jsondecode(data.aws_secretsmanager_secret_version.this.secret_string).password}');
    expect(resource(modules.cache, 'aws_secretsmanager_secret_version', 'this')).not.toHaveProperty('secret_string');
  });
});

describe('events', () => {
  it("declares both buses, frank.yaml's archives on them, and the rules with SQS targets", () => {
    const bus = resource(modules.events, 'aws_cloudwatch_event_bus', 'this');
    expect(bus.for_each).toBe('${toset(var.buses)}');
    expect(bus.name).toBe('${each.key}');
    expect(tfvars.buses).toEqual(['frank-external', 'frank-internal']);
    expect(env.module.events?.buses).toBe('${var.buses}');

    expect(resource(modules.events, 'aws_cloudwatch_event_archive', 'this')).toMatchObject({
      for_each: '${var.archives}',
      name: '${each.key}',
      event_source_arn: '${aws_cloudwatch_event_bus.this[each.value.bus].arn}',
      event_pattern: '${each.value.pattern}',
      retention_days: '${each.value.retention_days}',
    });
    expect(env.module.events?.archives).toBe('${var.archives}');
    expect(tfvars.archives).toEqual({
      'frank-external-archive': { bus: 'frank-external', pattern: null, retention_days: 30 },
      'order-outcomes': { bus: 'frank-internal', pattern: '{"detail-type":["order.confirmed","order.cancelled"]}', retention_days: 14 },
    });

    const rule = resource(modules.events, 'aws_cloudwatch_event_rule', 'this');
    expect(rule.for_each).toBe('${var.rules}');
    expect(rule.event_bus_name).toBe('${aws_cloudwatch_event_bus.this[each.value.bus].name}');
    expect(rule.event_pattern).toBe('${each.value.pattern}');
    const target = resource(modules.events, 'aws_cloudwatch_event_target', 'this');
    expect(target.for_each).toBe('${var.rules}');
    expect(target.arn).toBe('${aws_sqs_queue.this[each.value.target].arn}');
    expect(env.module.events?.rules).toBe('${var.rules}');
    expect(Object.keys(tfvars.rules)).toEqual(['payment-webhooks', 'product-image-ready', 'product-image-uploads']);
  });

  it('lets EventBridge send to exactly the queues that rules target', async () => {
    const result = await evaluateLocals({
      variables: { queues: tfvars.queues, rules: tfvars.rules },
      locals: { queue_targets: expression(modules.events.locals.queue_targets)! },
      expressions: { queue_targets: 'local.queue_targets' },
    });
    expect(result.queue_targets).toEqual({
      'frank-payment-webhooks': ['payment-webhooks', 'product-image-ready'],
      'frank-aws-events': [],
      'frank-image-uploads': ['product-image-uploads'],
    });
  });

  it('runs the scheduled rule nightly on the default bus, to its queue, which the eventbridge-bridge Lambda also reads', async () => {
    expect(tfvars.schedules).toEqual({ 'analytics-cube-refresh': { target: 'frank-aws-events', schedule_expression: 'cron(0 3 * * ? *)' } });
    const rule = resource(modules.events, 'aws_cloudwatch_event_rule', 'schedule');
    expect(rule).toMatchObject({ for_each: '${var.schedules}', schedule_expression: '${each.value.schedule_expression}' });
    expect(rule).not.toHaveProperty('event_bus_name');
    expect(resource(modules.events, 'aws_cloudwatch_event_target', 'schedule')).toMatchObject({ arn: '${aws_sqs_queue.this[each.value.target].arn}' });
    const result = await evaluateLocals({
      variables: { schedules: tfvars.schedules },
      locals: { schedule_queues: expression(modules.events.locals.schedule_queues)! },
      expressions: { schedule_queues: 'local.schedule_queues' },
    });
    expect(result.schedule_queues).toEqual(['frank-aws-events']);
    expect(resource(modules.events, 'aws_lambda_event_source_mapping', 'eventbridge_bridge_schedules')).toMatchObject({
      event_source_arn: '${aws_sqs_queue.this[each.key].arn}',
      function_response_types: ['ReportBatchItemFailures'],
    });
    // The queue policy lets EventBridge send for the scheduled rules too.
    expect(JSON.stringify(modules.events.locals.queue_rule_arns)).toContain('aws_cloudwatch_event_rule.schedule[name].arn');
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
    expect(mq.queues).toEqual(['${var.rabbitmq_bridge_queue}']);
    // The queue the rabbitmq-bridge's code declares.
    expect(modules.events.variable.rabbitmq_bridge_queue?.default).toBe('rabbitmq-bridge.outcomes');
    expect(env.variable.rabbitmq_bridge_queue?.default).toBe('rabbitmq-bridge.outcomes');
    expect(nested(mq, 'source_access_configuration')).toContainEqual({ type: 'BASIC_AUTH', uri: '${var.broker.secret_arn}' });
    expect(modules.events.variable.rabbitmq_bridge_bus?.default).toBe('frank-internal');
  });

  it('gives each bridge only the settings its code reads, and the secret it reads to the one that reads it', () => {
    const bridges = modules.events.locals.bridges as Record<
      string,
      { environment: Record<string, string>; statements: { actions: string[]; resources: string[] }[] }
    >;
    expect(bridges['eventbridge-bridge']?.environment).toEqual({ AMQP_URL_SECRET_ARN: '${var.broker.url_secret_arn}' });
    expect(bridges['rabbitmq-bridge']?.environment).toEqual({});
    const reads = (bridge: string) =>
      bridges[bridge]!.statements.filter((statement) => statement.actions.includes('secretsmanager:GetSecretValue')).flatMap(
        (statement) => statement.resources,
      );
    expect(reads('eventbridge-bridge')).toEqual(['${var.broker.url_secret_arn}']);
    // The event source mapping reads the broker user with the function's role.
    expect(reads('rabbitmq-bridge')).toEqual(['${var.broker.secret_arn}']);
    const fn = resource(modules.events, 'aws_lambda_function', 'this');
    expect(fn).not.toHaveProperty('environment');
    expect((fn.dynamic as Record<string, Block[]>).environment?.[0]?.for_each).toBe('${length(each.value.environment) > 0 ? [each.value.environment] : []}');
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
    expect(bridges).toEqual(['eventbridge-bridge', 'rabbitmq-bridge', 'image-processing']);
  });

  it('lets each service reach only its own database and the dependencies it uses, with one URL per connection', async () => {
    const ecs = Object.fromEntries(Object.entries(tfvars.services).filter(([name]) => !name.endsWith('-bridge')));
    const none = { port: null, security_group_id: null, environment: {}, secrets: {}, service_secrets: {}, policy_statements: [] };
    const dependencies: Record<string, unknown> = {
      [tfvars.broker.name]: { ...none, port: 5671, security_group_id: 'sg-broker', secrets: { AMQP_URL: { arn: 'arn:broker-url', key: 'url' } } },
      [tfvars.documents.name]: {
        ...none,
        port: tfvars.documents.port,
        security_group_id: 'sg-documents',
        secrets: { MONGO_URL: { arn: 'arn:documents-url', key: 'url' } },
      },
      [tfvars.cache.name]: { ...none, port: tfvars.cache.port, security_group_id: 'sg-cache', secrets: { REDIS_URL: { arn: 'arn:cache-url', key: 'url' } } },
      [tfvars.aws_resource]: { ...none, environment: { AWS_REGION: tfvars.region } },
      // As envs/aws passes the flags module's outputs.
      [tfvars.unleash!.name]: {
        ...none,
        port: tfvars.unleash!.port,
        security_group_id: 'sg-unleash',
        environment: { UNLEASH_URL: 'http://unleash.frank.local:4242/api' },
        secrets: { UNLEASH_TOKEN: { arn: 'arn:unleash-client-token', key: 'token' } },
      },
    };
    for (const [name, db] of Object.entries(tfvars.databases)) {
      const owner = name.replace(/-db$/, '');
      dependencies[name] = {
        ...none,
        port: db.port,
        security_group_id: `sg-${name}`,
        service_secrets: { [owner]: { DATABASE_URL: { arn: `arn:role:${db.database_names[0]}`, key: 'url' } } },
      };
    }
    const locals = modules.services.locals;
    const result = await evaluateLocals({
      variables: { services: ecs, dependencies, service_discovery_namespace: 'frank.local' },
      locals: {
        // The JWT secret is a resource of the module: a stand-in ARN here.
        lab_secrets: '{ jwt = { variable = "JWT_SECRET", arn = "arn:jwt", key = "value" } }',
        known_uses: expression(locals.known_uses)!,
        links: expression(locals.links)!,
        environment: expression(locals.environment)!,
        secrets: expression(locals.secrets)!,
      },
      expressions: { links: 'local.links', environment: 'local.environment', secrets: 'local.secrets' },
    });
    const links = result.links as Record<string, { service: string; dependency: string }>;

    // A security-group rule exists for exactly the links in frank.yaml that cross the network.
    const expected = Object.entries(ecs).flatMap(([service, spec]) =>
      spec.uses.filter((used) => used !== tfvars.aws_resource).map((used) => `${service}.${used}`),
    );
    expect(Object.keys(links).sort()).toEqual(expected.sort());
    for (const name of Object.keys(tfvars.databases)) {
      const users = Object.values(links)
        .filter((link) => link.dependency === name)
        .map((link) => link.service);
      const owner = name.replace(/-db$/, '');
      expect(users, `services let into ${name}`).toEqual(name === 'infrastructure-db' ? [] : [owner]);
    }

    const environment = result.environment as Record<string, Record<string, string>>;
    expect(environment.order).toEqual({ HOST: '0.0.0.0', PORT: '3003', NODE_ENV: 'production', INVENTORY_URL: 'http://inventory.frank.local:3002' });
    expect(environment.bff).toEqual({
      HOST: '0.0.0.0',
      PORT: '3000',
      NODE_ENV: 'production',
      INVENTORY_URL: 'http://inventory.frank.local:3002',
      ORDER_URL: 'http://order.frank.local:3003',
      USER_URL: 'http://user.frank.local:3001',
    });
    expect(environment.payment).toMatchObject({ PAYMENT_PROVIDER_URL: 'http://payment-provider.frank.local:3010', PAYMENT_TIMEOUT_MS: '3000' });
    expect(environment['payment-provider']).toMatchObject({ AWS_REGION: 'us-east-1', PROVIDER_LATENCY_MS: '20' });
    // Nothing generic beyond HOST, PORT and NODE_ENV.
    for (const variables of Object.values(environment)) {
      expect(Object.keys(variables).filter((name) => /^(SERVICE_|DATABASE_|RABBITMQ_|MONGO_|REDIS_|EVENT_BUS_|QUEUE_URL_)/.test(name))).toEqual([]);
    }

    const secrets = result.secrets as Record<string, Record<string, { arn: string; key: string }>>;
    expect(secrets.order).toEqual({
      DATABASE_URL: { arn: 'arn:role:order_service', key: 'url' },
      AMQP_URL: { arn: 'arn:broker-url', key: 'url' },
      JWT_SECRET: { arn: 'arn:jwt', key: 'value' },
    });
    expect(Object.keys(secrets.bff!).sort()).toEqual(['JWT_SECRET', 'MONGO_URL', 'REDIS_URL']);
    expect(Object.keys(secrets.views!).sort()).toEqual(['AMQP_URL', 'MONGO_URL', 'REDIS_URL']);
    expect(secrets['payment-provider']).toEqual({});
    expect(secrets.payment?.DATABASE_URL?.arn).toBe('arn:role:payment_service');
    // The services that use Unleash, and only they, read flags from it.
    const flagReaders = Object.keys(ecs).filter((service) => 'UNLEASH_TOKEN' in secrets[service]!);
    expect(flagReaders).toEqual(['notification', 'payment']);
    for (const service of flagReaders) {
      expect(secrets[service]?.UNLEASH_TOKEN).toEqual({ arn: 'arn:unleash-client-token', key: 'token' });
      expect(environment[service]?.UNLEASH_URL).toBe('http://unleash.frank.local:4242/api');
    }
    expect(
      Object.values(links)
        .filter((link) => link.dependency === 'unleash')
        .map((link) => link.service),
    ).toEqual(['notification', 'payment']);
  });

  it('looks dependencies up directly, never through try(), which hides unknown values at plan time', async () => {
    for (const dir of [path.join(MODULES_DIR, 'services'), ENV_DIR]) {
      const text = (await Promise.all((await loadModule(dir)).files.map((file) => readFile(path.join(dir, file), 'utf8')))).join('\n');
      expect(text, path.relative(REPO_ROOT, dir)).not.toMatch(/try\(\s*(var\.dependencies|module\.)/);
    }
    for (const name of ['links', 'environment', 'secrets', 'policy_statements']) expect(String(modules.services.locals[name]), name).not.toContain('try(');
  });

  it('references each secret as <arn>:<json key>:: and lets the execution role read exactly those', () => {
    const task = resource(modules.services, 'aws_ecs_task_definition', 'this');
    expect(String(task.container_definitions)).toContain('valueFrom = "${local.secrets[each.key][key].arn}:${local.secrets[each.key][key].key}::"');
    const policy = modules.services.data.aws_iam_policy_document?.execution_secrets as Block;
    expect(policy.for_each).toBe('${local.secrets}');
    const dynamic = (policy.dynamic as Record<string, Block[]>).statement?.[0];
    expect(dynamic?.for_each).toBe('${length(each.value) > 0 ? [distinct([for secret in values(each.value) : secret.arn])] : []}');
    expect(nested(policy, 'statement')).toEqual([{ sid: 'DecryptWithLabKey', actions: ['kms:Decrypt'], resources: ['${var.kms_key_arn}'] }]);
  });

  it('generates the lab JWT secret write-only, at least 48 letters and digits', () => {
    const password = modules.services.ephemeral.aws_secretsmanager_random_password?.jwt as Block;
    expect(password.exclude_punctuation).toBe(true);
    expect(Number(password.password_length)).toBeGreaterThanOrEqual(48);
    const version = resource(modules.services, 'aws_secretsmanager_secret_version', 'jwt');
    expect(version).not.toHaveProperty('secret_string');
    expect(version.secret_string_wo).toBe('${jsonencode({ value = ephemeral.aws_secretsmanager_random_password.jwt.random_password })}');
    expect(version.secret_string_wo_version).toBe('${var.jwt_secret_version}');
  });

  it('serves HTTPS with a certificate, and plain HTTP only when allow_plain_http is set on purpose', () => {
    const http = resource(modules.services, 'aws_lb_listener', 'http');
    const action = nested(http, 'default_action')[0]!;
    expect(action.type).toBe('${local.https ? "redirect" : "forward"}');
    expect(nested(http, 'lifecycle')[0]?.precondition).toEqual([
      {
        condition: '${local.https || var.allow_plain_http}',
        error_message: expect.stringMatching(/set certificate_arn .*or set allow_plain_http = true/),
      },
    ]);
    expect(modules.services.locals.https).toBe('${var.certificate_arn != null}');
    expect(modules.services.variable.allow_plain_http?.default).toBe(false);
    expect(env.variable.allow_plain_http?.default).toBe(false);
    expect(env.module.services).toMatchObject({ certificate_arn: '${var.certificate_arn}', allow_plain_http: '${var.allow_plain_http}' });
    const https = resource(modules.services, 'aws_lb_listener', 'https');
    expect(https.count).toBe('${local.https ? 1 : 0}');
    expect(https.ssl_policy).toMatch(/TLS13/);
  });

  it('starts the ECS services after the provisioner has run', () => {
    const service = resource(modules.services, 'aws_ecs_service', 'this');
    expect(service.depends_on).toContain('${terraform_data.start_after}');
    expect(resource(modules.services, 'terraform_data', 'start_after').input).toBe('${var.start_after}');
    expect(env.module.services?.start_after).toEqual(['${module.provisioner.invocation_id}']);
  });
});

describe('flags', () => {
  it('runs the pinned official Unleash image, copied into its own ECR repository, at unleash.frank.local:4242/api', async () => {
    expect(tfvars.unleash?.image).toBe(IMAGES.unleash);
    const task = resource(modules.flags, 'aws_ecs_task_definition', 'this');
    const container = String(task.container_definitions);
    expect(container).toContain('image                  = "${aws_ecr_repository.this.repository_url}:${local.image_tag}"');
    expect(container).toContain('readonlyRootFilesystem = true');
    expect(container).toMatch(/healthCheck = \{\s*command\s*= \["CMD", "node", "-e", "fetch\('http:\/\/127\.0\.0\.1:\$\{var\.unleash\.port\}\/health'\)/);
    expect(resource(modules.flags, 'aws_ecr_repository', 'this').image_tag_mutability).toBe('IMMUTABLE');
    const service = resource(modules.flags, 'aws_ecs_service', 'this');
    expect(service).toMatchObject({ cluster: '${var.cluster_arn}', launch_type: 'FARGATE' });
    expect(nested(service, 'network_configuration')[0]).toMatchObject({ assign_public_ip: false, security_groups: ['${aws_security_group.this.id}'] });
    expect(service.depends_on).toContain('${terraform_data.start_after}');

    const result = await evaluateLocals({
      variables: { unleash: tfvars.unleash, service_discovery_namespace: 'frank.local' },
      locals: { image_tag: expression(modules.flags.locals.image_tag)!, url: await localSource(modules.flags, 'url') },
      expressions: { image_tag: 'local.image_tag', url: 'local.url' },
    });
    expect(result.image_tag).toBe(IMAGES.unleash.split(':')[1]);
    // What the kit's UNLEASH_URL is: Unleash's client API.
    expect(result.url).toBe('http://unleash.frank.local:4242/api');
  });

  it("gives Unleash its database role's URL and per-deployment tokens in the lab's format, as secrets only", async () => {
    const secrets = await localSource(modules.flags, 'secrets');
    expect(secrets).toContain('DATABASE_URL');
    expect(secrets).toContain('var.database.url_secret_arn');
    expect(secrets).toContain('INIT_ADMIN_API_TOKENS');
    expect(secrets).toContain('INIT_BACKEND_API_TOKENS');
    const environment = await localSource(modules.flags, 'environment');
    expect(environment).not.toMatch(/TOKEN|DATABASE_URL/);
    expect(environment).toContain('DATABASE_SSL');
    const password = modules.flags.ephemeral.aws_secretsmanager_random_password?.token as Block;
    expect(password).toMatchObject({ for_each: '${local.token_prefixes}', exclude_punctuation: true });
    expect(Number(password.password_length)).toBeGreaterThanOrEqual(32);
    const version = resource(modules.flags, 'aws_secretsmanager_secret_version', 'token');
    expect(version.secret_string).toBeUndefined();
    expect(String(version.secret_string_wo)).toContain('${each.value}${ephemeral.aws_secretsmanager_random_password.token[each.key].random_password}');
    expect(resource(modules.flags, 'aws_secretsmanager_secret', 'token').kms_key_id).toBe('${var.kms_key_arn}');
    // The prefixes are the lab's own token format.
    expect(`${tfvars.unleash?.admin_token_prefix}s`).toBe(unleashApiTokens({ adminSecret: 's', clientSecret: 'c' }).admin);
    expect(`${tfvars.unleash?.client_token_prefix}c`).toBe(unleashApiTokens({ adminSecret: 's', clientSecret: 'c' }).client);
  });

  it('lets nothing in but the services that use it (the services module adds those rules), and reaches only its database', () => {
    expect(modules.flags.resource.aws_vpc_security_group_ingress_rule?.database).toMatchObject({
      security_group_id: '${var.database.security_group_id}',
      referenced_security_group_id: '${aws_security_group.this.id}',
    });
    // Its one ingress rule is the database's, from Unleash; none on Unleash's own group.
    expect(Object.keys(modules.flags.resource.aws_vpc_security_group_ingress_rule ?? {})).toEqual(['database']);
    expect(Object.keys(modules.flags.resource.aws_vpc_security_group_egress_rule ?? {}).sort()).toEqual(['database', 's3', 'endpoints'].sort());
  });

  it('is wired in envs/aws on the unleash role of its database, after the provisioner, and gives the services UNLEASH_URL and UNLEASH_TOKEN', async () => {
    expect(tfvars.unleash).toMatchObject({ name: 'unleash', postgres: 'infrastructure-db', database: 'unleash', port: 4242 });
    expect(tfvars.databases[tfvars.unleash!.postgres]?.database_names).toContain(tfvars.unleash!.database);
    const flags = env.module.flags!;
    expect(flags.start_after).toEqual(['${module.provisioner.invocation_id}']);
    expect(flags.database).toMatchObject({ url_secret_arn: '${module.databases.role_secret_arns[var.unleash.database]}' });
    expect(flags.cluster_arn).toBe('${module.services.cluster_arn}');
    const dependencies = String(env.locals.dependencies);
    expect(dependencies).toContain('UNLEASH_URL = module.flags[0].url');
    expect(dependencies).toContain('UNLEASH_TOKEN = { arn = module.flags[0].client_token_secret_arn, key = "token" }');
    // The provisioner makes a role for every database name of each instance: unleash's too.
    const result = await evaluateLocals({
      variables: { databases: tfvars.databases },
      locals: { roles: expression(modules.databases.locals.roles)! },
      expressions: { roles: 'local.roles' },
    });
    expect((result.roles as Record<string, unknown>).unleash).toEqual({ instance: 'infrastructure-db', database: 'unleash', schemas: [] });
  });
});

describe('provisioner', () => {
  it('runs the cloud provisioner as a Lambda in the private subnets and invokes it during apply', () => {
    const fn = resource(modules.provisioner, 'aws_lambda_function', 'this');
    expect(modules.provisioner.locals.function_name).toBe('${var.name}-cloud-provisioner');
    expect(fn).toMatchObject({
      handler: 'index.handler',
      filename: '${var.zip}',
      source_code_hash: '${filebase64sha256(var.zip)}',
      timeout: '${var.timeout}',
      memory_size: '${var.memory}',
    });
    expect(modules.provisioner.variable.timeout?.default).toBe(300);
    expect(modules.provisioner.variable.memory?.default).toBe(512);
    expect(modules.provisioner.variable.runtime?.default).toBe(modules.events.variable.lambda_runtime?.default);
    expect(nested(fn, 'vpc_config')[0]).toEqual({ subnet_ids: '${var.subnet_ids}', security_group_ids: ['${aws_security_group.this.id}'] });
    expect(nested(fn, 'environment')[0]).toEqual({ variables: { PROVISION_PLAN: '${jsonencode(local.plan)}' } });
    expect(env.module.provisioner?.zip).toBe('${var.lambda_dir}/cloud-provisioner.zip');

    const invocation = resource(modules.provisioner, 'aws_lambda_invocation', 'this');
    expect(invocation.function_name).toBe('${aws_lambda_function.this.function_name}');
    expect(invocation.input).toBe('${jsonencode({ seed = var.seed, code = filebase64sha256(var.zip) })}');
    expect(modules.provisioner.variable.seed?.default).toBe(1);
  });

  it('hands the provisioner exactly the plan of the contract', async () => {
    const result = await evaluateLocals({
      variables: {
        databases: {
          'order-db': {
            host: 'order.example',
            port: 5434,
            master_secret_arn: 'arn:master',
            security_group_id: 'sg',
            roles: { order_service: { secret_arn: 'arn:role', schemas: ['order_domain'] } },
          },
        },
        services: { order: { resource: 'order-db', database: 'order_service' } },
        broker: { port: 5671, security_group_id: 'sg-broker', url_secret_arn: 'arn:broker-url' },
        jwt_secret_arn: 'arn:jwt',
      },
      locals: { plan: await localSource(modules.provisioner, 'plan') },
      expressions: { plan: 'local.plan' },
    });
    expect(result.plan).toEqual({
      databases: {
        'order-db': {
          host: 'order.example',
          port: 5434,
          masterSecretArn: 'arn:master',
          roles: { order_service: { secretArn: 'arn:role', schemas: ['order_domain'] } },
        },
      },
      services: { order: { resource: 'order-db', database: 'order_service' } },
      brokerUrlSecretArn: 'arn:broker-url',
      jwtSecretArn: 'arn:jwt',
    });
  });

  it('reaches every database and the broker from a group of its own, which each of them lets in', () => {
    for (const kind of ['aws_vpc_security_group_egress_rule', 'aws_vpc_security_group_ingress_rule']) {
      const rule = resource(modules.provisioner, kind, 'database');
      expect(rule.for_each, kind).toBe('${var.databases}');
      expect(rule.from_port, kind).toBe('${each.value.port}');
    }
    expect(resource(modules.provisioner, 'aws_vpc_security_group_ingress_rule', 'database').security_group_id).toBe('${each.value.security_group_id}');
    expect(resource(modules.provisioner, 'aws_vpc_security_group_ingress_rule', 'broker').security_group_id).toBe('${var.broker.security_group_id}');
  });

  it('may read the master, role, broker URL and JWT secrets and decrypt with the lab key', () => {
    const policy = modules.provisioner.data.aws_iam_policy_document?.this as Block;
    const statements = nested(policy, 'statement');
    expect(statements.find((statement) => statement.sid === 'ReadPlannedSecrets')).toMatchObject({
      actions: ['secretsmanager:GetSecretValue'],
      resources: '${local.secret_arns}',
    });
    expect(statements.find((statement) => statement.sid === 'DecryptWithLabKey')).toMatchObject({
      actions: ['kms:Decrypt'],
      resources: ['${var.kms_key_arn}'],
    });
    const arns = String(modules.provisioner.locals.secret_arns);
    for (const part of ['db.master_secret_arn', 'role.secret_arn', 'var.broker.url_secret_arn', 'var.jwt_secret_arn']) expect(arns).toContain(part);
    expect(resource(modules.provisioner, 'aws_iam_role_policy_attachment', 'vpc').policy_arn).toBe(
      'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
    );
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

  it('connects each service as the role of the first database of the postgres resource it uses', async () => {
    const result = await evaluateLocals({
      variables: { services: tfvars.services, databases: tfvars.databases },
      locals: { service_databases: expression(env.locals.service_databases)! },
      expressions: { service_databases: 'local.service_databases' },
    });
    expect(result.service_databases).toEqual({
      analytics: { resource: 'analytics-db', database: 'analytics_service' },
      inventory: { resource: 'inventory-db', database: 'inventory_service' },
      notification: { resource: 'notification-db', database: 'notification_service' },
      order: { resource: 'order-db', database: 'order_service' },
      payment: { resource: 'payment-db', database: 'payment_service' },
      user: { resource: 'user-db', database: 'user_service' },
    });
    expect(env.module.provisioner?.services).toBe('${local.service_databases}');
    // Database URLs come from the role secrets; no master secret reaches a service.
    const dependencies = String(env.locals.dependencies);
    expect(dependencies).toContain('module.databases.role_secret_arns[link.database]');
    expect(dependencies).not.toContain('master_secret');
  });

  it('composes every module', () => {
    for (const name of MODULE_NAMES) expect(env.module[name]?.source, `module ${name}`).toBe(`../../modules/${name}`);
  });

  it('outputs the endpoints the CLI reads', () => {
    for (const output of [
      'alb_dns_name',
      'bff_url',
      'database_endpoints',
      'broker_endpoint',
      'bus_names',
      'queue_urls',
      'region',
      'database_role_secret_arns',
      'broker_url_secret_arn',
      'documents_url_secret_arn',
      'cache_url_secret_arn',
      'jwt_secret_arn',
      'provisioner_function_name',
      'task_definition_arns',
      'service_settings',
    ]) {
      expect(env.output[output], output).toBeDefined();
    }
  });
});
