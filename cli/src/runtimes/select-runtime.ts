import { existsSync } from 'node:fs';
import { request } from 'node:http';
import type { RuntimeChoice } from '../lab/lab-types.js';
import { writeInfo } from '../ui/output.js';
import { DockerRuntime } from './docker/docker-runtime.js';
import { pullReporter } from './docker/pull-progress.js';
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

export function createRuntime(name: RuntimeName): Runtime {
  // Image pulls report on stderr, like every progress line: stdout stays clean for --json.
  if (name === 'docker') return new DockerRuntime({ onPull: pullReporter(writeInfo) });
  return new NativeRuntime();
}
