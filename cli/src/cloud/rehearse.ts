import { existsSync } from 'node:fs';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { secretReader } from '@frank/kit/aws-secrets';
import { checkEnvironment, describeSettings } from '@frank/kit/settings';
import { lambdaSettings as provisionerSettings } from '@frank/cloud-provisioner/settings';
import { errorMessage, FrankError } from '../errors.js';
import { downLab } from '../lab/down.js';
import type { Lab } from '../lab/lab.js';
import { runtimeContext } from '../lab/lab.js';
import { REPOSITORY_ROOT } from '../lab/paths.js';
import { assertContracts, type ServiceContracts } from '../lab/service-contracts.js';
import { labEnvironment } from '../lab/status.js';
import type { AwsResource, MongoResource, PostgresResource, RabbitmqResource, RedisResource, Service, Topology, UnleashResource } from '../lab/topology.js';
import { PINNED } from '../runtimes/native/programs.js';
import { unleashApiTokens, type UnleashSecrets } from '../runtimes/unleash-tokens.js';
import type { ProgressListener } from '../lab/up.js';
import { waitUntil } from '../lab/wait.js';
import { labAccessFromEnv } from '../saga/lab-access.js';
import { loadSagaMap } from '../lab/manifests.js';
import { runScenario, type RunResult } from '../saga/run.js';
import { findScenario } from '../saga/scenario.js';
import { cloudLambdas, PROVISIONER } from './cloud-lambdas.js';
import {
  disableMapping,
  readFunction,
  readPublicEntries,
  readTaskContainers,
  type AccountConfig,
  type FunctionConfig,
  type PublicEntry,
  type TaskContainer,
} from './emulated-account.js';
import { mapToLab, taskEnvironmentForLab, type LabStandIns } from './endpoint-map.js';
import { consumeRabbitmq, pollSqs, type EventSourcePoller } from './event-sources.js';
import { startLocalLambda, type LocalLambda } from './local-lambda.js';
import { LAMBDA_OUT_DIR, packageLambdas } from './package-lambdas.js';
import { rehearsalDirectory, startRehearsalLab } from './rehearsal-lab.js';
import { copyTerraformTree, summarizePlan, terraform, type PlanJson } from './terraform.js';
import { tfvarsFromTopology } from './tfvars.js';

export interface RehearseOptions {
  topology: Topology;
  contracts: ServiceContracts;
  /** The rehearsal lab's port offset; a free one from 20000 up when absent. */
  portOffset?: number;
  scenarios: string[];
  /** Orders per scenario, in place of the scenario's own count. */
  orders?: number;
  /** Leave the rehearsal lab and the emulated account up afterwards (`frank down` in .frank/rehearsal ends it). */
  keep?: boolean;
  onProgress?: (line: string) => void;
  onPhase?: ProgressListener;
}

export interface Exclusion {
  address: string;
  reason: string;
}

/** What `frank cloud rehearse` found, step by step; `verdict` is pass only when every step passed. */
export interface RehearsalReport {
  verdict: 'pass' | 'fail';
  lab: { portOffset: number; upMs: number };
  plan: { planned: number; rehearsed: number; ms: number };
  apply: { applied: number; ms: number; excluded: (Exclusion & { planned: number })[]; retried?: boolean };
  /** Each ECS container's variables against the service's declared settings: empty lists when all agree. */
  contract: { service: string; given: string[]; problems: string[] }[];
  provision: { ms: number; roles: string[]; migrated: Record<string, number>; seeded: string[]; broker: boolean } | null;
  services: { service: string; bootMs: number | null; mapped: string[]; error?: string }[];
  lambdas: { name: string; runs: string; batches: number; records: number; failed: number }[];
  entry: PublicEntry[];
  scenarios: {
    name: string;
    verdict: 'pass' | 'fail';
    placed: number;
    confirmed: number;
    cancelled: number;
    stuck: number;
    failedChecks: string[];
    ms: number;
  }[];
  destroy: { ms: number; error?: string } | null;
  /** What went wrong where the rehearsal could not go on. */
  error?: string;
  totalMs: number;
}

