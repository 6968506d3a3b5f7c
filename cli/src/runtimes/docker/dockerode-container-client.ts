import Docker from 'dockerode';
import { FrankError } from '../../errors.js';
import type { ContainerClient, ContainerStatus, EngineInfo, Listed, PullEvent } from './container-client.js';
import { demuxLogFrames } from './docker-log-frames.js';

/** What to do when no engine answers. */
export const ENGINE_HINT = 'Start the Docker engine (`sudo systemctl start docker`, or open Docker Desktop), or run the lab natively: --runtime native';

/** How long `engine()` waits for an answer before it says that no engine answers. */
const ENGINE_TIMEOUT_MS = 2_000;

/**
 * The ContainerClient over dockerode. The engine's address comes from DOCKER_HOST (and
 * DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) when set, else /var/run/docker.sock: dockerode reads them
 * when the client is made, so make it when it is needed.
 */
export class DockerodeContainerClient implements ContainerClient {
  private readonly docker: Docker;

  constructor(options?: Docker.DockerOptions) {
    this.docker = new Docker(options);
  }

  async engine(): Promise<EngineInfo | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ENGINE_TIMEOUT_MS);
      timer.unref();
    });
    try {
      const version = await Promise.race([this.docker.version(), timeout]);
      if (!version) return undefined;
      return { version: version.Version, apiVersion: version.ApiVersion, address: this.address() };
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  async hasImage(image: string): Promise<boolean> {
    return (await this.ignoring([404], () => this.docker.getImage(image).inspect(), `inspect image ${image}`)) !== undefined;
  }

  async canPull(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).distribution();
      return true;
    } catch (error) {
      // The engine answers 4xx/5xx when the registry does not know the image or cannot be reached.
      if (statusOf(error) !== undefined) return false;
      throw error;
    }
  }

  async pullImage(image: string, onEvent: (event: PullEvent) => void): Promise<void> {
    const stream = await this.docker.pull(image).catch((error: unknown) => {
      throw this.engineError(`pull ${image}`, error);
    });
    await new Promise<void>((resolve, reject) => {
      let failure: string | undefined;
      this.docker.modem.followProgress(
        stream,
        (error: Error | null) => {
          if (error) reject(this.engineError(`pull ${image}`, error));
          else if (failure) reject(new Error(`docker could not pull ${image}: ${failure}`));
          else resolve();
        },
        (event: PullEvent) => {
          // The engine reports a failed pull as a message in the stream, not as an HTTP error.
          if (event.error) failure = event.error;
          onEvent(event);
        },
      );
    });
  }

  async createNetwork(spec: { name: string; labels: Record<string, string> }): Promise<void> {
    const existing = await this.docker.listNetworks({ filters: { name: [spec.name] } });
    // The name filter matches parts of names too.
    if (existing.some((network) => network.Name === spec.name)) return;
    await this.ignoring(
      [409],
      () => this.docker.createNetwork({ Name: spec.name, Driver: 'bridge', Labels: spec.labels, CheckDuplicate: true }),
      `create network ${spec.name}`,
    );
  }

  async createVolume(spec: { name: string; labels: Record<string, string> }): Promise<void> {
    // Creating a volume that exists answers with the existing one.
    await this.call(`create volume ${spec.name}`, () => this.docker.createVolume({ Name: spec.name, Labels: spec.labels }));
  }

  async createContainer(options: Docker.ContainerCreateOptions & { name: string }): Promise<void> {
    await this.call(`create container ${options.name}`, () => this.docker.createContainer(options));
  }

  async startContainer(name: string): Promise<void> {
    // 304: it runs already.
    await this.ignoring([304], () => this.docker.getContainer(name).start(), `start container ${name}`);
  }

  async inspectContainer(name: string): Promise<ContainerStatus | undefined> {
    const info = await this.ignoring([404], () => this.docker.getContainer(name).inspect(), `inspect container ${name}`);
    if (!info) return undefined;
    return {
      name: info.Name.replace(/^\//, ''),
      image: info.Config.Image,
      state: info.State.Status,
      running: info.State.Running,
      exitCode: info.State.ExitCode,
      oomKilled: info.State.OOMKilled,
      health: info.State.Health?.Status,
      labels: info.Config.Labels ?? {},
    };
  }

  async stopContainer(name: string, timeoutSeconds: number): Promise<void> {
    // 304: stopped already; 404: gone already.
    await this.ignoring([304, 404], () => this.docker.getContainer(name).stop({ t: timeoutSeconds }), `stop container ${name}`);
  }

  async killContainer(name: string, signal: string): Promise<void> {
    // 404: gone already; 409: not running.
    await this.ignoring([404, 409], () => this.docker.getContainer(name).kill({ signal }), `kill container ${name}`);
  }

  async removeContainer(name: string, options: { anonymousVolumes: boolean }): Promise<void> {
    await this.ignoring([404], () => this.docker.getContainer(name).remove({ force: true, v: options.anonymousVolumes }), `remove container ${name}`);
  }

  async containerLogs(name: string, lines: number): Promise<string> {
    const data = await this.ignoring(
      [404],
      () => this.docker.getContainer(name).logs({ stdout: true, stderr: true, tail: lines, follow: false }),
      `read the logs of ${name}`,
    );
    return data ? demuxLogFrames(Buffer.from(data)).trimEnd() : '';
  }

  async listContainers(label: string, value: string): Promise<Listed[]> {
    const containers = await this.call('list containers', () => this.docker.listContainers({ all: true, filters: { label: [`${label}=${value}`] } }));
    return containers.map((c) => ({ name: (c.Names[0] ?? c.Id).replace(/^\//, ''), labels: c.Labels ?? {} }));
  }

  async listNetworks(label: string, value: string): Promise<Listed[]> {
    const networks = await this.call('list networks', () => this.docker.listNetworks({ filters: { label: [`${label}=${value}`] } }));
    return networks.map((n) => ({ name: n.Name, labels: n.Labels ?? {} }));
  }

  async listVolumes(label: string, value: string): Promise<Listed[]> {
    const { Volumes } = await this.call('list volumes', () => this.docker.listVolumes({ filters: { label: [`${label}=${value}`] } }));
    return (Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }));
  }

  async removeNetwork(name: string): Promise<void> {
    await this.ignoring([404], () => this.docker.getNetwork(name).remove(), `remove network ${name}`);
  }

  async removeVolume(name: string): Promise<void> {
    await this.ignoring([404], () => this.docker.getVolume(name).remove(), `remove volume ${name}`);
  }

  /** The engine's own words: dockerode puts them in `json.message` behind a generic "(HTTP code 500) server error". */
  private engineError(action: string, error: unknown): Error {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'EACCES') {
      return new FrankError(`frank may not use the Docker engine at ${this.address()} (permission denied).`, {
        hint: 'Add yourself to the docker group (`sudo usermod -aG docker $USER`, then log in again), or run the lab natively: --runtime native',
        cause: error,
      });
    }
    if (code === 'ENOENT' || code === 'ECONNREFUSED') {
      return new FrankError(`No Docker engine answers at ${this.address()}.`, { hint: ENGINE_HINT, cause: error });
    }
    const json = (error as { json?: { message?: unknown } } | null)?.json;
    const detail = typeof json?.message === 'string' ? json.message : error instanceof Error ? error.message : String(error);
    return new Error(`docker could not ${action}: ${detail}`, { cause: error });
  }

  private async call<T>(action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.engineError(action, error);
    }
  }

  /** Runs the call; an answer with one of these HTTP statuses means "nothing to do" and gives undefined. */
  private async ignoring<T>(statuses: number[], work: () => Promise<T>, action: string): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      const status = statusOf(error);
      if (status !== undefined && statuses.includes(status)) return undefined;
      throw this.engineError(action, error);
    }
  }

  private address(): string {
    const modem = this.docker.modem as { socketPath?: string; host?: string; port?: number | string; protocol?: string };
    return modem.socketPath ?? `${modem.protocol ?? 'http'}://${modem.host}:${modem.port}`;
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
