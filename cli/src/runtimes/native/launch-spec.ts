import type { Resource } from '../../lab/lab-types.js';
import type { RuntimeContext } from '../runtime.js';

/** What the native runtime runs for one resource. */
export interface LaunchSpec {
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Run as this user (programs that refuse root, such as postgres). */
  user?: { uid: number; gid: number };
}

export type Launcher<R extends Resource = Resource> = (resource: R, context: RuntimeContext) => Promise<LaunchSpec>;
