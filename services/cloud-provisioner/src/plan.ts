import { z } from 'zod';

/**
 * What Terraform tells the provisioner (its PROVISION_PLAN), built from module outputs: each RDS
 * instance with its master secret and the role secret of each database on it, which service owns
 * which database, and the secrets of RabbitMQ's URL and the token key.
 */
export const provisionPlanSchema = z.object({
  databases: z.record(
    z.string(),
    z.object({
      host: z.string().min(1),
      port: z.coerce.number().int().min(1).max(65535),
      masterSecretArn: z.string().min(1),
      roles: z.record(z.string(), z.object({ secretArn: z.string().min(1), schemas: z.array(z.string()).default([]) })),
    }),
  ),
  services: z.record(z.string(), z.object({ resource: z.string().min(1), database: z.string().min(1) })).default({}),
  brokerUrlSecretArn: z.string().min(1).optional(),
  jwtSecretArn: z.string().min(1).optional(),
});

export type ProvisionPlan = z.infer<typeof provisionPlanSchema>;

export function parseProvisionPlan(text: string): ProvisionPlan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`PROVISION_PLAN is not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const parsed = provisionPlanSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(`PROVISION_PLAN: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
  for (const [service, owned] of Object.entries(parsed.data.services)) {
    if (!parsed.data.databases[owned.resource]?.roles[owned.database])
      throw new Error(`PROVISION_PLAN: services.${service} owns ${owned.database} on ${owned.resource}, which the plan's databases do not hold`);
  }
  return parsed.data;
}
