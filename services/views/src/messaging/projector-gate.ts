/**
 * Holds a projector's deliveries while a rebuild swaps its collections: the messages stay unacked
 * (at most the prefetch) or queued in the broker, and are applied to the new collections after.
 */
export class ProjectorGate {
  private closed: Promise<void> | undefined;
  private open: (() => void) | undefined;
  private inFlight = 0;
  private drained: (() => void)[] = [];

  /** Waits while the gate is closed, then counts the delivery as in flight until `done`. */
  async enter(): Promise<void> {
    while (this.closed) await this.closed;
    this.inFlight++;
  }

  done(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const wake of this.drained.splice(0)) wake();
  }

  /** Closes the gate and resolves once nothing is being applied. */
  async close(): Promise<void> {
    if (!this.closed) this.closed = new Promise((resolve) => (this.open = resolve));
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  reopen(): void {
    const open = this.open;
    this.closed = undefined;
    this.open = undefined;
    open?.();
  }

  get isClosed(): boolean {
    return this.closed !== undefined;
  }
}
