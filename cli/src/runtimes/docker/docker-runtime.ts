import type { LabUnit, Link, Topology } from '../../lab/lab-types.js';
import { NativeRuntime } from '../native/native-runtime.js';
import type { ProxyRoute, Requirement, Runtime, RuntimeContext, ServiceEnvironment, StartedResource } from '../runtime.js';
import type { ContainerClient } from './container-client.js';
import { containerSpecs, toolContainerSpecs, networkSpec, serviceContainerSpecs, STOP_TIMEOUT_SECONDS, type ContainerSpec } from './container-spec.js';
import { containerName, LAB_LABEL, networkName } from './docker-names.js';
import { DockerodeContainerClient, ENGINE_HINT } from './dockerode-container-client.js';
import { IMAGES } from './images.js';
import { PullTracker, type PullProgress } from './pull-progress.js';
import { imageFor, proxyRoute } from './resource-blueprint.js';
import { containerAddresses } from './service-blueprint.js';

export interface DockerRuntimeOptions {
  /** The engine; a DockerodeContainerClient (DOCKER_HOST or /var/run/docker.sock) when absent. */
  client?: ContainerClient;
  /** Told how each image pull goes; ui/pull-report.ts turns that into lines. */
  onPull?: (progress: PullProgress) => void;
  /** How often a started container is looked at for `exited` during its first minute; ten times less often after. */
  exitPollMs?: number;
  /**
   * Where the lab's services run: `containers` (the node image with the repository mounted, as in
   * compose/docker-compose.yml) or `processes` beside the containers, as the native runtime runs
   * them. Default: containers on Linux; processes elsewhere, because the mounted node_modules hold
   * the host's native binaries (esbuild, which tsx runs) and a Linux container cannot run a macOS
   * or Windows one.
   */
  services?: 'containers' | 'processes';
}

export interface SweepOptions {
  /** Also delete the lab's volumes: its data. */
  purge?: boolean;
}

const FAST_POLL_FOR_MS = 60_000;

/**
 * Each resource in a container of its pinned image, on one network per lab, its port published on
 * the lab's host address at the same port as natively, its data in a named volume. Each service in
 * a container of the node image with the repository mounted (or as a process; see `services`).
 * Everything it creates carries `dev.frank.lab=<lab id>`. It does not wait for readiness: the lab model probes.
 */
export class DockerRuntime implements Runtime {
  readonly name = 'docker' as const;
  private readonly client: ContainerClient;
  private readonly onPull: (progress: PullProgress) => void;
  private readonly exitPollMs: number;
  /** Pulls and networks in flight, so that seven postgres resources starting at once pull one image once. */
  private readonly pulls = new Map<string, Promise<void>>();
  private readonly networks = new Map<string, Promise<void>>();
  /** Runs the lab's services as processes when `services: 'processes'`, and sweeps what such a run left. */
  private readonly processes = new NativeRuntime();
  private readonly serviceProcesses: boolean;

  constructor(options: DockerRuntimeOptions = {}) {
    this.client = options.client ?? new DockerodeContainerClient();
    this.onPull = options.onPull ?? (() => undefined);
    this.exitPollMs = options.exitPollMs ?? 500;
    this.serviceProcesses = (options.services ?? (process.platform === 'linux' ? 'containers' : 'processes')) === 'processes';
  }

  /** The engine, then each image: pulled already, or known to its registry (then `up` pulls it). */
  async requirements(topology: Topology): Promise<Requirement[]> {
    const engine = await this.client.engine();
    const requirements: Requirement[] = [
      {
        resource: 'every resource',
        program: 'Docker engine',
        path: engine ? `${engine.address} (Docker ${engine.version}, API ${engine.apiVersion})` : undefined,
        fix: ENGINE_HINT,
      },
    ];
    // Without an engine nothing can be asked about images; the engine is the one thing to fix.
    if (!engine) return requirements;
    const users = new Map<string, string[]>();
    for (const resource of topology.resources) users.set(imageFor(resource), [...(users.get(imageFor(resource)) ?? []), resource.name]);
    if (!this.serviceProcesses && topology.services.length > 0)
      users.set(
        IMAGES.node,
        topology.services.map((s) => s.name),
      );
    const images = await Promise.all(
      [...users].map(async ([image, resources]): Promise<Requirement> => {
        const path = (await this.client.hasImage(image))
          ? 'pulled'
          : (await this.client.canPull(image))
            ? 'not pulled yet; its registry has it (`up` pulls it)'
            : undefined;
        return { resource: resources.join(', '), program: image, path, fix: `docker pull ${image}` };
      }),
    );
    return [...requirements, ...images];
  }

