import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Credentials } from '../../lab/credentials.js';

/** The repository's own frank.yaml: tests cover the whole topology users run. */
export const FRANK_YAML = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../frank.yaml');

/** Credentials as a lab generates them, with values a test can find again. */
export function testCredentials(): Credentials {
  return {
    admin: { user: 'frank', password: 'admin-secret-1' },
    databaseRoles: { user_service: 'role-secret-1' },
    rabbitmq: { user: 'frank-mq', password: 'rabbit-secret-2' },
    redis: { password: 'redis-secret-3' },
    aws: { accessKeyId: 'frank', secretAccessKey: 'aws-secret-4' },
    jwtSecret: 'jwt-secret-5',
  };
}
