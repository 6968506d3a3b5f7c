import { z } from 'zod';

/**
 * Configuration from the environment, read when called. The lab passes every URL (through
 * Toxiproxy) and secret in the environment; a missing one stops the service with its name.
 */
export function readConfig<S extends z.ZodRawShape>(shape: S, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Bad service configuration: ${problems}`);
  }
  return parsed.data;
}

export const commonConfig = {
  SERVICE_NAME: z.string(),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(1).max(65535),
};
