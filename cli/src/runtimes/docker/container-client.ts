import type Docker from 'dockerode';

/**
 * The few Docker Engine calls the docker runtime makes. dockerode-container-client.ts implements it
 * against an engine; fake-container-client.ts records the calls in memory for unit tests.
 * "Already there" and "already gone" are not errors: creating a network or volume that exists,
 * and stopping or removing a container that does not, succeed quietly.
 */
export interface ContainerClient {
  /** The engine's version, or undefined when no engine answers. */
  engine(): Promise<EngineInfo | undefined>;
  hasImage(image: string): Promise<boolean>;
  /** True when the registry has the image: the engine fetches its manifest, not its layers. */
  canPull(image: string): Promise<boolean>;
  /** Resolves once the image is there; each progress message of the engine is passed on. */
  pullImage(image: string, onEvent: (event: PullEvent) => void): Promise<void>;
  createNetwork(spec: { name: string; labels: Record<string, string> }): Promise<void>;
  createVolume(spec: { name: string; labels: Record<string, string> }): Promise<void>;
  createContainer(options: Docker.ContainerCreateOptions & { name: string }): Promise<void>;
  startContainer(name: string): Promise<void>;
  /** Undefined when no container has that name. */
  inspectContainer(name: string): Promise<ContainerStatus | undefined>;
  stopContainer(name: string, timeoutSeconds: number): Promise<void>;
  /** Sends the signal to the container's main process (`docker kill`); one that is not running or gone is fine. */
  killContainer(name: string, signal: string): Promise<void>;
  /** By force; `anonymousVolumes` also removes the volumes its image declared and nobody named. */
  removeContainer(name: string, options: { anonymousVolumes: boolean }): Promise<void>;
  /** The last lines of its stdout and stderr, interleaved as written. */
  containerLogs(name: string, lines: number): Promise<string>;
  /** Every container (running or not), network or volume carrying label=value. */
  listContainers(label: string, value: string): Promise<Listed[]>;
  listNetworks(label: string, value: string): Promise<Listed[]>;
  listVolumes(label: string, value: string): Promise<Listed[]>;
  removeNetwork(name: string): Promise<void>;
  removeVolume(name: string): Promise<void>;
}

export interface EngineInfo {
  version: string;
  apiVersion: string;
  /** Where it answered: a socket path or a URL. */
  address: string;
}

export interface ContainerStatus {
  name: string;
  image: string;
  /** Docker's state: created, running, paused, restarting, removing, exited or dead. */
  state: string;
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  /** starting, healthy or unhealthy; undefined without a health check. */
  health: string | undefined;
  labels: Record<string, string>;
}

export interface Listed {
  name: string;
  labels: Record<string, string>;
}

/** One message of the engine's pull stream, as it sends it. */
export interface PullEvent {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
}