  /**
   * A service's container gets its environment with container host names; a service run as a
   * process, with the host's address.
   */
  async start(resource: LabUnit, context: RuntimeContext, environment: ServiceEnvironment = () => ({})): Promise<StartedResource> {
    if (this.runsAsProcess(resource)) return this.processes.start(resource, context, environment);
    const spec = this.specFor(resource, context, environment);
    await this.launch(spec, context.labId);
    return { exited: this.watchExit(spec.create.name) };
  }

  /**
   * Starts the `tools` profile (SonarQube) beside a lab that is up, its database provisioned; each
   * carries the lab's label, so `frank down` removes it with the rest. Returns the tools' names.
   */
  async startTools(context: RuntimeContext): Promise<string[]> {
    const specs = toolContainerSpecs(context.topology, context.credentials, context.labId);
    for (const spec of specs) await this.launch(spec, context.labId);
    return specs.map((spec) => spec.resource);
  }

  private async launch(spec: ContainerSpec, labId: string): Promise<void> {
    await this.ensureImage(spec.image);
    await this.ensureNetwork(labId);
    if (spec.volume) await this.client.createVolume(spec.volume);
    // A container of the same name is what a crash left: it goes, its volume stays.
    await this.client.removeContainer(spec.create.name, { anonymousVolumes: true });
    await this.client.createContainer(spec.create);
    await this.client.startContainer(spec.create.name);
  }

  async isRunning(resource: LabUnit, context: RuntimeContext): Promise<boolean> {
    if (this.runsAsProcess(resource)) return this.processes.isRunning(resource, context);
    return (await this.client.inspectContainer(containerName(context.labId, resource.name)))?.running === true;
  }

  /** Stops the container (the engine kills it after the grace period) and removes it; its named volume stays. */
  async stop(resource: LabUnit, context: RuntimeContext): Promise<void> {
    if (this.runsAsProcess(resource)) return this.processes.stop(resource, context);
    const name = containerName(context.labId, resource.name);
    await this.client.stopContainer(name, STOP_TIMEOUT_SECONDS);
    await this.client.removeContainer(name, { anonymousVolumes: true });
  }

  /**
   * `docker kill -s SIGKILL`: the container stays, exited, with its volume. `start` replaces it by
   * a new container over the same volume, so the resource comes back from its data.
   */
  async kill(resource: LabUnit, context: RuntimeContext): Promise<void> {
    if (this.runsAsProcess(resource)) return this.processes.kill(resource, context);
    await this.client.killContainer(containerName(context.labId, resource.name), 'SIGKILL');
  }

  /**
   * Removes every container and the network labelled with this lab's id, and with `purge` its
   * volumes too. Returns the containers that were still there: what a crash or a half-started
   * `up` left. The network is always removed and is not counted as a leftover.
   */
  async sweep(context: RuntimeContext, options: SweepOptions = {}): Promise<string[]> {
    // An empty id would match whatever carries an empty label value: nothing of ours.
    if (!context.labId) return [];
    // Service processes a run with `services: 'processes'` left, whichever way this run starts them.
    const processes = await this.processes.sweep(context);
    const leftovers = await this.client.listContainers(LAB_LABEL, context.labId);
    await Promise.all(leftovers.map((c) => this.client.removeContainer(c.name, { anonymousVolumes: true })));
    for (const network of await this.client.listNetworks(LAB_LABEL, context.labId)) await this.client.removeNetwork(network.name);
    this.networks.delete(networkName(context.labId));
    if (options.purge) {
      for (const volume of await this.client.listVolumes(LAB_LABEL, context.labId)) await this.client.removeVolume(volume.name);
    }
    return [...processes, ...leftovers.map((c) => `container ${c.name}`)];
  }

