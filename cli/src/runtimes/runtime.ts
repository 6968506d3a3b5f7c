import type { Credentials, LabPaths, LabUnit, Link, ServiceAddresses, Topology } from '../lab/lab-types.js';

/**
 * How the lab's programs are run. The lab model above this (phases, probes, provisioning) does
 * not know which runtime runs them: it reaches every resource on host:port.
 */
/** A service's environment at the given addresses (absent: the lab's host address, as a process sees it). */
export type ServiceEnvironment = (addresses?: ServiceAddresses) => Record<string, string>;

export interface Runtime {
  readonly name: RuntimeName;
  /** The programs this topology needs, found or not, each with the command that installs it. */
  requirements(topology: Topology): Promise<Requirement[]>;
  /**
   * Launches the unit and returns once its process (or container) exists: the `booted` phase.
   * A service gets its environment (what it declares: URLs through its links, secrets) from the lab
   * model, for the addresses it will reach things at.
   */
  start(unit: LabUnit, context: RuntimeContext, environment?: ServiceEnvironment): Promise<StartedResource>;
  isRunning(unit: LabUnit, context: RuntimeContext): Promise<boolean>;
  /** Stops the unit gracefully, then by force; a unit that is not running is fine. */
  stop(unit: LabUnit, context: RuntimeContext): Promise<void>;
  /**
   * Kills the unit at once, as a crash would (SIGKILL, no shutdown): what `frank chaos kill-*`
   * injects. Its data stays, so `start` brings it back from there (a database recovers from its
   * data directory). Resolves once it is gone; a unit that is not running is fine.
   */
  kill(unit: LabUnit, context: RuntimeContext): Promise<void>;
  /**
   * Removes whatever carries this lab's label: what a crash or a half-started `up` left behind.
   * With `purge` the lab's data goes too (the docker runtime's volumes; the native runtime's data
   * lives under .frank/, which `down --purge` deletes itself).
   */
  sweep(context: RuntimeContext, options?: { purge?: boolean }): Promise<string[]>;
  /** Starts the optional `tools` profile (SonarQube) beside a lab that is up; absent: this runtime runs no tools. */
  startTools?(context: RuntimeContext): Promise<string[]>;
  logTail(unit: LabUnit, context: RuntimeContext, lines?: number): Promise<string>;
  /** Where the user reads a resource's whole log; absent: the log file under .frank/logs/. */
  logLocation?(unit: LabUnit, context: RuntimeContext): string;
  /**
   * Where Toxiproxy listens for a link and where it forwards it, as seen from inside Toxiproxy.
   * Absent: the lab's host address and the topology's ports (native: everything on one host).
   */
  proxyRoute?(link: Link, topology: Topology): ProxyRoute;
}

export interface ProxyRoute {
  listen: string;
  upstream: string;
}

export type RuntimeName = 'native' | 'docker';

export interface RuntimeContext {
  topology: Topology;
  paths: LabPaths;
  credentials: Credentials;
  labId: string;
}

export interface Requirement {
  resource: string;
  program: string;
  /** Where it was found; undefined when missing. */
  path: string | undefined;
  /** The exact command that installs it. */
  fix: string;
}

export interface StartedResource {
  /** Rejects when the process dies: a wait for readiness gives up at once instead of timing out. */
  exited: Promise<never>;
}
