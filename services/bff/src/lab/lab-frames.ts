import type { ChildProcess } from 'node:child_process';
import type { Logger } from '@frank/kit';
import { cliMessage, type FrankCli } from './frank-cli.js';

/** One frame of `frank dashboard --json`, as the BFF passes it on (it reads only the names it validates against). */
export interface LabFrame {
  at: string;
  resources: { name: string; kind: string; phase: string; health: string }[];
  [key: string]: unknown;
}

export type FrameEvent = { type: 'frame'; frame: LabFrame } | { type: 'lab-error'; message: string };
export type FrameListener = (event: FrameEvent) => void;

/**
 * The lab's frames while someone watches: the first listener starts one `frank dashboard --json
 * --every <every>` (one CLI process that prints a frame per interval, so nothing is started per
 * frame), the last one to leave stops it. Nobody listening: the lab is not read at all. A dashboard
 * that dies while listeners remain is reported to them and started again after `retryMs`.
 */
export class LabFrames {
  private readonly listeners = new Set<FrameListener>();
  private child: ChildProcess | undefined;
  private retry: NodeJS.Timeout | undefined;
  private latestFrame: LabFrame | undefined;

  constructor(
    private readonly cli: FrankCli,
    private readonly options: { every: string; retryMs: number; log: Logger },
  ) {}

  /** The last frame read, while someone listens (or listened); undefined before the first. */
  get latest(): LabFrame | undefined {
    return this.latestFrame;
  }

  get listening(): number {
    return this.listeners.size;
  }

  /** True while a dashboard process runs: only while someone listens. */
  get polling(): boolean {
    return this.child !== undefined;
  }

  subscribe(listener: FrameListener): () => void {
    this.listeners.add(listener);
    if (this.latestFrame) listener({ type: 'frame', frame: this.latestFrame });
    if (this.listeners.size === 1) this.startDashboard();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
    const child = this.child;
    this.child = undefined;
    child?.kill('SIGTERM');
  }

  private emit(event: FrameEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private startDashboard(): void {
    if (this.child || this.listeners.size === 0) return;
    const child = this.cli.start(['dashboard', '--json', '--every', this.options.every]);
    this.child = child;
    this.options.log.info('lab console: reading frames', { every: this.options.every, pid: child.pid });
    let pending = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (!line) continue;
        try {
          this.latestFrame = JSON.parse(line) as LabFrame;
          stderr = '';
          this.emit({ type: 'frame', frame: this.latestFrame });
        } catch {
          this.options.log.warn('lab console: a line of frank dashboard is not JSON', { line: line.slice(0, 200) });
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    const ended = (why: string) => {
      if (this.child !== child) return; // stopped on purpose
      this.child = undefined;
      const message = `frank dashboard ended (${why}): ${cliMessage(stderr)}`;
      this.options.log.warn('lab console: dashboard ended', { message });
      this.emit({ type: 'lab-error', message });
      this.retry = setTimeout(() => this.startDashboard(), this.options.retryMs);
    };
    child.once('error', (error) => ended(error.message));
    child.once('exit', (code, signal) => ended(signal ? `signal ${signal}` : `exit code ${code}`));
  }
}
