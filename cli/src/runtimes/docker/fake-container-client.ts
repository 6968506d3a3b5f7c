import type Docker from 'dockerode';
import type { ContainerClient, ContainerStatus, EngineInfo, Listed, PullEvent } from './container-client.js';

/** One call the runtime made, in order. */
export interface RecordedCall {
  method: keyof ContainerClient;
  args: unknown[];
}

interface FakeContainer {
  options: Docker.ContainerCreateOptions & { name: string };
  state: 'created' | 'running' | 'exited';
  exitCode: number;
  logs: string[];
}

export interface FakeEngineOptions {
  /** Undefined: no engine answers. */
  engine?: EngineInfo | undefined;
  /** Images already pulled. */
  images?: string[];
  /** Images the registry has; pulling any other fails as a registry would. */
  registry?: string[];
}

/**
 * A Docker engine in memory for unit tests: it records every call and keeps enough state to answer
 * like an engine (a name is taken, a port is allocated, a network in use cannot go).
 */
export class FakeContainerClient implements ContainerClient {
  readonly calls: RecordedCall[] = [];
  readonly images: Set<string>;
  readonly registry: Set<string>;
  readonly containers = new Map<string, FakeContainer>();
  readonly networks = new Map<string, Record<string, string>>();
  readonly volumes = new Map<string, Record<string, string>>();
  engineInfo: EngineInfo | undefined;

  constructor(options: FakeEngineOptions = {}) {
    this.engineInfo = 'engine' in options ? options.engine : { version: '28.2.2', apiVersion: '1.50', address: '/var/run/docker.sock' };
    this.images = new Set(options.images ?? []);
    this.registry = new Set(options.registry ?? []);
  }

  /** The calls made to one method, their arguments only. */
  callsTo(method: keyof ContainerClient): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** The options every container was created with, in order. */
  created(): (Docker.ContainerCreateOptions & { name: string })[] {
    return this.callsTo('createContainer').map(([options]) => options as Docker.ContainerCreateOptions & { name: string });
  }

  /** The container's process ends, as after a crash or `docker kill`. */
  exit(name: string, exitCode: number, lastWords?: string): void {
    const container = this.mustGet(name);
    container.state = 'exited';
    container.exitCode = exitCode;
    if (lastWords) container.logs.push(lastWords);
  }

  async engine(): Promise<EngineInfo | undefined> {
    this.record('engine');
    return this.engineInfo;
  }

  async hasImage(image: string): Promise<boolean> {
    this.record('hasImage', image);
    return this.images.has(image);
  }

  async canPull(image: string): Promise<boolean> {
    this.record('canPull', image);
    return this.registry.has(image);
  }

  async pullImage(image: string, onEvent: (event: PullEvent) => void): Promise<void> {
    this.record('pullImage', image);
    await Promise.resolve();
    if (!this.registry.has(image)) throw new Error(`docker could not pull ${image}: manifest unknown`);
    const [, tag] = image.split(/:(?=[^:]*$)/);
    onEvent({ status: `Pulling from ${image.split(':')[0]}`, id: tag });
    for (const id of ['layer-a', 'layer-b']) onEvent({ status: 'Pulling fs layer', id });
    onEvent({ status: 'Downloading', id: 'layer-a', progressDetail: { current: 1_000_000, total: 3_000_000 } });
    onEvent({ status: 'Downloading', id: 'layer-b', progressDetail: { current: 2_000_000, total: 2_000_000 } });
    onEvent({ status: 'Pull complete', id: 'layer-b' });
    onEvent({ status: 'Downloading', id: 'layer-a', progressDetail: { current: 3_000_000, total: 3_000_000 } });
    onEvent({ status: 'Pull complete', id: 'layer-a' });
    onEvent({ status: `Status: Downloaded newer image for ${image}` });
    this.images.add(image);
  }

  async createNetwork(spec: { name: string; labels: Record<string, string> }): Promise<void> {
    this.record('createNetwork', spec);
    if (!this.networks.has(spec.name)) this.networks.set(spec.name, spec.labels);
  }

  async createVolume(spec: { name: string; labels: Record<string, string> }): Promise<void> {
    this.record('createVolume', spec);
    if (!this.volumes.has(spec.name)) this.volumes.set(spec.name, spec.labels);
  }

