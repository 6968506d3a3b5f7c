import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { labPaths } from '../../lab/paths.js';
import { contractOf, loadServiceContracts } from '../../lab/service-contracts.js';
import { serviceEnvironment } from '../../lab/service-env.js';
import { loadTopology, type Resource, type Topology } from '../../lab/topology.js';
import type { RuntimeContext } from '../runtime.js';
import { containerSpecs, serviceContainerSpecs } from './container-spec.js';
import { DockerRuntime } from './docker-runtime.js';
import { FakeContainerClient } from './fake-container-client.js';
import { IMAGES } from './images.js';
import type { PullProgress } from './pull-progress.js';
import { containerEnvironments, FRANK_YAML, testCredentials } from './test-fixtures.js';

const LAB = 'feedbeef';
const OFFSET = 100;

async function labContext(labId = LAB): Promise<RuntimeContext> {
  const topology = await loadTopology(FRANK_YAML, { portOffset: OFFSET });
  return { topology, paths: labPaths(topology.root), credentials: testCredentials(), labId };
}

/** An engine whose registry has every image the lab needs and that has pulled none yet. */
function freshEngine(options: { pulled?: string[] } = {}): FakeContainerClient {
  return new FakeContainerClient({ images: options.pulled ?? [], registry: Object.values(IMAGES) });
}

async function startAll(runtime: DockerRuntime, context: RuntimeContext) {
  return Promise.all(context.topology.resources.map((r) => runtime.start(r, context)));
}

const resource = (topology: Topology, name: string): Resource => topology.resources.find((r) => r.name === name)!;

describe('DockerRuntime.startTools', () => {
  it('starts SonarQube on the sonarqube database with its role, labelled with the lab, on 9000 plus the offset', async () => {
    const engine = freshEngine();
    const context = await labContext();
    context.credentials.databaseRoles.sonarqube = 'sonar-role-secret';
    expect(await new DockerRuntime({ client: engine }).startTools(context)).toEqual(['sonarqube']);
    const container = engine.containers.get(`frank-${LAB}-sonarqube`)!;
    expect(container.state).toBe('running');
    expect(container.options.Image).toBe(IMAGES.sonarqube);
    expect(container.options.Env).toEqual(
      expect.arrayContaining([
        'SONAR_JDBC_URL=jdbc:postgresql://infrastructure-db:5432/sonarqube',
        'SONAR_JDBC_USERNAME=sonarqube',
        'SONAR_JDBC_PASSWORD=sonar-role-secret',
      ]),
    );
    expect(container.options.Labels).toMatchObject({ 'dev.frank.lab': LAB, 'dev.frank.resource': 'sonarqube' });
    expect(container.options.HostConfig?.PortBindings).toEqual({ '9000/tcp': [{ HostIp: '127.0.0.1', HostPort: String(9000 + OFFSET) }] });
  });
});