const STAND_INS = path.join(REPOSITORY_ROOT, 'terraform', 'rehearsal');

/** What the Lambda runtime sets in every function's environment itself. */
const LAMBDA_RUNTIME_VARIABLES = ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_NODEJS_CONNECTION_REUSE_ENABLED'];

/**
 * The cloud twin on this machine: terraform/envs/aws applied to the lab's own AWS emulator (moto),
 * less the resources moto cannot create (terraform/rehearsal/), each ECS service booted with exactly
 * what its task definition gives it (secrets resolved from the emulator's Secrets Manager,
 * endpoints mapped to the local servers that stand in for RDS, Amazon MQ, DocumentDB and
 * ElastiCache), the Lambdas run from their packages as Lambda runs them, saga scenarios through
 * the service behind the load balancer, and everything destroyed again.
 */
/**
 * moto answers Lambda invocations without Docker (the provisioner is run here instead, below);
 * `empty` first drops everything it holds.
 */
async function prepareEmulator(account: AccountConfig, { empty = false } = {}): Promise<void> {
  const calls: [string, string | undefined][] = [['config', JSON.stringify({ lambda: { use_docker: false } })]];
  if (empty) calls.unshift(['reset', undefined]);
  for (const [call, body] of calls) {
    const response = await fetch(`${account.endpoint}/moto-api/${call}`, { method: 'POST', ...(body ? { body } : {}) });
    if (!response.ok) throw new FrankError(`moto's /moto-api/${call} answered ${response.status}: ${await response.text()}`);
  }
}

