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

/**
 * Go collects garbage each time its heap doubles; Toxiproxy and FerretDB (Go) keep a few MiB live
 * and allocate per chunk or document: at the default they collect many times a second under load
 * (bench:saga: FerretDB's CPU per saga 12.7 → 10.8 ms at 400).
 */
export const GO_FEWER_COLLECTIONS = { GOGC: '400' };
