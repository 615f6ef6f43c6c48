// Bounds automatic restarts after crashes: a server that keeps dying must not loop forever.

export class RestartBudget {
  private crashes: number[] = [];

  constructor(
    private readonly max = 3,
    private readonly windowMs = 3 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash; true while fewer than `max` crashes happened within the window. */
  allowRestart(): boolean {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    return this.crashes.length <= this.max;
  }

  reset(): void {
    this.crashes = [];
  }
}