export async function rehearse(options: RehearseOptions): Promise<RehearsalReport> {
  const began = Date.now();
  const say = options.onProgress ?? (() => undefined);
  const report: RehearsalReport = {
    verdict: 'fail',
    lab: { portOffset: 0, upMs: 0 },
    plan: { planned: 0, rehearsed: 0, ms: 0 },
    apply: { applied: 0, ms: 0, excluded: [] },
    contract: [],
    provision: null,
    services: [],
    lambdas: [],
    entry: [],
    scenarios: [],
    destroy: null,
    totalMs: 0,
  };
  assertContracts(options.topology, options.contracts);
  const work = rehearsalDirectory(options.topology);
  const lambdas: LocalLambda[] = [];
  const pollers: { name: string; runs: string; poller: EventSourcePoller }[] = [];
  let lab: Lab | undefined;
  let applied: { cwd: string; env: Record<string, string>; configDir: string } | undefined;
  // Ctrl-C: what the rehearsal started goes (the emulated account dies with the lab's moto).
  const interrupted = async () => {
    for (const lambda of lambdas) await lambda.stop().catch(() => undefined);
    if (lab) await downLab(lab, { purge: !options.keep }).catch(() => undefined);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    say('Starting the servers that stand in for AWS (a lab of their own, in .frank/rehearsal) …');
    const upBegan = Date.now();
    lab = await startRehearsalLab(options.topology, {
      ...(options.portOffset === undefined ? {} : { portOffset: options.portOffset }),
      ...(options.onPhase ? { onPhase: options.onPhase } : {}),
    });
    report.lab = { portOffset: lab.topology.portOffset, upMs: Date.now() - upBegan };
    await linkServices(options.topology, work);
    const context = await runtimeContext(lab, lab.state!.id);
    const aws = single<AwsResource>(lab.topology, 'aws');
    const account: AccountConfig = { region: aws.region, endpoint: `http://${lab.topology.host}:${aws.port}`, credentials: context.credentials.aws };
    await prepareEmulator(account);
    const tfEnv = {
      AWS_ENDPOINT_URL: account.endpoint!,
      AWS_ACCESS_KEY_ID: account.credentials!.accessKeyId,
      AWS_SECRET_ACCESS_KEY: account.credentials!.secretAccessKey,
      AWS_REGION: aws.region,
      AWS_EC2_METADATA_DISABLED: 'true',
    };

    say('Packaging the Lambdas and writing the variables from frank.yaml …');
    const plain = await copyTerraformTree(REPOSITORY_ROOT, path.join(work, 'planned'));
    const rehearsed = await copyTerraformTree(REPOSITORY_ROOT, path.join(work, 'applied'), STAND_INS);
    const unpacked = path.join(work, 'lambdas');
    for (const root of [plain, rehearsed]) {
      const terraformDir = path.resolve(root, '..', '..');
      await packageLambdas({
        root: REPOSITORY_ROOT,
        outDir: path.join(terraformDir, 'build', 'lambdas'),
        entries: await cloudLambdas(options.topology),
        ...(root === rehearsed ? { unpackTo: unpacked } : {}),
      });
      const variables = { ...tfvarsFromTopology(options.topology, options.contracts), allow_plain_http: true };
      await writeFile(path.join(root, 'terraform.tfvars.json'), `${JSON.stringify(variables, null, 2)}\n`);
    }

    say('terraform init and plan of terraform/envs/aws as it is, from an empty state …');
    const planBegan = Date.now();
    const planned = await planOf(plain, tfEnv, work, 'planned.tfplan');
    report.plan.ms = Date.now() - planBegan;
    const rehearsal = await planOf(rehearsed, tfEnv, work, 'rehearsal.tfplan');
    report.plan.planned = planned.create;
    report.plan.rehearsed = rehearsal.create;
    const exclusions = await readExclusions();
    const countOf = (address: string) => planned.counts.get(address) ?? 0;
    report.apply.excluded = exclusions.map((e) => ({ ...e, planned: countOf(e.address) }));
    const unexplained = planned.addresses.filter((a) => !rehearsal.addresses.includes(a) && !exclusions.some((e) => e.address === a));
    if (unexplained.length > 0)
      throw new FrankError(`The rehearsal leaves out resources terraform/rehearsal/exclusions.json does not name: ${unexplained.join(', ')}.`, {
        hint: 'Name each with its reason there, or remove its override.',
      });

    const leftOut = report.apply.excluded.reduce((sum, e) => sum + e.planned, 0);
    say(
      `terraform apply to the emulator: ${rehearsal.create} resources (${leftOut} of the ${planned.create} planned left out, each named below, and ${rehearsal.create - (planned.create - leftOut)} stand-ins) …`,
    );
    const applyBegan = Date.now();
    applied = { cwd: rehearsed, env: tfEnv, configDir: work };
    try {
      await terraform(['apply', '-auto-approve', '-input=false', '-no-color', 'rehearsal.tfplan'], applied);
    } catch (error) {
      // moto refused a security group or a rule as a duplicate: its duplicate checks take no lock, and
      // a call carried out twice (an SDK retry) leaves a copy the state does not know, which a second
      // apply over it would meet again. The apply starts again from nothing: an emptied emulator and
      // no state.
      if (!/Invalid(Permission|Group)\.Duplicate/.test(errorMessage(error))) throw error;
      say('  moto refused a security group or a rule as a duplicate of one it had just made; emptying the emulator and applying again …');
      report.apply.retried = true;
      await prepareEmulator(account, { empty: true });
      for (const file of ['terraform.tfstate', 'terraform.tfstate.backup']) await rm(path.join(rehearsed, file), { force: true });
      await terraform(['apply', '-auto-approve', '-input=false', '-no-color'], applied);
    }
    report.apply.ms = Date.now() - applyBegan;
    const state = JSON.parse((await terraform(['show', '-json'], applied)).stdout) as { values?: { root_module?: StateModule } };
    report.apply.applied = countManaged(state.values?.root_module);
    const outputs = await terraformOutputs(applied);

    say('Playing RDS: the local PostgreSQL admin goes into each instance’s master secret …');
    await actAsRds(account, outputs, context.credentials.admin);

    say('Reading the deployment back from the emulator: task definitions, Lambda functions, the load balancer …');
    const containers = await readTaskContainers(account, String(outputs.ecs_cluster_name));
    report.entry = await readPublicEntries(account, containers);
    const reader = secretReader({
      AWS_REGION: account.region,
      AWS_ENDPOINT_URL: account.endpoint,
      AWS_ACCESS_KEY_ID: account.credentials!.accessKeyId,
      AWS_SECRET_ACCESS_KEY: account.credentials!.secretAccessKey,
    });
    // Unleash's ECS service runs its official image, not a lab service: the rehearsal lab's own Unleash stands in.
    const unleash = lab.topology.resources.find((r): r is UnleashResource => r.kind === 'unleash');
    const isUnleash = (container: TaskContainer) => container.service === unleash?.name;
    try {
      for (const container of containers.filter((c) => !isUnleash(c))) {
        const contract = options.contracts.get(container.service);
        const given = [...Object.keys(container.environment), ...Object.keys(container.secrets)].sort();
        report.contract.push({
          service: container.service,
          given,
          problems: contract ? checkEnvironment(contract.described, given) : [`${container.service} is no service of frank.yaml`],
        });
      }
      const standIns = labStandIns(lab.topology, context.credentials, outputs);
      const functions = Object.fromEntries(
        await Promise.all(lambdaNames(outputs).map(async ([key, name]) => [key, await readFunction(account, name)] as const)),
      ) as Record<string, FunctionConfig>;
      for (const [key, fn] of Object.entries(functions)) {
        const declared = key === PROVISIONER ? describeSettings(provisionerSettings) : options.contracts.get(key)?.lambda;
        const given = Object.keys(fn.environment).sort();
        report.contract.push({
          service: `${key} (Lambda)`,
          given,
          problems: declared
            ? checkEnvironment(declared, [...given, ...LAMBDA_RUNTIME_VARIABLES], LAMBDA_RUNTIME_VARIABLES)
            : [`${key} declares no lambdaSettings`],
        });
      }

      say('Provisioning as the provisioner Lambda does: each service’s own role, database and migrations, and the seed …');
      const provisionBegan = Date.now();
      const provisioner = functions[PROVISIONER];
      if (!provisioner) throw new FrankError('terraform/envs/aws has no provisioner Lambda (output provisioner_function_name).');
      const provisionEnv = await lambdaEnvironmentForLab(provisioner, standIns, reader.read, account);
      const provisionerLambda = await startLocalLambda({
        name: provisioner.name,
        dir: path.join(unpacked, PROVISIONER),
        handler: provisioner.handler,
        env: provisionEnv,
        logFile: lab.paths.log(PROVISIONER),
        labId: lab.state!.id,
      });
      lambdas.push(provisionerLambda);
      const provisioned = await provisionerLambda.invoke<{ roles: string[]; migrated: Record<string, string[]>; seeded: string[]; broker: boolean }>({
        seed: 1,
      });
      report.provision = {
        ms: Date.now() - provisionBegan,
        roles: provisioned.roles,
        migrated: Object.fromEntries(Object.entries(provisioned.migrated).map(([k, v]) => [k, v.length])),
        seeded: provisioned.seeded,
        broker: provisioned.broker,
      };

      say('Booting each service with its task definition’s environment and secrets …');
      await Promise.all(
        containers.map(async (container) => {
          const service = lab!.topology.services.find((s) => s.name === container.service);
          const entry: RehearsalReport['services'][number] = { service: container.service, bootMs: null, mapped: [] };
          report.services.push(entry);
          if (isUnleash(container)) {
            entry.mapped = [`not booted: the rehearsal lab's Unleash (unleash-server ${PINNED.unleash} natively) stands in for the image`];
            const problems = await unleashTaskProblems(container, reader.read);
            if (problems.length > 0) entry.error = problems.join('; ');
            return;
          }
          try {
            if (!service) throw new Error('not a service of frank.yaml');
            const given = { ...container.environment };
            for (const [name, reference] of Object.entries(container.secrets)) given[name] = await reader.read(reference);
            const { env, notes } = taskEnvironmentForLab(container.service, given, standIns);
            entry.mapped = notes;
            const startedAt = Date.now();
            const started = await lab!.runtime.start(service, context, () => env);
            await waitUntil((signal) => ready(lab!.topology, service, signal), { timeoutMs: 60_000, intervalMs: 200, giveUpWhen: started.exited });
            entry.bootMs = Date.now() - startedAt;
          } catch (error) {
            entry.error = errorMessage(error);
          }
        }),
      );
      report.services.sort((a, b) => a.service.localeCompare(b.service));
      const failedBoots = report.services.filter((s) => s.error);
      if (failedBoots.length > 0)
        throw new FrankError(`${failedBoots.map((s) => `${s.service}: ${s.error}`).join('; ')}`, {
          hint: `The services' logs: ${path.dirname(lab.paths.log('x'))}`,
        });

      say('Running the bridge and image Lambdas from their packages, fed as their event sources would feed them …');
      const sqs = new SQSClient(account);
      for (const [key, fn] of Object.entries(functions)) {
        if (key === PROVISIONER) continue;
        const lambda = await startLocalLambda({
          name: fn.name,
          dir: path.join(unpacked, key),
          handler: fn.handler,
          env: await lambdaEnvironmentForLab(fn, standIns, reader.read, account),
          logFile: lab.paths.log(key),
          labId: lab.state!.id,
        });
        lambdas.push(lambda);
        const log = { warn: (message: string, fields?: Record<string, unknown>) => say(`  ${key}: ${message} ${JSON.stringify(fields ?? {})}`) };
        for (const source of fn.sqsSources) {
          await disableMapping(account, source.uuid);
          pollers.push({
            name: key,
            runs: `SQS ${source.queueArn.split(':').at(-1)}, ${source.batchSize} a batch (its mapping run here; moto's own would drop the messages)`,
            poller: pollSqs({ sqs, queueUrl: source.queueUrl, queueArn: source.queueArn, batchSize: source.batchSize, lambda, log }),
          });
        }
        const mq = planned.mqSources.get(key);
        if (mq)
          pollers.push({
            name: key,
            runs: `RabbitMQ ${mq.queue}, ${mq.batchSize} a batch (Amazon MQ's mapping, left out of the emulator)`,
            poller: await consumeRabbitmq({ amqpUrl: standIns.rabbitmqUrl, queue: mq.queue, batchSize: mq.batchSize, lambda, log }),
          });
      }

      const front = report.entry.flatMap((e) => e.listeners).find((l) => l.service);
      if (!front?.service) throw new FrankError('The load balancer forwards to no ECS service.');
      const bffPort = standIns.servicePorts.get(front.service)!;
      const env = { ...(await labEnvironment(lab)), ...(await roleDatabaseUrls(provisionEnv, reader.read, standIns)) };
      const access = labAccessFromEnv(env, await loadSagaMap(lab.topology), { throughBff: `http://${lab.topology.host}:${bffPort}` });
      try {
        for (const name of options.scenarios) {
          say(`Scenario ${name}, through ${front.service} as the load balancer reaches it …`);
          const scenarioBegan = Date.now();
          const result: RunResult = await runScenario(access, await findScenario(name), {
            ...(options.orders ? { orders: options.orders } : {}),
            onProgress: (line) => say(`  ${line.trim()}`),
          });
          report.scenarios.push({
            name,
            verdict: result.verdict,
            placed: result.orders.placed,
            confirmed: result.orders.confirmed,
            cancelled: result.orders.cancelled,
            stuck: result.orders.stuck,
            failedChecks: [
              ...result.expectations.filter((e) => !e.ok).map((e) => `${e.name}: expected ${e.expected}, got ${e.actual}`),
              ...result.invariants.filter((i) => !i.ok).map((i) => `${i.name}: ${i.details}`),
            ],
            ms: Date.now() - scenarioBegan,
          });
        }
      } finally {
        await access.close();
      }
    } finally {
      reader.close();
    }
  } catch (error) {
    report.error = error instanceof FrankError && error.hint ? `${error.message} (${error.hint})` : errorMessage(error);
  } finally {
    for (const { name, runs, poller } of pollers) {
      await poller.stop().catch(() => undefined);
      report.lambdas.push({ name, runs, ...poller.stats() });
    }
    for (const lambda of lambdas) await lambda.stop().catch(() => undefined);
    if (!options.keep) {
      if (applied) {
        say('terraform destroy …');
        const destroyBegan = Date.now();
        try {
          // What the emulator cannot delete leaves the state first (it goes with the rehearsal lab's moto).
          for (const { address } of await readExclusions('destroy-exclusions.json')) {
            await terraform(['state', 'rm', address], applied).catch(() => undefined);
          }
          try {
            await terraform(['destroy', '-auto-approve', '-input=false', '-no-color'], applied);
          } catch (error) {
            // moto's security group rules again (see apply): a revoke can find its rule gone. The next
            // destroy's refresh drops what is gone from the state and removes the rest.
            // eslint-disable-next-line no-unsafe-finally -- caught just below: the report records it
            if (!/InvalidPermission\.(NotFound|Duplicate)/.test(errorMessage(error))) throw error;
            say('  moto lost a security group rule under concurrent revokes; destroying again …');
            await terraform(['destroy', '-auto-approve', '-input=false', '-no-color'], applied);
          }
          report.destroy = { ms: Date.now() - destroyBegan };
        } catch (error) {
          report.destroy = { ms: Date.now() - destroyBegan, error: errorMessage(error) };
        }
      }
      if (lab) await downLab(lab, { purge: true }).catch(() => undefined);
    }
  }
  process.off('SIGINT', interrupted);
  process.off('SIGTERM', interrupted);
  report.totalMs = Date.now() - began;
  const contractBroken = report.contract.some((c) => c.problems.length > 0);
  report.verdict =
    !report.error && !contractBroken && report.scenarios.length === options.scenarios.length && report.scenarios.every((s) => s.verdict === 'pass')
      ? 'pass'
      : 'fail';
  return report;
}

