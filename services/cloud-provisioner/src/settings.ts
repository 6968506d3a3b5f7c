import { awsSettings, setting } from '@frank/kit/settings';
import { z } from 'zod';

/** The provisioner Lambda's environment: Terraform gives the plan; the Lambda runtime the region and credentials. */
export const lambdaSettings = {
  PROVISION_PLAN: setting.tunable(z.string().min(2), "what to provision: the databases and their secrets (Terraform's jsonencode of module outputs)"),
  AMQP_URL: setting.tunable(z.string().min(1).optional(), "RabbitMQ's URL in place of the plan's broker secret (the local rehearsal)"),
  DATABASE_TLS: setting.tunable(z.enum(['require', 'disable']).default('require'), 'TLS to the databases: RDS forces it; the local rehearsal has none'),
  ...awsSettings,
};
