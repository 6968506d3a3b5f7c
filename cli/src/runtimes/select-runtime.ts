import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { UsageError } from '../errors.js';
import type { RuntimeChoice } from '../lab/topology.js';
import { NativeRuntime } from './native/native-runtime.js';
import type { Runtime, RuntimeName } from './runtime.js';

export interface RuntimeSelection {
  name: RuntimeName;
  reason: string;
}

/** Read at call time: DOCKER_HOST may point at another engine. */
function dockerSocket(): string {
  const host = process.env.DOCKER_HOST;
  return host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
}

/** True when a Docker engine answers `GET /_ping` on its socket within a second. */
export async function dockerEngineAnswers(): Promise<boolean> {
  const socketPath = dockerSocket();
  if (!existsSync(socketPath)) return false;
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

export async function selectRuntime(choice: RuntimeChoice, source: string): Promise<RuntimeSelection> {
  if (choice !== 'auto') return { name: choice, reason: `${source} asks for ${choice}` };
  if (await dockerEngineAnswers()) {
    return { name: 'native', reason: `a Docker engine answers at ${dockerSocket()}, but the docker runtime is not built yet; native runs the lab` };
  }
  return { name: 'native', reason: `no Docker engine answers at ${dockerSocket()}` };
}

export function createRuntime(name: RuntimeName): Runtime {
  if (name === 'docker') {
    throw new UsageError('The docker runtime is not available yet.', { hint: 'Use --runtime native (the default when no Docker engine answers).' });
  }
  return new NativeRuntime();
}