/**
 * What Unleash's task definition must give the image: its role's database URL and the generated
 * tokens, each in the lab's token format (unleashApiTokens) with a secret of its own.
 */
async function unleashTaskProblems(container: TaskContainer, read: (reference: string) => Promise<string>): Promise<string[]> {
  const problems: string[] = [];
  if (!container.secrets.DATABASE_URL) problems.push('DATABASE_URL is not given');
  const prefixes = unleashApiTokens({ adminSecret: '', clientSecret: '' });
  for (const [name, prefix] of [
    ['INIT_ADMIN_API_TOKENS', prefixes.admin],
    ['INIT_BACKEND_API_TOKENS', prefixes.client],
  ] as const) {
    const reference = container.secrets[name];
    if (!reference) {
      problems.push(`${name} is not given`);
      continue;
    }
    const token = await read(reference);
    if (!token.startsWith(prefix) || token.length < prefix.length + 32) problems.push(`${name} is not ${prefix}<a generated secret>`);
  }
  return problems;
}

/** services/ of frank.yaml's folder beside the rehearsal's frank.yaml, so `frank new service` services run too. */
async function linkServices(topology: Topology, work: string): Promise<void> {
  const own = path.join(topology.root, 'services');
  const link = path.join(work, 'services');
  if (existsSync(own) && !existsSync(link)) await symlink(own, link);
}