  async createContainer(options: Docker.ContainerCreateOptions & { name: string }): Promise<void> {
    this.record('createContainer', options);
    if (this.containers.has(options.name))
      throw new Error(`docker could not create container ${options.name}: Conflict. The container name "/${options.name}" is already in use`);
    if (!options.Image || !this.images.has(options.Image))
      throw new Error(`docker could not create container ${options.name}: No such image: ${options.Image}`);
    const network = options.HostConfig?.NetworkMode;
    if (network && !this.networks.has(network)) throw new Error(`docker could not create container ${options.name}: network ${network} not found`);
    for (const mount of options.HostConfig?.Mounts ?? []) {
      if (mount.Type === 'volume' && mount.Source && !this.volumes.has(mount.Source)) this.volumes.set(mount.Source, {});
    }
    this.containers.set(options.name, { options, state: 'created', exitCode: 0, logs: [] });
  }

  async startContainer(name: string): Promise<void> {
    this.record('startContainer', name);
    const container = this.mustGet(name);
    for (const binding of hostBindings(container.options)) {
      const holder = [...this.containers.values()].find((c) => c !== container && c.state === 'running' && hostBindings(c.options).includes(binding));
      if (holder) throw new Error(`docker could not start container ${name}: Bind for ${binding} failed: port is already allocated`);
    }
    container.state = 'running';
    container.logs.push(`${name} started`);
  }

  async inspectContainer(name: string): Promise<ContainerStatus | undefined> {
    this.record('inspectContainer', name);
    const container = this.containers.get(name);
    if (!container) return undefined;
    return {
      name,
      image: container.options.Image ?? '',
      state: container.state,
      running: container.state === 'running',
      exitCode: container.exitCode,
      oomKilled: false,
      health: container.options.Healthcheck ? 'starting' : undefined,
      labels: container.options.Labels ?? {},
    };
  }

  async stopContainer(name: string, timeoutSeconds: number): Promise<void> {
    this.record('stopContainer', name, timeoutSeconds);
    const container = this.containers.get(name);
    if (container?.state === 'running') {
      container.state = 'exited';
      container.logs.push(`${name} stopped`);
    }
  }

  async killContainer(name: string, signal: string): Promise<void> {
    this.record('killContainer', name, signal);
    const container = this.containers.get(name);
    if (container?.state === 'running') {
      container.state = 'exited';
      // The engine reports 128 + the signal's number.
      container.exitCode = 128 + (SIGNAL_NUMBERS[signal] ?? 15);
      container.logs.push(`${name} killed (${signal})`);
    }
  }

  async removeContainer(name: string, options: { anonymousVolumes: boolean }): Promise<void> {
    this.record('removeContainer', name, options);
    this.containers.delete(name);
  }

  async containerLogs(name: string, lines: number): Promise<string> {
    this.record('containerLogs', name, lines);
    return (this.containers.get(name)?.logs ?? []).slice(-lines).join('\n');
  }

  async listContainers(label: string, value: string): Promise<Listed[]> {
    this.record('listContainers', label, value);
    return [...this.containers.entries()].filter(([, c]) => c.options.Labels?.[label] === value).map(([name, c]) => ({ name, labels: c.options.Labels ?? {} }));
  }

  async listNetworks(label: string, value: string): Promise<Listed[]> {
    this.record('listNetworks', label, value);
    return [...this.networks].filter(([, labels]) => labels[label] === value).map(([name, labels]) => ({ name, labels }));
  }

  async listVolumes(label: string, value: string): Promise<Listed[]> {
    this.record('listVolumes', label, value);
    return [...this.volumes].filter(([, labels]) => labels[label] === value).map(([name, labels]) => ({ name, labels }));
  }

  async removeNetwork(name: string): Promise<void> {
    this.record('removeNetwork', name);
    const users = [...this.containers.values()].filter((c) => c.options.HostConfig?.NetworkMode === name);
    if (users.length > 0) throw new Error(`docker could not remove network ${name}: error while removing network: network ${name} has active endpoints`);
    this.networks.delete(name);
  }

  async removeVolume(name: string): Promise<void> {
    this.record('removeVolume', name);
    const users = [...this.containers.values()].filter((c) => (c.options.HostConfig?.Mounts ?? []).some((m) => m.Source === name));
    if (users.length > 0) throw new Error(`docker could not remove volume ${name}: volume is in use`);
    this.volumes.delete(name);
  }

  private record(method: keyof ContainerClient, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  private mustGet(name: string): FakeContainer {
    const container = this.containers.get(name);
    if (!container) throw new Error(`docker could not find container ${name}: No such container`);
    return container;
  }
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2 };

function hostBindings(options: Docker.ContainerCreateOptions): string[] {
  return Object.values(options.HostConfig?.PortBindings ?? {}).flatMap((bindings) =>
    (bindings as { HostIp?: string; HostPort?: string }[]).map((b) => `${b.HostIp ?? '0.0.0.0'}:${b.HostPort}`),
  );
}