describe('DockerRuntime.start over the whole repository lab', () => {
  it('creates and starts exactly the containers containerSpecs describes, all running', async () => {
    const engine = freshEngine();
    const context = await labContext();
    await startAll(new DockerRuntime({ client: engine }), context);

    const expected = containerSpecs(context.topology, context.credentials, LAB).map((s) => s.create);
    expect(engine.created()).toEqual(expect.arrayContaining(expected));
    expect(engine.created()).toHaveLength(context.topology.resources.length);
    expect(
      engine
        .callsTo('startContainer')
        .map(([name]) => name)
        .sort(),
    ).toEqual(context.topology.resources.map((r) => `frank-${LAB}-${r.name}`).sort());
    for (const r of context.topology.resources) expect(engine.containers.get(`frank-${LAB}-${r.name}`)?.state, r.name).toBe('running');
  });

  it('pulls each missing image once, however many resources share it, and reports the progress', async () => {
    const engine = freshEngine({ pulled: [IMAGES.redis] });
    const progress: PullProgress[] = [];
    await startAll(new DockerRuntime({ client: engine, onPull: (p) => progress.push(p) }), await labContext());

    const pulled = engine.callsTo('pullImage').map(([image]) => image);
    expect(pulled.sort()).toEqual([IMAGES.postgres, IMAGES.rabbitmq, IMAGES.mongo, IMAGES.moto, IMAGES.toxiproxy, IMAGES.unleash].sort());
    const finished = progress.filter((p) => p.done);
    expect(finished.map((p) => p.image).sort()).toEqual([...pulled].sort());
    expect(finished.every((p) => p.layers === 2 && p.layersDone === 2 && p.downloadedBytes === 5_000_000 && p.totalBytes === 5_000_000)).toBe(true);
    expect(progress.some((p) => p.image === IMAGES.postgres && !p.done && p.layersDone === 1)).toBe(true);
  });

  it('creates the lab network once, labelled, before the first container', async () => {
    const engine = freshEngine();
    await startAll(new DockerRuntime({ client: engine }), await labContext());
    expect(engine.callsTo('createNetwork')).toEqual([[{ name: `frank-${LAB}`, labels: { 'dev.frank.lab': LAB } }]]);
    const firstContainer = engine.calls.findIndex((c) => c.method === 'createContainer');
    expect(engine.calls.findIndex((c) => c.method === 'createNetwork')).toBeLessThan(firstContainer);
    expect([...engine.networks]).toEqual([[`frank-${LAB}`, { 'dev.frank.lab': LAB }]]);
  });

  it('creates a labelled volume for each stateful resource', async () => {
    const engine = freshEngine();
    await startAll(new DockerRuntime({ client: engine }), await labContext());
    const stateful = [
      'user-db',
      'inventory-db',
      'order-db',
      'payment-db',
      'notification-db',
      'analytics-db',
      'infrastructure-db',
      'rabbitmq',
      'mongo',
      'redis',
    ];
    expect([...engine.volumes.keys()].sort()).toEqual(stateful.map((r) => `frank-${LAB}-${r}-data`).sort());
    for (const r of stateful) expect(engine.volumes.get(`frank-${LAB}-${r}-data`)).toEqual({ 'dev.frank.lab': LAB, 'dev.frank.resource': r });
  });

  it('replaces a container a crash left under the same name, keeping its volume', async () => {
    const engine = freshEngine();
    const context = await labContext();
    const runtime = new DockerRuntime({ client: engine });
    const db = resource(context.topology, 'order-db');
    await runtime.start(db, context);
    engine.exit(`frank-${LAB}-order-db`, 137);

    await runtime.start(db, context);
    expect(engine.callsTo('removeContainer')).toContainEqual([`frank-${LAB}-order-db`, { anonymousVolumes: true }]);
    expect(engine.containers.get(`frank-${LAB}-order-db`)?.state).toBe('running');
    expect(engine.volumes.has(`frank-${LAB}-order-db-data`)).toBe(true);
  });

  it("fails with the engine's words when a port is taken", async () => {
    const engine = freshEngine();
    const context = await labContext();
    const runtime = new DockerRuntime({ client: engine });
    await runtime.start(resource(context.topology, 'redis'), context);
    const otherLab = await labContext('0ther1ab');
    await expect(runtime.start(resource(otherLab.topology, 'redis'), otherLab)).rejects.toThrow(/127\.0\.0\.1:6479 failed: port is already allocated/);
  });

  it('fails naming the image when the registry does not have it, and tries again on the next start', async () => {
    const engine = new FakeContainerClient({ registry: [] });
    const context = await labContext();
    const runtime = new DockerRuntime({ client: engine });
    const redis = resource(context.topology, 'redis');
    await expect(runtime.start(redis, context)).rejects.toThrow(`docker could not pull ${IMAGES.redis}: manifest unknown`);
    engine.registry.add(IMAGES.redis);
    await runtime.start(redis, context);
    expect(engine.callsTo('pullImage')).toHaveLength(2);
  });
});

