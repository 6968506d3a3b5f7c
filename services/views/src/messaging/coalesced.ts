/**
 * Runs `work(key)` a moment after it is asked for, once for every ask in that moment, and never
 * twice at once for one key (an ask during a run runs it again after). For documents derived
 * from many others: recomputing them per event would cost as much as all the events together.
 * A run that fails is tried again, later each time (the last event of an order asks only once).
 */
const RETRY_CAP_MS = 5000;

export class Coalesced {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly failures = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly delayMs: number,
    private readonly work: (key: string) => Promise<void>,
    private readonly failed: (key: string, error: unknown) => void,
  ) {}

  schedule(key: string): void {
    if (this.stopped || this.timers.has(key)) return;
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    this.start(key, this.delayMs);
  }

  private start(key: string, delayMs: number): void {
    const timer = setTimeout(() => this.run(key), delayMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Drops what is scheduled and takes no more asks: the service is stopping. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.again.clear();
    this.failures.clear();
  }

  private run(key: string): void {
    this.timers.delete(key);
    this.running.add(key);
    this.work(key)
      .then(
        () => {
          this.failures.delete(key);
          return false;
        },
        (error: unknown) => {
          this.failed(key, error);
          this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
          return true;
        },
      )
      .then((retry) => {
        this.running.delete(key);
        if (this.stopped || this.timers.has(key)) return;
        const failures = this.failures.get(key) ?? 0;
        if (retry) this.start(key, Math.min(Math.max(this.delayMs, 100) * 2 ** failures, RETRY_CAP_MS));
        else if (this.again.delete(key)) this.schedule(key);
      });
  }
}
