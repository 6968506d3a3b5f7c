/**
 * Runs `work(key)` a moment after it is asked for, once for every ask in that moment, and never
 * twice at once for one key (an ask during a run runs it again after). For documents derived
 * from many others: recomputing them per event would cost as much as all the events together.
 */
export class Coalesced {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
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
    const timer = setTimeout(() => this.run(key), this.delayMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Drops what is scheduled and takes no more asks: the service is stopping. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.again.clear();
  }

  private run(key: string): void {
    this.timers.delete(key);
    this.running.add(key);
    this.work(key)
      .catch((error: unknown) => this.failed(key, error))
      .finally(() => {
        this.running.delete(key);
        if (this.again.delete(key)) this.schedule(key);
      });
  }
}
