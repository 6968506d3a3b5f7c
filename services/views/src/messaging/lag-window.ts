/** The last `size` projection lags of one projector, for percentiles in /views/status. */
export class LagWindow {
  private readonly samples: number[] = [];
  private next = 0;

  constructor(private readonly size = 10_000) {}

  record(lagMs: number): void {
    if (this.samples.length < this.size) this.samples.push(lagMs);
    else this.samples[this.next] = lagMs;
    this.next = (this.next + 1) % this.size;
  }

  /** Nearest-rank percentiles over the window (its last `samples` events); null before the first. */
  summary(): { samples: number; p50: number; p99: number; max: number } | null {
    if (this.samples.length === 0) return null;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
    return { samples: sorted.length, p50: at(50), p99: at(99), max: sorted.at(-1)! };
  }

  reset(): void {
    this.samples.length = 0;
    this.next = 0;
  }
}