interface PlanFacts {
  create: number;
  addresses: string[];
  counts: Map<string, number>;
  /** The Amazon MQ event source mappings' queues by function key (the rehearsal feeds them itself). */
  mqSources: Map<string, { queue: string; batchSize: number }>;
}

async function planOf(cwd: string, env: Record<string, string>, configDir: string, file: string): Promise<PlanFacts> {
  await terraform(['init', '-input=false', '-no-color', '-backend=false'], { cwd, env, configDir });
  await terraform(['plan', '-input=false', '-no-color', `-out=${file}`], { cwd, env, configDir });
  const json = JSON.parse((await terraform(['show', '-json', file], { cwd, env, configDir })).stdout) as PlanJson & {
    resource_changes?: { address: string; mode: string; type: string; change: { actions: string[]; after?: Record<string, unknown> } }[];
  };
  const summary = summarizePlan(json);
  const counts = new Map<string, number>();
  const mqSources = new Map<string, { queue: string; batchSize: number }>();
  for (const change of json.resource_changes ?? []) {
    if (change.mode !== 'managed' || !change.change.actions.includes('create')) continue;
    const address = change.address.replace(/\[[^\]]*\]/g, '');
    counts.set(address, (counts.get(address) ?? 0) + 1);
    const after = change.change.after ?? {};
    if (change.type === 'aws_lambda_event_source_mapping' && Array.isArray(after.queues) && after.queues.length > 0) {
      mqSources.set('rabbitmq-bridge', { queue: String(after.queues[0]), batchSize: Number(after.batch_size ?? 10) });
    }
  }
  return { create: summary.create, addresses: summary.addresses, counts, mqSources };
}

