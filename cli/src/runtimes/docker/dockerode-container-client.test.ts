import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FrankError } from '../../errors.js';
import type { PullEvent } from './container-client.js';
import { demuxLogFrames } from './docker-log-frames.js';
import { DockerodeContainerClient } from './dockerode-container-client.js';

/**
 * The dockerode client against a stand-in for the Docker Engine API on a unix socket: what it sends
 * (paths, queries, bodies) and how it reads the answers, without an engine. The answers are shaped
 * like the Engine API's own (v1.4x).
 */
interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

type Handler = (request: Seen, response: ServerResponse) => void;

let dir: string;
let server: Server;
let seen: Seen[];
let routes: Map<string, Handler>;

function route(method: string, pathname: string, handler: Handler): void {
  routes.set(`${method} ${pathname}`, handler);
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function client(): DockerodeContainerClient {
  return new DockerodeContainerClient({ socketPath: path.join(dir, 'docker.sock') });
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'frank-engine-'));
  seen = [];
  routes = new Map();
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://engine');
      const text = Buffer.concat(chunks).toString('utf8');
      const request: Seen = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: text ? JSON.parse(text) : undefined,
      };
      seen.push(request);
      const handler = routes.get(`${request.method} ${request.path}`);
      if (handler) handler(request, res);
      else json(res, 404, { message: `no such route: ${request.method} ${request.path}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(path.join(dir, 'docker.sock'), resolve));
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('DockerodeContainerClient', () => {
  it('reads the engine version, and says undefined when nothing answers', async () => {
    route('GET', '/version', (_req, res) => json(res, 200, { Version: '28.2.2', ApiVersion: '1.50' }));
    expect(await client().engine()).toEqual({ version: '28.2.2', apiVersion: '1.50', address: path.join(dir, 'docker.sock') });
    expect(await new DockerodeContainerClient({ socketPath: path.join(dir, 'nothing.sock') }).engine()).toBeUndefined();
  });

  it('says plainly that no engine answers, with what to do, when a call cannot reach one', async () => {
    const nowhere = new DockerodeContainerClient({ socketPath: path.join(dir, 'nothing.sock') });
    const failure = await nowhere.inspectContainer('frank-lab-redis').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FrankError);
    expect(failure).toMatchObject({
      message: `No Docker engine answers at ${path.join(dir, 'nothing.sock')}.`,
      hint: expect.stringContaining('--runtime native'),
    });
  });

  it('creates a container under its name with the options as given, and starts it', async () => {
    route('POST', '/containers/create', (_req, res) => json(res, 201, { Id: 'abc', Warnings: [] }));
    route('POST', '/containers/frank-lab-redis/start', (_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const options = {
      name: 'frank-lab-redis',
      Image: 'redis:7.4.11-alpine',
      Labels: { 'dev.frank.lab': 'lab' },
      HostConfig: { PortBindings: { '6379/tcp': [{ HostIp: '127.0.0.1', HostPort: '6479' }] } },
    };
    await client().createContainer(options);
    await client().startContainer('frank-lab-redis');
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/containers/create', query: { name: 'frank-lab-redis' } });
    expect(seen[0]!.body).toMatchObject({ Image: 'redis:7.4.11-alpine', Labels: { 'dev.frank.lab': 'lab' }, HostConfig: options.HostConfig });
    expect(seen[1]).toMatchObject({ method: 'POST', path: '/containers/frank-lab-redis/start' });
  });

  it("passes the engine's own words on when it refuses", async () => {
    route('POST', '/containers/frank-lab-redis/start', (_req, res) =>
      json(res, 500, { message: 'driver failed programming external connectivity: Bind for 127.0.0.1:6479 failed: port is already allocated' }),
    );
    await expect(client().startContainer('frank-lab-redis')).rejects.toThrow(
      'docker could not start container frank-lab-redis: driver failed programming external connectivity: Bind for 127.0.0.1:6479 failed: port is already allocated',
    );
  });

  it('inspects a container into its state, and gives undefined for one that does not exist', async () => {
    route('GET', '/containers/frank-lab-mongo/json', (_req, res) =>
      json(res, 200, {
        Name: '/frank-lab-mongo',
        Config: { Image: 'mongo:8.0.20', Labels: { 'dev.frank.lab': 'lab' } },
        State: { Status: 'exited', Running: false, ExitCode: 137, OOMKilled: true, Health: { Status: 'unhealthy' } },
      }),
    );
    expect(await client().inspectContainer('frank-lab-mongo')).toEqual({
      name: 'frank-lab-mongo',
      image: 'mongo:8.0.20',
      state: 'exited',
      running: false,
      exitCode: 137,
      oomKilled: true,
      health: 'unhealthy',
      labels: { 'dev.frank.lab': 'lab' },
    });
    expect(await client().inspectContainer('frank-lab-gone')).toBeUndefined();
  });

  it('stops with a grace period and removes by force with anonymous volumes; stopped or gone already is fine', async () => {
    route('POST', '/containers/c1/stop', (_req, res) => {
      res.writeHead(304);
      res.end();
    });
    await client().stopContainer('c1', 10);
    await client().stopContainer('missing', 10);
    await client().removeContainer('missing', { anonymousVolumes: true });
    expect(seen.map((s) => [s.method, s.path, s.query])).toEqual([
      ['POST', '/containers/c1/stop', { t: '10' }],
      ['POST', '/containers/missing/stop', { t: '10' }],
      ['DELETE', '/containers/missing', { force: 'true', v: 'true' }],
    ]);
  });

  it('kills with the signal given; a container not running (409) or gone (404) is fine', async () => {
    route('POST', '/containers/c1/kill', (_req, res) => {
      res.writeHead(204);
      res.end();
    });
    route('POST', '/containers/c2/kill', (_req, res) => json(res, 409, { message: 'Container c2 is not running' }));
    await client().killContainer('c1', 'SIGKILL');
    await client().killContainer('c2', 'SIGKILL');
    await client().killContainer('missing', 'SIGKILL');
    expect(seen.map((s) => [s.method, s.path, s.query])).toEqual([
      ['POST', '/containers/c1/kill', { signal: 'SIGKILL' }],
      ['POST', '/containers/c2/kill', { signal: 'SIGKILL' }],
      ['POST', '/containers/missing/kill', { signal: 'SIGKILL' }],
    ]);
  });

  it('a kill the engine refuses for another reason is an error in its words', async () => {
    route('POST', '/containers/c1/kill', (_req, res) => json(res, 500, { message: 'cannot kill container: permission denied' }));
    await expect(client().killContainer('c1', 'SIGKILL')).rejects.toThrow('docker could not kill container c1: cannot kill container: permission denied');
  });

  it('lists containers, networks and volumes by label', async () => {
    route('GET', '/containers/json', (_req, res) => json(res, 200, [{ Id: 'x', Names: ['/frank-lab-redis'], Labels: { 'dev.frank.lab': 'lab' } }]));
    route('GET', '/networks', (_req, res) => json(res, 200, [{ Name: 'frank-lab', Labels: { 'dev.frank.lab': 'lab' } }]));
    route('GET', '/volumes', (_req, res) => json(res, 200, { Volumes: [{ Name: 'frank-lab-redis-data', Labels: { 'dev.frank.lab': 'lab' } }], Warnings: [] }));
    expect(await client().listContainers('dev.frank.lab', 'lab')).toEqual([{ name: 'frank-lab-redis', labels: { 'dev.frank.lab': 'lab' } }]);
    expect(await client().listNetworks('dev.frank.lab', 'lab')).toEqual([{ name: 'frank-lab', labels: { 'dev.frank.lab': 'lab' } }]);
    expect(await client().listVolumes('dev.frank.lab', 'lab')).toEqual([{ name: 'frank-lab-redis-data', labels: { 'dev.frank.lab': 'lab' } }]);
    expect(seen[0]!.query).toEqual({ all: 'true', filters: '{"label":["dev.frank.lab=lab"]}' });
    expect(seen[1]!.query).toEqual({ filters: '{"label":["dev.frank.lab=lab"]}' });
    expect(seen[2]!.query).toEqual({ filters: '{"label":["dev.frank.lab=lab"]}' });
  });

  it('creates a network only when none has its exact name', async () => {
    let networks = [{ Name: 'frank-lab-old', Labels: {} }];
    route('GET', '/networks', (_req, res) => json(res, 200, networks));
    route('POST', '/networks/create', (_req, res) => json(res, 201, { Id: 'n1' }));
    await client().createNetwork({ name: 'frank-lab', labels: { 'dev.frank.lab': 'lab' } });
    networks = [{ Name: 'frank-lab', Labels: {} }];
    await client().createNetwork({ name: 'frank-lab', labels: { 'dev.frank.lab': 'lab' } });
    const creates = seen.filter((s) => s.path === '/networks/create');
    expect(creates).toHaveLength(1);
    expect(creates[0]!.body).toEqual({ Name: 'frank-lab', Driver: 'bridge', Labels: { 'dev.frank.lab': 'lab' }, CheckDuplicate: true });
  });

  it('reads the last lines of a log in frames, stdout and stderr interleaved', async () => {
    route('GET', '/containers/c1/logs', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' });
      res.end(Buffer.concat([frame(1, 'ready to accept connections\n'), frame(2, 'FATAL: role "x" does not exist\n')]));
    });
    expect(await client().containerLogs('c1', 2)).toBe('ready to accept connections\nFATAL: role "x" does not exist');
    expect(seen[0]!.query).toMatchObject({ stdout: 'true', stderr: 'true', tail: '2' });
  });

  it('pulls an image by repository and tag, passing every message on', async () => {
    route('POST', '/images/create', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(JSON.stringify({ status: 'Pulling from library/redis', id: '7.4.11-alpine' }) + '\n');
      res.write(JSON.stringify({ status: 'Downloading', id: 'l1', progressDetail: { current: 5, total: 10 } }) + '\n');
      res.end(JSON.stringify({ status: 'Status: Downloaded newer image for redis:7.4.11-alpine' }) + '\n');
    });
    const events: PullEvent[] = [];
    await client().pullImage('redis:7.4.11-alpine', (event) => events.push(event));
    expect(seen[0]!.query).toEqual({ fromImage: 'redis', tag: '7.4.11-alpine' });
    expect(events).toHaveLength(3);
    expect(events[1]).toEqual({ status: 'Downloading', id: 'l1', progressDetail: { current: 5, total: 10 } });
  });

  it('fails a pull that the engine reports as failed inside its stream', async () => {
    route('POST', '/images/create', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorDetail: { message: 'manifest unknown' }, error: 'manifest unknown' }) + '\n');
    });
    await expect(client().pullImage('redis:0.0.0', () => undefined)).rejects.toThrow('docker could not pull redis:0.0.0: manifest unknown');
  });

  it('tells a pulled image, a pullable one and an unknown one apart', async () => {
    route('GET', '/images/redis:7.4.11-alpine/json', (_req, res) => json(res, 200, { Id: 'sha256:1' }));
    route('GET', '/distribution/mongo:8.0.20/json', (_req, res) => json(res, 200, { Descriptor: {}, Platforms: [] }));
    route('GET', '/distribution/mongo:0.0.0/json', (_req, res) => json(res, 404, { message: 'manifest unknown' }));
    expect(await client().hasImage('redis:7.4.11-alpine')).toBe(true);
    expect(await client().hasImage('mongo:8.0.20')).toBe(false);
    expect(await client().canPull('mongo:8.0.20')).toBe(true);
    expect(await client().canPull('mongo:0.0.0')).toBe(false);
  });
});

describe('demuxLogFrames', () => {
  it('joins the payloads of stdout and stderr frames', () => {
    expect(demuxLogFrames(Buffer.concat([frame(1, 'a\n'), frame(2, 'b\n'), frame(1, 'ç\n')]))).toBe('a\nb\nç\n');
  });

  it('returns the text of a TTY container as it is', () => {
    expect(demuxLogFrames(Buffer.from('plain text log\n'))).toBe('plain text log\n');
  });

  it('keeps what it has of a truncated last frame', () => {
    const framed = Buffer.concat([frame(1, 'whole\n'), frame(1, 'cut off')]);
    expect(demuxLogFrames(framed.subarray(0, framed.length - 3))).toBe('whole\ncut ');
  });
});

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
