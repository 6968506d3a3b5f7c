import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@frank/kit/log';
import { secretReader } from '@frank/kit/aws-secrets';
import { readMigrationFiles } from '@frank/kit/db';
import { readSettings } from '@frank/kit/settings';
import { parseProvisionPlan } from './plan.js';
import { provisionCloud, type ProvisionReport, type SeedFunction } from './provision.js';
import { lambdaSettings } from './settings.js';

/** What Terraform's aws_lambda_invocation (or `frank cloud apply`) passes. */
export interface ProvisionEvent {
  /** The seed number of the demo data; absent: no seeding. */
  seed?: number;
}

/**
 * The Lambda: `frank cloud package` bundles it with every service's seed and the migrations beside
 * index.mjs (migrations/kit, migrations/<service>), and Terraform invokes it after the databases
 * exist and before the services start.
 */
export function createProvisionerHandler(options: {
  seeds: Record<string, SeedFunction>;
  migrationsDir?: string;
}): (event?: ProvisionEvent) => Promise<ProvisionReport> {
  const migrationsDir = options.migrationsDir ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
  return async (event = {}) => {
    const settings = readSettings(lambdaSettings);
    const plan = parseProvisionPlan(settings.PROVISION_PLAN);
    const reader = secretReader(settings);
    const log = createLogger('cloud-provisioner');
    try {
      const report = await provisionCloud(
        plan,
        {
          readSecret: reader.read,
          migrations: (service) => readMigrationFiles(path.join(migrationsDir, 'kit'), service, path.join(migrationsDir, service)),
          seeds: options.seeds,
          tls: settings.DATABASE_TLS === 'require',
          ...(settings.AMQP_URL ? { brokerUrl: settings.AMQP_URL } : {}),
          log,
        },
        { ...(typeof event.seed === 'number' ? { seed: event.seed } : {}) },
      );
      log.info('provisioned', { roles: report.roles.length, seeded: report.seeded, broker: report.broker });
      return report;
    } finally {
      reader.close();
    }
  };
}