async function readExclusions(name = 'exclusions.json'): Promise<Exclusion[]> {
  const file = path.join(STAND_INS, name);
  if (!existsSync(file)) return [];
  return JSON.parse(await readFile(file, 'utf8')) as Exclusion[];
}

interface StateModule {
  resources?: { mode: string }[];
  child_modules?: StateModule[];
}

function countManaged(module: StateModule | undefined): number {
  if (!module) return 0;
  return (
    (module.resources ?? []).filter((r) => r.mode === 'managed').length + (module.child_modules ?? []).reduce((sum, child) => sum + countManaged(child), 0)
  );
}

type Outputs = Record<string, unknown>;

async function terraformOutputs(options: { cwd: string; env: Record<string, string>; configDir: string }): Promise<Outputs> {
  const raw = JSON.parse((await terraform(['output', '-json'], options)).stdout) as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(raw).map(([key, { value }]) => [key, value]));
}

function lambdaNames(outputs: Outputs): [string, string][] {
  const services = Object.entries((outputs.lambda_function_names ?? {}) as Record<string, string>);
  return typeof outputs.provisioner_function_name === 'string' ? [...services, [PROVISIONER, outputs.provisioner_function_name]] : services;
}

/** RDS keeps each instance's master credentials in its secret; the local cluster's admin stands in. */
async function actAsRds(account: AccountConfig, outputs: Outputs, admin: { user: string; password: string }): Promise<void> {
  const secrets = new SecretsManagerClient(account);
  try {
    for (const arn of Object.values((outputs.database_secret_arns ?? {}) as Record<string, string>)) {
      await secrets.send(new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify({ username: admin.user, password: admin.password }) }));
    }
  } finally {
    secrets.destroy();
  }
}

