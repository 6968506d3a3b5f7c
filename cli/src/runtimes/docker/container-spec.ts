import type Docker from 'dockerode';
import type { Credentials, Service, Topology } from '../../lab/lab-types.js';
import { containerName, labLabels, networkName, volumeName } from './docker-names.js';
import { blueprints, type Blueprint, type HealthCheck } from './resource-blueprint.js';
import { SONARQUBE_DATABASE, toolBlueprints } from './tool-blueprint.js';
import { serviceBlueprints, type ServiceBlueprint } from './service-blueprint.js';

/** What the docker runtime asks the engine for, for one resource. */
export interface ContainerSpec {
  resource: string;
  image: string;
  /** The named volume that keeps its data across `down` and `up`; undefined when its state lives in memory. */
  volume: VolumeSpec | undefined;
  create: Docker.ContainerCreateOptions & { name: string };
}

export interface VolumeSpec {
  name: string;
  labels: Record<string, string>;
}

export interface NetworkSpec {
  name: string;
  labels: Record<string, string>;
}

export interface ContainerSpecOptions {
  /** Handed to LocalStack when `emulator: localstack`; read from the environment by the caller. */
  localstackAuthToken?: string;
}

/** Seconds a container gets to stop on its own before the engine kills it. */
export const STOP_TIMEOUT_SECONDS = 10;

const NANOS_PER_MS = 1_000_000;

/** The lab's one network: containers reach each other by resource name on it. */
export function networkSpec(labId: string): NetworkSpec {
  return { name: networkName(labId), labels: labLabels(labId) };
}

/**
 * Pure: the same topology, credentials and lab id always give the same container options. Ports
 * are published on `topology.host` at the resource's port (port offset applied), with the same
 * credentials and settings the native runtime uses.
 */
export function containerSpecs(topology: Topology, credentials: Credentials, labId: string, options: ContainerSpecOptions = {}): ContainerSpec[] {
  const secrets = {
    postgresUser: credentials.admin.user,
    postgresPassword: credentials.admin.password,
    rabbitmqUser: credentials.rabbitmq.user,
    rabbitmqPassword: credentials.rabbitmq.password,
    redisPassword: credentials.redis.password,
    localstackAuthToken: options.localstackAuthToken,
    unleashDatabasePassword: databasePasswordOf(topology.resources.find((r) => r.kind === 'unleash')?.database, credentials),
    ferretdbDatabasePassword: databasePasswordOf(topology.resources.find((r) => r.kind === 'mongo')?.database, credentials),
    unleashAdminSecret: credentials.unleash.adminSecret,
    unleashClientSecret: credentials.unleash.clientSecret,
  };
  return blueprints(topology, secrets).map((blueprint) => toContainerSpec(blueprint, topology, labId));
}

/** The `tools` profile's containers (SonarQube), which only `frank up --tools` starts. */
export function toolContainerSpecs(topology: Topology, credentials: Credentials, labId: string): ContainerSpec[] {
  const secrets = { sonarqubeDatabasePassword: credentials.databaseRoles[SONARQUBE_DATABASE] ?? '' };
  return toolBlueprints(topology, secrets).map((blueprint) => toContainerSpec(blueprint, topology, labId));
}

/** The password of the database role a server connects as (Unleash, FerretDB: the lab's first of each kind). */
function databasePasswordOf(database: string | undefined, credentials: Credentials): string {
  return database === undefined ? '' : (credentials.databaseRoles[database] ?? '');
}

function toContainerSpec(blueprint: Blueprint, topology: Topology, labId: string): ContainerSpec {
  const network = networkName(labId);
  const labels = labLabels(labId, blueprint.resource);
  const volume = blueprint.dataPath === undefined ? undefined : { name: volumeName(labId, blueprint.resource), labels };
  const exposed = blueprint.ports.map((p) => `${p.container}/tcp`);
  const create: ContainerSpec['create'] = {
    name: containerName(labId, blueprint.resource),
    Image: blueprint.image,
    Env: Object.entries(blueprint.env).map(([key, value]) => `${key}=${value}`),
    Labels: labels,
    ExposedPorts: Object.fromEntries(exposed.map((port) => [port, {}])),
    StopTimeout: STOP_TIMEOUT_SECONDS,
    HostConfig: {
      PortBindings: Object.fromEntries(blueprint.ports.map((p) => [`${p.container}/tcp`, [{ HostIp: topology.host, HostPort: String(p.host) }]])),
      Mounts: volume && blueprint.dataPath ? [{ Type: 'volume', Source: volume.name, Target: blueprint.dataPath }] : [],
      NetworkMode: network,
      // frank decides what runs: a container that dies stays dead, so chaos and failures are seen.
      RestartPolicy: { Name: 'no' },
    },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [blueprint.resource] } } },
  };
  if (blueprint.command) create.Cmd = blueprint.command;
  if (blueprint.hostname) create.Hostname = blueprint.hostname;
  if (blueprint.stopSignal) create.StopSignal = blueprint.stopSignal;
  if (blueprint.healthcheck) create.Healthcheck = healthConfig(blueprint.healthcheck);
  return { resource: blueprint.resource, image: blueprint.image, volume, create };
}

/**
 * The lab's services, one container each, from the same blueprints as compose's: the pinned node
 * image, the repository (`topology.root`) mounted read-only, the image's non-root user, its port
 * published on `topology.host`, its environment with container host names. Pure, like containerSpecs.
 */
export function serviceContainerSpecs(topology: Topology, labId: string, environmentOf: (service: Service) => Record<string, string>): ContainerSpec[] {
  return serviceBlueprints(topology, environmentOf).map((blueprint) => toServiceContainerSpec(blueprint, topology, labId));
}

function toServiceContainerSpec(blueprint: ServiceBlueprint, topology: Topology, labId: string): ContainerSpec {
  const network = networkName(labId);
  const create: ContainerSpec['create'] = {
    name: containerName(labId, blueprint.service),
    Image: blueprint.image,
    Cmd: blueprint.command,
    WorkingDir: blueprint.sourcePath,
    User: blueprint.user,
    Env: Object.entries(blueprint.env).map(([key, value]) => `${key}=${value}`),
    Labels: labLabels(labId, blueprint.service),
    ExposedPorts: Object.fromEntries(blueprint.ports.map((p) => [`${p.container}/tcp`, {}])),
    StopTimeout: STOP_TIMEOUT_SECONDS,
    Healthcheck: healthConfig(blueprint.healthcheck),
    HostConfig: {
      PortBindings: Object.fromEntries(blueprint.ports.map((p) => [`${p.container}/tcp`, [{ HostIp: topology.host, HostPort: String(p.host) }]])),
      Mounts: [{ Type: 'bind', Source: topology.root, Target: blueprint.sourcePath, ReadOnly: true }],
      NetworkMode: network,
      // As for the resources: a service that dies stays dead, and frank (or chaos) sees it.
      RestartPolicy: { Name: 'no' },
    },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [blueprint.service] } } },
  };
  return { resource: blueprint.service, image: blueprint.image, volume: undefined, create };
}

/** Docker's health check options count in nanoseconds. */
function healthConfig(check: HealthCheck): Docker.HealthConfig {
  return {
    Test: check.test,
    Interval: check.intervalMs * NANOS_PER_MS,
    Timeout: check.timeoutMs * NANOS_PER_MS,
    Retries: check.retries,
    StartPeriod: check.startPeriodMs * NANOS_PER_MS,
    StartInterval: check.startIntervalMs * NANOS_PER_MS,
  };
}
