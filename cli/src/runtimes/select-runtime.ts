import { existsSync } from 'node:fs';
import { request } from 'node:http';
import type { RuntimeChoice } from '../lab/lab-types.js';
import { DockerRuntime } from './docker/docker-runtime.js';
import type { PullProgress } from './docker/pull-progress.js';
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
    return { name: 'docker', reason: `a Docker engine answers at ${dockerSocket()}` };
  }
  return { name: 'native', reason: `no Docker engine answers at ${dockerSocket()}` };
}

/** `onPull` hears how each image pull goes; the caller decides whether and where that is shown. */
export function createRuntime(name: RuntimeName, onPull?: (progress: PullProgress) => void): Runtime {
  if (name === 'docker') return new DockerRuntime({ onPull });
  return new NativeRuntime();
}
