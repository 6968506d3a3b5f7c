/**
 * Errors as types. A FrankError is expected: its message is for the user and its `hint` says what
 * to try. Anything else reaching the top is our bug and is reported as such.
 */
export type ExitCode = 0 | 1 | 2;

export interface FrankErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class FrankError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: ExitCode = 1;

  constructor(message: string, options: FrankErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** The user asked for something that cannot be: a bad flag, a broken frank.yaml. Exit code 2. */
export class UsageError extends FrankError {
  override readonly exitCode = 2;
}

export type LabPhase = 'declared' | 'starting' | 'booted' | 'ready' | 'migrated' | 'seeded' | 'healthy' | 'stopped' | 'failed';

/** A resource of the lab failed: names the resource, the phase it was in and the tail of its log. */
export class ResourceError extends FrankError {
  readonly resource: string;
  readonly phase: LabPhase;
  readonly logTail: string;

  constructor(resource: string, phase: LabPhase, message: string, options: FrankErrorOptions & { logTail?: string } = {}) {
    super(`${resource} failed while ${phase}: ${message}`, options);
    this.resource = resource;
    this.phase = phase;
    this.logTail = options.logTail ?? '';
  }
}

/** A program we ran exited badly; keeps the command so the user can run it by hand. */
export class ExternalCommandError extends FrankError {
  readonly command: string;

  constructor(command: string, output: string, options: FrankErrorOptions = {}) {
    super(`\`${command}\` failed${output ? `:\n${output.trim()}` : ''}`, options);
    this.command = command;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