  logTail(resource: LabUnit, context: RuntimeContext, lines = 20): Promise<string> {
    if (this.runsAsProcess(resource)) return this.processes.logTail(resource, context, lines);
    return this.client.containerLogs(containerName(context.labId, resource.name), lines);
  }

  /** Where a user reads the whole log: the engine keeps it with the container. */
  logLocation(resource: LabUnit, context: RuntimeContext): string {
    if (this.runsAsProcess(resource)) return context.paths.log(resource.name);
    return `docker logs ${containerName(context.labId, resource.name)}`;
  }

  /** Toxiproxy runs in the lab's network: it listens on every interface of its container and reaches each upstream by its resource's name. */
  proxyRoute(link: Link, topology: Topology): ProxyRoute {
    return proxyRoute(link, topology);
  }

  private runsAsProcess(unit: LabUnit): boolean {
    return unit.kind === 'service' && this.serviceProcesses;
  }

  private specFor(unit: LabUnit, context: RuntimeContext, environment: ServiceEnvironment): ContainerSpec {
    const specs =
      unit.kind === 'service'
        ? serviceContainerSpecs(context.topology, context.labId, (service) =>
            service.name === unit.name ? environment(containerAddresses(context.topology)) : {},
          )
        : // Read at call time: the token may be set for one run only.
          containerSpecs(context.topology, context.credentials, context.labId, { localstackAuthToken: process.env.LOCALSTACK_AUTH_TOKEN });
    const spec = specs.find((s) => s.resource === unit.name);
    if (!spec) throw new Error(`${unit.name} is not a ${unit.kind === 'service' ? 'service' : 'resource'} of ${context.topology.file}`);
    return spec;
  }

  private async ensureImage(image: string): Promise<void> {
    if (await this.client.hasImage(image)) return;
    let pull = this.pulls.get(image);
    if (!pull) {
      pull = this.pull(image);
      this.pulls.set(image, pull);
      pull.catch(() => this.pulls.delete(image));
    }
    await pull;
  }

  private async pull(image: string): Promise<void> {
    const tracker = new PullTracker(image);
    this.onPull(tracker.progress());
    await this.client.pullImage(image, (event) => this.onPull(tracker.update(event)));
    this.onPull(tracker.finish());
  }

  private async ensureNetwork(labId: string): Promise<void> {
    const name = networkName(labId);
    let creating = this.networks.get(name);
    if (!creating) {
      creating = this.client.createNetwork(networkSpec(labId));
      this.networks.set(name, creating);
      creating.catch(() => this.networks.delete(name));
    }
    await creating;
  }

  /**
   * Rejects once the container is no longer running: a wait for readiness gives up at once. Polls
   * the engine (a wait request would hold frank open); often at first, when a bad start shows.
   */
  private watchExit(name: string): Promise<never> {
    const began = Date.now();
    const exited = new Promise<never>((_, reject) => {
      const schedule = () => {
        const delay = Date.now() - began < FAST_POLL_FOR_MS ? this.exitPollMs : this.exitPollMs * 10;
        setTimeout(look, delay).unref();
      };
      const look = async () => {
        let status;
        try {
          status = await this.client.inspectContainer(name);
        } catch {
          schedule();
          return;
        }
        if (!status) reject(new Error(`container ${name} was removed`));
        else if (status.running || status.state === 'created' || status.state === 'restarting') schedule();
        else reject(new Error(`container ${name} ${status.state} (exit code ${status.exitCode}${status.oomKilled ? ', killed for want of memory' : ''})`));
      };
      schedule();
    });
    exited.catch(() => undefined);
    return exited;
  }
}
