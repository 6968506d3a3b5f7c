import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudPlan } from '../src/cloud/plan.js';
import type { RehearsalReport } from '../src/cloud/rehearse.js';
import { providerMirror, terraformBinary } from '../src/cloud/terraform.js';
import { REPOSITORY_ROOT } from '../src/lab/paths.js';
import { freeOffset, labProcesses, makeLabDir, removeLabDir, runFrank } from './lab-fixture.js';

// The cloud commands against real servers: Terraform with the AWS provider from this machine's
// filesystem mirror, the lab's own moto, PostgreSQL, RabbitMQ, FerretDB, Redis. Where terraform and
// the mirror are present these must pass; they fail rather than skip.
const canRun = (await execa(terraformBinary(), ['version'], { reject: false })).exitCode === 0 && providerMirror() !== undefined;

/** No AWS account reachable from a test: no credentials, no instance metadata. */
const NO_AWS = {
  AWS_PROFILE: '',
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_SESSION_TOKEN: '',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
};

describe.skipIf(!canRun)('frank cloud', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await makeLabDir();
  });

  afterAll(async () => {
    await runFrank(dir, ['-c', path.join(dir, '.frank', 'rehearsal', 'frank.yaml'), 'down', '--purge']);
    await removeLabDir(dir);
  });

  it('plan without AWS credentials says so and what to do (exit 1)', async () => {
    // Against AWS the plan runs in the checkout's terraform/envs/aws, whose init writes a lock file: not this test's to leave.
    const lock = path.join(REPOSITORY_ROOT, 'terraform', 'envs', 'aws', '.terraform.lock.hcl');
    const hadLock = existsSync(lock);
    const result = await runFrank(dir, ['cloud', 'plan', '--allow-plain-http'], NO_AWS).finally(async () => {
      if (!hadLock) await rm(lock, { force: true });
    });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toContain('terraform plan found no AWS credentials.');
    expect(result.stderr).toMatch(/try: Set AWS_PROFILE .* npx frank cloud plan --emulator/);
  }, 300_000);

  it('rehearse: the cloud twin applied to the lab’s emulator, every service booted from its task definition, sagas through the load balancer’s service, destroyed', async () => {
    const result = await runFrank(dir, ['cloud', 'rehearse', '--orders', '4', '--json']);
    const report = JSON.parse(result.stdout) as RehearsalReport;
    expect(report.error, result.stderr.slice(-3000)).toBeUndefined();
    expect(result.exitCode).toBe(0);
    expect(report.verdict).toBe('pass');
    // Everything planned was applied but what moto cannot create, each named with its reason.
    expect(report.plan.planned).toBeGreaterThan(300);
    expect(report.apply.applied).toBe(report.plan.rehearsed);
    expect(report.apply.excluded.map((e) => e.address).sort()).toEqual([
      'module.cache.aws_elasticache_replication_group.this',
      'module.databases.aws_db_instance.this',
      'module.documents.aws_docdb_cluster.this',
      'module.documents.aws_docdb_cluster_instance.this',
      'module.events.aws_lambda_event_source_mapping.rabbitmq_bridge',
    ]);
    // Read back from the emulator: every task definition and Lambda gives exactly what its code declares.
    expect(report.contract.map((c) => c.service)).toEqual(
      expect.arrayContaining([
        'order',
        'bff',
        'views',
        'cloud-provisioner (Lambda)',
        'eventbridge-bridge (Lambda)',
        'image-processing (Lambda)',
        'rabbitmq-bridge (Lambda)',
      ]),
    );
    for (const c of report.contract) expect(c.problems, c.service).toEqual([]);
    expect(report.contract.find((c) => c.service === 'order')!.given).toEqual([
      'AMQP_URL',
      'DATABASE_URL',
      'HOST',
      'INVENTORY_URL',
      'JWT_SECRET',
      'NODE_ENV',
      'PORT',
    ]);
    // Least privilege: each database's own role, made by the provisioner with its secret's password.
    expect(report.provision!.roles).toEqual(expect.arrayContaining(['order-db/order_service', 'infrastructure-db/unleash']));
    expect(report.provision!.broker).toBe(true);
    expect(report.services.map((s) => s.service)).toEqual([
      'analytics',
      'bff',
      'inventory',
      'notification',
      'order',
      'payment',
      'payment-provider',
      'unleash',
      'user',
      'views',
    ]);
    for (const service of report.services) expect(service.error, service.service).toBeUndefined();
    // Unleash's ECS service runs the official image: the rehearsal lab's own Unleash stands in, and the flag
    // readers are pointed at it with its client token.
    expect(report.services.find((s) => s.service === 'unleash')).toMatchObject({ bootMs: null, mapped: [expect.stringContaining('stands in')] });
    for (const reader of ['payment', 'notification'])
      expect(report.services.find((s) => s.service === reader)?.mapped).toEqual(
        expect.arrayContaining(['UNLEASH_URL', expect.stringMatching(/^UNLEASH_TOKEN/)]),
      );
    // Every Lambda ran from its package, one poller per event source mapping; the bridges moved the saga's
    // messages (the payment webhooks' queue and RabbitMQ), and nothing was reported failed. The image and
    // schedule queues' pollers ran too: no scenario uploads an image, and the schedule is nightly.
    expect([...new Set(report.lambdas.map((l) => l.name))].sort()).toEqual(['eventbridge-bridge', 'image-processing', 'rabbitmq-bridge']);
    const records = (name: string, queue: string) => report.lambdas.find((l) => l.name === name && l.runs.includes(queue))?.records;
    expect(records('eventbridge-bridge', 'frank-payment-webhooks')).toBeGreaterThan(0);
    expect(records('rabbitmq-bridge', 'RabbitMQ')).toBeGreaterThan(0);
    for (const lambda of report.lambdas) expect(lambda.failed, lambda.runs).toBe(0);
    expect(report.entry.flatMap((e) => e.listeners).find((l) => l.service)?.service).toBe('bff');
    expect(report.scenarios.map((s) => [s.name, s.verdict, s.placed])).toEqual([
      ['happy-path', 'pass', 4],
      ['payment-declined', 'pass', 4],
    ]);
    expect(report.destroy?.error).toBeUndefined();
    // Nothing of it is left running.
    expect(await labProcesses(path.join(dir, '.frank', 'rehearsal'))).toEqual([]);
    expect(existsSync(path.join(dir, '.frank', 'rehearsal', '.frank', 'lab.json'))).toBe(false);
  }, 900_000);

  it('plan --emulator plans from an empty state against the running lab’s own AWS emulator', async () => {
    const up = await runFrank(dir, ['up', '--no-services', '--port-offset', String(await freeOffset(dir))]);
    expect(up.exitCode, up.stderr).toBe(0);
    try {
      const result = await runFrank(dir, ['--json', 'cloud', 'plan', '--emulator', '--allow-plain-http']);
      expect(result.exitCode, result.stderr.slice(-3000)).toBe(0);
      const plan = JSON.parse(result.stdout) as CloudPlan;
      expect(plan.target.kind).toBe('emulator');
      expect(plan.summary.create).toBeGreaterThan(300);
      expect(plan.summary.addresses).toContain('module.provisioner.aws_lambda_invocation.this');
      // The checkout's own root is not touched: the plan ran in a scratch copy.
      expect(path.relative(dir, plan.planFile).startsWith(path.join('.frank', 'cloud'))).toBe(true);
    } finally {
      await runFrank(dir, ['down']);
    }
  }, 600_000);
});

if (!canRun) {
  describe('frank cloud', () => {
    it.skip('needs terraform and the AWS provider in a filesystem mirror (/opt/tf-plugins, or FRANK_TF_PROVIDER_MIRROR)', () => {});
  });
}