function single<T>(topology: Topology, kind: string): T {
  const found = topology.resources.find((r) => r.kind === kind);
  if (!found) throw new FrankError(`${topology.file} has no ${kind} resource: the rehearsal needs one.`);
  return found as T;
}

/** The rehearsal lab's servers and services as stand-ins for Terraform's endpoints. */
function labStandIns(
  topology: Topology,
  credentials: {
    rabbitmq: { user: string; password: string };
    redis: { password: string };
    aws: { accessKeyId: string; secretAccessKey: string };
    unleash: UnleashSecrets;
  },
  outputs: Outputs,
): LabStandIns {
  const unleash = topology.resources.find((r): r is UnleashResource => r.kind === 'unleash');
  const host = topology.host;
  const postgres = new Map<string, number>();
  for (const [name, endpoint] of Object.entries((outputs.database_endpoints ?? {}) as Record<string, string>)) {
    const local = topology.resources.find((r): r is PostgresResource => r.name === name && r.kind === 'postgres');
    if (local) postgres.set(endpoint, local.port);
  }
  const rabbitmq = single<RabbitmqResource>(topology, 'rabbitmq');
  const mongo = single<MongoResource>(topology, 'mongo');
  const redis = single<RedisResource>(topology, 'redis');
  const aws = single<AwsResource>(topology, 'aws');
  return {
    host,
    postgres,
    rabbitmqUrl: `amqp://${encodeURIComponent(credentials.rabbitmq.user)}:${encodeURIComponent(credentials.rabbitmq.password)}@${host}:${rabbitmq.port}`,
    mongoUrl: `mongodb://${host}:${mongo.port}/?directConnection=true`,
    redisUrl: `redis://:${encodeURIComponent(credentials.redis.password)}@${host}:${redis.port}`,
    servicePorts: new Map(topology.services.map((s: Service) => [s.name, s.port])),
    serviceNamespace: String(outputs.service_discovery_namespace ?? 'frank.local'),
    ...(unleash ? { unleash: { name: unleash.name, port: unleash.port, clientToken: unleashApiTokens(credentials.unleash).client } } : {}),
    aws: { endpoint: `http://${host}:${aws.port}`, accessKeyId: credentials.aws.accessKeyId, secretAccessKey: credentials.aws.secretAccessKey },
  };
}