describe('DockerRuntime while the lab runs', () => {
  it('isRunning follows the container', async () => {
    const engine = freshEngine();
    const context = await labContext();
    const runtime = new DockerRuntime({ client: engine });
    const mongo = resource(context.topology, 'mongo');
    expect(await runtime.isRunning(mongo, context)).toBe(false);
    await runtime.start(mongo, context);
    expect(await runtime.isRunning(mongo, context)).toBe(true);
    engine.exit(`frank-${LAB}-mongo`, 1);
    expect(await runtime.isRunning(mongo, context)).toBe(false);
  });

  it('rejects `exited` as soon as the container stops, with its exit code', async () => {
    const engine = freshEngine();
    const context = await labContext();
    const started = await new DockerRuntime({ client: engine, exitPollMs: 5 }).start(resource(context.topology, 'rabbitmq'), context);
    engine.exit(`frank-${LAB}-rabbitmq`, 78);
    await expect(started.exited).rejects.toThrow(`container frank-${LAB}-rabbitmq exited (exit code 78)`);
  });

  it('logTail gives the last lines of the container log', async () => {
    const engine = freshEngine();
    const context = await labContext();
    const runtime = new DockerRuntime({ client: engine });
    const db = resource(context.topology, 'payment-db');
    await runtime.start(db, context);
    engine.exit(`frank-${LAB}-payment-db`, 1, 'FATAL: data directory has wrong ownership');
    expect(await runtime.logTail(db, context, 1)).toBe('FATAL: data directory has wrong ownership');
    expect(engine.callsTo('containerLogs')).toEqual([[`frank-${LAB}-payment-db`, 1]]);
    expect(await runtime.logTail(resource(context.topology, 'redis'), context)).toBe('');
  });

  it('routes Toxiproxy to each upstream by resource name inside the lab network', async () => {
    const context = await labContext();
    const link = context.topology.links.find((l) => l.name === 'order.order-db')!;
    expect(new DockerRuntime({ client: freshEngine() }).proxyRoute(link, context.topology)).toEqual({
      listen: `0.0.0.0:${link.listenPort}`,
      upstream: 'order-db:5432',
    });
  });
});

