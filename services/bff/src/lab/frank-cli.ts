import { spawn, type ChildProcess } from 'node:child_process';

/** What one run of the frank CLI left: its exit code and both streams. */
export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * The frank CLI of the lab this BFF belongs to: `node <FRANK_CLI> -c <FRANK_CONFIG> …`. The lab
 * console shows what the CLI shows by asking the CLI; a service does not import the CLI's code.
 */
export interface FrankCli {
  /** Runs to the end (or until `timeoutMs`, then SIGTERM). */
  run(args: string[], options?: { timeoutMs?: number }): Promise<CliRun>;
  /** Starts a long-lived command (`dashboard --json`, a `chaos … --for`); the caller ends it. */
  start(args: string[]): ChildProcess;
}

export function frankCli(cliPath: string, configPath: string): FrankCli {
  const start = (args: string[]) =>
    spawn(process.execPath, [cliPath, '-c', configPath, '--no-color', ...args], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  return {
    start,
    run(args, options = {}) {
      return new Promise((resolve) => {
        const child = start(args);
        let stdout = '';
        let stderr = '';
        child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        const timer = setTimeout(() => {
          stderr += `\n✖ frank ${args.join(' ')} did not finish within ${(options.timeoutMs ?? 60_000) / 1000} s.`;
          child.kill('SIGTERM');
        }, options.timeoutMs ?? 60_000);
        child.once('error', (error) => {
          clearTimeout(timer);
          resolve({ exitCode: 1, stdout, stderr: `${stderr}\n✖ the frank CLI could not be started: ${error.message}` });
        });
        child.once('close', (code) => {
          clearTimeout(timer);
          resolve({ exitCode: code ?? 1, stdout, stderr });
        });
      });
    },
  };
}

/**
 * The CLI's error as one line for a JSON answer: its `✖ …` line and the `try:` hint after it
 * (commander's own `error: …` for a bad argument), else the last line it wrote.
 */
export function cliMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const at = lines.findIndex((l) => l.startsWith('✖') || l.startsWith('error:'));
  if (at === -1) return lines.at(-1) ?? 'the frank CLI failed without a message';
  return lines
    .slice(at)
    .filter((l) => !l.startsWith('(run with --help'))
    .map((l) => l.replace(/^✖\s*/, '').replace(/^error:\s*/, ''))
    .join(' ');
}