/**
 * A Lambda's configured environment as the local lab runs it: its secrets' endpoints resolved
 * here and mapped (a `<NAME>_SECRET_ARN` holding a URL becomes `<NAME>`), the provisioner's plan
 * pointed at the local servers without TLS, and the emulator in place of the execution role.
 */
async function lambdaEnvironmentForLab(
  fn: FunctionConfig,
  lab: LabStandIns,
  readSecret: (reference: string) => Promise<string>,
  account: AccountConfig,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(fn.environment)) {
    if (name.endsWith('_URL_SECRET_ARN')) {
      env[name.slice(0, -'_SECRET_ARN'.length)] = mapToLab(await readSecret(`${value}:url::`), lab);
      continue;
    }
    if (name === 'PROVISION_PLAN') {
      const plan = JSON.parse(value) as { databases: Record<string, { host: string; port: number }>; brokerUrlSecretArn?: string };
      for (const instance of Object.values(plan.databases)) {
        const port = lab.postgres.get(`${instance.host}:${instance.port}`);
        if (port === undefined) throw new FrankError(`No local PostgreSQL stands in for ${instance.host}:${instance.port}.`);
        instance.host = lab.host;
        instance.port = port;
      }
      if (plan.brokerUrlSecretArn) {
        env.AMQP_URL = mapToLab(await readSecret(`${plan.brokerUrlSecretArn}:url::`), lab);
        delete plan.brokerUrlSecretArn;
      }
      env.PROVISION_PLAN = JSON.stringify(plan);
      env.DATABASE_TLS = 'disable';
      continue;
    }
    env[name] = mapToLab(value, lab);
  }
  return {
    ...env,
    AWS_REGION: account.region,
    AWS_ENDPOINT_URL: lab.aws.endpoint,
    AWS_ACCESS_KEY_ID: lab.aws.accessKeyId,
    AWS_SECRET_ACCESS_KEY: lab.aws.secretAccessKey,
  };
}

/** `<DATABASE>_DATABASE_URL` with each role's password from its secret, for the saga tools' reads. */
async function roleDatabaseUrls(
  provisionEnv: Record<string, string>,
  readSecret: (reference: string) => Promise<string>,
  lab: LabStandIns,
): Promise<Record<string, string>> {
  const plan = JSON.parse(provisionEnv.PROVISION_PLAN!) as {
    databases: Record<string, { host: string; port: number; roles: Record<string, { secretArn: string }> }>;
  };
  const urls: Record<string, string> = {};
  for (const instance of Object.values(plan.databases)) {
    for (const [database, role] of Object.entries(instance.roles)) {
      const { password } = JSON.parse(await readSecret(role.secretArn)) as { password: string };
      urls[`${database.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_DATABASE_URL`] =
        `postgres://${encodeURIComponent(database)}:${encodeURIComponent(password)}@${lab.host}:${instance.port}/${database}`;
    }
  }
  return urls;
}

async function ready(topology: Topology, service: Service, signal: AbortSignal): Promise<void> {
  const answer = await fetch(`http://${topology.host}:${service.port}/health/ready`, { signal });
  if (!answer.ok) throw new Error(`${service.name}: /health/ready answers ${answer.status}: ${(await answer.text()).slice(0, 200)}`);
}

export { LAMBDA_OUT_DIR };