describe('DockerRuntime.kill (chaos) and the start that follows', () => {
  it('kills the container with SIGKILL, keeps it and its volume, and `exited` rejects with 137', async () => {
    const engine = freshEngine();
    const context = await labContext();
    const runtime = new DockerRuntime({ client: engine, exitPollMs: 5 });
    const db = resource(context.topology, 'payment-db');
    const started = await runtime.start(db, context);
    await runtime.kill(db, context);
    expect(engine.callsTo('killContainer')).toEqual([[`frank-${LAB}-payment-db`, 'SIGKILL']]);
    expect(engine.callsTo('stopContainer')).toEqual([]);
    expect(engine.containers.get(`frank-${LAB}-payment-db`)).toMatchObject({ state: 'exited', exitCode: 137 });
    expect(await runtime.isRunning(db, context)).toBe(false);
    await expect(started.exited).rejects.toThrow(`container frank-${LAB}-payment-db exited (exit code 137)`);
  });

  it('start after a kill runs a new container over the same named volume: the database comes back from its data', async () => {
    const engine = freshEngine();
    const context = await labContext();
    const runtime = new DockerRuntime({ client: engine });
    const db = resource(context.topology, 'order-db');
    await runtime.start(db, context);
    const volumeMounts = () => engine.containers.get(`frank-${LAB}-order-db`)!.options.HostConfig?.Mounts?.filter((m) => m.Type === 'volume');
    const before = volumeMounts();
    await runtime.kill(db, context);
    await runtime.start(db, context);
    expect(engine.containers.get(`frank-${LAB}-order-db`)?.state).toBe('running');
    expect(volumeMounts()).toEqual(before);
    expect(before).toContainEqual(expect.objectContaining({ Source: `frank-${LAB}-order-db-data` }));
    expect(engine.volumes.has(`frank-${LAB}-order-db-data`)).toBe(true);
    expect(engine.callsTo('createVolume').filter(([spec]) => (spec as { name: string }).name === `frank-${LAB}-order-db-data`)).toHaveLength(2);
  });

  it('killing what is not running, or gone, is fine', async () => {
    const engine = freshEngine();
    const context = await labContext();
    const runtime = new DockerRuntime({ client: engine });
    const broker = resource(context.topology, 'rabbitmq');
    await expect(runtime.kill(broker, context)).resolves.toBeUndefined();
    await runtime.start(broker, context);
    await runtime.kill(broker, context);
    await expect(runtime.kill(broker, context)).resolves.toBeUndefined();
    expect(engine.containers.get(`frank-${LAB}-rabbitmq`)?.exitCode).toBe(137);
  });

  it('kills a service container the same way, and leaves a service run as a process to the process runtime', async () => {
    const engine = freshEngine();
    const context = await labContext();
    const inventory = context.topology.services.find((s) => s.name === 'inventory')!;
    const inContainers = new DockerRuntime({ client: engine, services: 'containers' });
    await inContainers.start(inventory, context);
    await inContainers.kill(inventory, context);
    expect(engine.containers.get(`frank-${LAB}-inventory`)).toMatchObject({ state: 'exited', exitCode: 137 });

    const asProcesses = new DockerRuntime({ client: engine, services: 'processes' });
    const calls = engine.calls.length;
    // A lab folder with no pid file: nothing runs, nothing to kill, and the engine is not asked.
    const empty = await mkdtemp(path.join(tmpdir(), 'frank-kill-'));
    try {
      await asProcesses.kill(inventory, { ...context, paths: labPaths(empty) });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
    expect(engine.calls.length).toBe(calls);
  });
});

describe('DockerRuntime.stop and sweep', () => {
  it('stop stops and removes the container with its anonymous volumes, and keeps its named volume', async () => {
    const engine = freshEngine();
    const context = await labContext();
    const runtime = new DockerRuntime({ client: engine });
    const db = resource(context.topology, 'user-db');
    await runtime.start(db, context);
    await runtime.stop(db, context);
    expect(engine.callsTo('stopContainer')).toEqual([[`frank-${LAB}-user-db`, 10]]);
    expect(engine.containers.has(`frank-${LAB}-user-db`)).toBe(false);
    expect(engine.volumes.has(`frank-${LAB}-user-db-data`)).toBe(true);
    // Stopping what is not running is fine.
    await expect(runtime.stop(db, context)).resolves.toBeUndefined();
  });

  it('sweep removes what a crash left of this lab (containers, network), keeps its volumes, and leaves other labs alone', async () => {
    const engine = freshEngine();
    const context = await labContext();
    const other = await labContext('0ther1ab');
    const otherTopology = await loadTopology(FRANK_YAML, { portOffset: 4000 });
    await startAll(new DockerRuntime({ client: engine }), context);
    await startAll(new DockerRuntime({ client: engine }), { ...other, topology: otherTopology });

    // A new frank process after the crash: it knows nothing but the lab id.
    const leftovers = await new DockerRuntime({ client: engine }).sweep(context);
    expect(leftovers.sort()).toEqual(context.topology.resources.map((r) => `container frank-${LAB}-${r.name}`).sort());
    expect([...engine.containers.keys()].every((name) => name.startsWith('frank-0ther1ab-'))).toBe(true);
    expect(engine.networks.has(`frank-${LAB}`)).toBe(false);
    expect(engine.networks.has('frank-0ther1ab')).toBe(true);
    expect([...engine.volumes.keys()].filter((v) => v.startsWith(`frank-${LAB}-`))).toHaveLength(10);
  });

  it('sweep with purge deletes the volumes of this lab only', async () => {
    const engine = freshEngine();
    const context = await labContext();
    const runtime = new DockerRuntime({ client: engine });
    await startAll(runtime, context);
    engine.volumes.set('frank-0ther1ab-user-db-data', { 'dev.frank.lab': '0ther1ab', 'dev.frank.resource': 'user-db' });
    engine.volumes.set('someone-elses', {});
    await runtime.sweep(context, { purge: true });
    expect([...engine.volumes.keys()].sort()).toEqual(['frank-0ther1ab-user-db-data', 'someone-elses']);
  });

  it('after a sweep, starting again recreates the network', async () => {
    const engine = freshEngine();
    const context = await labContext();
    const runtime = new DockerRuntime({ client: engine });
    const redis = resource(context.topology, 'redis');
    await runtime.start(redis, context);
    await runtime.sweep(context);
    await runtime.start(redis, context);
    expect(engine.networks.has(`frank-${LAB}`)).toBe(true);
    expect(engine.callsTo('createNetwork')).toHaveLength(2);
  });

  it('sweep without a lab id touches nothing', async () => {
    const engine = freshEngine();
    const context = await labContext();
    expect(await new DockerRuntime({ client: engine }).sweep({ ...context, labId: '' })).toEqual([]);
    expect(engine.calls).toEqual([]);
  });
});

describe('DockerRuntime.requirements', () => {
  it('names the engine as the one thing missing when no engine answers', async () => {
    const engine = new FakeContainerClient({ engine: undefined });
    const requirements = await new DockerRuntime({ client: engine }).requirements((await labContext()).topology);
    expect(requirements).toEqual([{ resource: 'every resource', program: 'Docker engine', path: undefined, fix: expect.stringContaining('--runtime native') }]);
  });

  it('lists each image with the resources that use it: pulled, pullable, or missing with the command that fixes it', async () => {
    const engine = new FakeContainerClient({ images: [IMAGES.postgres], registry: Object.values(IMAGES).filter((i) => i !== IMAGES.toxiproxy) });
    const requirements = await new DockerRuntime({ client: engine, services: 'containers' }).requirements((await labContext()).topology);
    expect(requirements[0]).toMatchObject({ program: 'Docker engine', path: '/var/run/docker.sock (Docker 28.2.2, API 1.50)' });
    const byImage = Object.fromEntries(requirements.slice(1).map((r) => [r.program, r]));
    expect(Object.keys(byImage).sort()).toEqual(
      [IMAGES.postgres, IMAGES.rabbitmq, IMAGES.mongo, IMAGES.redis, IMAGES.moto, IMAGES.toxiproxy, IMAGES.unleash, IMAGES.node].sort(),
    );
    expect(byImage[IMAGES.node]).toMatchObject({
      resource: 'bff, user, inventory, order, payment, notification, analytics, payment-provider, eventbridge-bridge, rabbitmq-bridge, views, image-processing',
      path: expect.stringMatching(/its registry has it/),
    });
    expect(byImage[IMAGES.postgres]).toEqual({
      resource: 'user-db, inventory-db, order-db, payment-db, notification-db, analytics-db, infrastructure-db',
      program: IMAGES.postgres,
      path: 'pulled',
      fix: `docker pull ${IMAGES.postgres}`,
    });
    expect(byImage[IMAGES.redis]!.path).toMatch(/its registry has it/);
    expect(byImage[IMAGES.toxiproxy]).toEqual({ resource: 'toxiproxy', program: IMAGES.toxiproxy, path: undefined, fix: `docker pull ${IMAGES.toxiproxy}` });
    // Asking is not pulling.
    expect(engine.callsTo('pullImage')).toEqual([]);
  });

  it('does not ask for the node image when the services run as processes', async () => {
    const engine = freshEngine();
    const requirements = await new DockerRuntime({ client: engine, services: 'processes' }).requirements((await labContext()).topology);
    expect(requirements.map((r) => r.program)).not.toContain(IMAGES.node);
  });
});

describe('DockerRuntime.logLocation', () => {
  it('points the user at docker logs for the container', async () => {
    const context = await labContext();
    expect(new DockerRuntime({ client: freshEngine() }).logLocation(resource(context.topology, 'order-db'), context)).toBe(`docker logs frank-${LAB}-order-db`);
  });
});

describe('services in containers', () => {
  const service = (context: RuntimeContext, name: string) => context.topology.services.find((s) => s.name === name)!;

  it('creates and starts exactly the containers serviceContainerSpecs describes, from the pinned node image', async () => {
    const engine = freshEngine();
    const context = await labContext();
    const runtime = new DockerRuntime({ client: engine, services: 'containers' });
    await startAll(runtime, context);
    // The lab model hands a service its environment for any addresses; the container gets it with container host names.
    const contracts = await loadServiceContracts(context.topology);
    const environments = containerEnvironments(context.topology, context.credentials, contracts);
    await Promise.all(
      context.topology.services.map((s) =>
        runtime.start(s, context, (addresses) =>
          serviceEnvironment(s, context.topology, context.credentials, contractOf(contracts, s.name).described, {
            ...(addresses ? { addresses } : {}),
            runtime: { NODE_ENV: 'development' },
          }),
        ),
      ),
    );

    const expected = serviceContainerSpecs(context.topology, LAB, environments).map((s) => s.create);
    expect(engine.created()).toEqual(expect.arrayContaining(expected));
    expect(engine.created()).toHaveLength(context.topology.resources.length + context.topology.services.length);
    expect(engine.callsTo('pullImage').filter(([image]) => image === IMAGES.node)).toHaveLength(1);
    for (const s of context.topology.services) {
      const created = engine.containers.get(`frank-${LAB}-${s.name}`)!;
      expect(created.state, s.name).toBe('running');
      expect(created.options.Env, s.name).toContain('HOST=0.0.0.0');
    }
  });

  it('follows, stops, reads the log of and sweeps a service container like a resource', async () => {
    const engine = freshEngine();
    const context = await labContext();
    const runtime = new DockerRuntime({ client: engine, services: 'containers', exitPollMs: 5 });
    const order = service(context, 'order');
    expect(await runtime.isRunning(order, context)).toBe(false);
    const started = await runtime.start(order, context);
    expect(await runtime.isRunning(order, context)).toBe(true);
    expect(runtime.logLocation(order, context)).toBe(`docker logs frank-${LAB}-order`);
    engine.exit(`frank-${LAB}-order`, 1, 'Error: connect ECONNREFUSED toxiproxy:8587');
    await expect(started.exited).rejects.toThrow(`container frank-${LAB}-order exited (exit code 1)`);
    expect(await runtime.logTail(order, context, 1)).toBe('Error: connect ECONNREFUSED toxiproxy:8587');

    await runtime.start(order, context);
    await runtime.stop(order, context);
    expect(engine.callsTo('stopContainer')).toEqual([[`frank-${LAB}-order`, 10]]);
    expect(engine.containers.has(`frank-${LAB}-order`)).toBe(false);

    await runtime.start(service(context, 'user'), context);
    expect(await new DockerRuntime({ client: engine, services: 'containers' }).sweep(context)).toEqual([`container frank-${LAB}-user`]);
  });
});

describe('services as processes beside the containers', () => {
  it('leaves the lab services to processes: no container is asked for them', async () => {
    const engine = freshEngine();
    const runtime = new DockerRuntime({ client: engine, services: 'processes' });
    const context = await labContext();
    const order = context.topology.services.find((s) => s.name === 'order')!;
    expect(await runtime.isRunning(order, context)).toBe(false);
    await runtime.stop(order, context);
    expect(runtime.logLocation(order, context)).toBe(context.paths.log('order'));
    expect(engine.callsTo('inspectContainer')).toEqual([]);
    expect(engine.callsTo('stopContainer')).toEqual([]);
  });
});
