/**
 * The lab's types that the runtimes need, and nothing else: runtimes sit below the lab and import
 * only this module, type-only, so no lab code loads with them (dependency-cruiser checks both).
 */
export type { Credentials } from './credentials.js';
export type { LabPaths } from './paths.js';
export type { ServiceAddresses } from './service-env.js';
export type {
  AwsResource,
  LabUnit,
  Link,
  MongoResource,
  PostgresResource,
  RabbitmqResource,
  RedisResource,
  Resource,
  RuntimeChoice,
  Service,
  Topology,
  ToxiproxyResource,
  UnleashResource,
} from './topology.js';
