import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Credentials } from '../../lab/credentials.js';
import { contractOf, type ServiceContracts } from '../../lab/service-contracts.js';
import { serviceEnvironment } from '../../lab/service-env.js';
import type { Service, Topology } from '../../lab/topology.js';
import { containerAddresses } from './service-blueprint.js';

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
    consoleToken: 'console-token-7',
    unleash: { adminSecret: 'unleash-admin', clientSecret: 'unleash-client', adminPassword: 'unleash-ui' },
  };
}

/** What the lab gives each service in a container: its declared settings at container host names. */
export function containerEnvironments(topology: Topology, credentials: Credentials, contracts: ServiceContracts): (service: Service) => Record<string, string> {
  return (service) =>
    serviceEnvironment(service, topology, credentials, contractOf(contracts, service.name).described, {
      addresses: containerAddresses(topology),
      runtime: { NODE_ENV: 'development' },
    });
}
