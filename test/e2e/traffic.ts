/**
 * Steady background requests through the gateway while a run goes on, counting every
 * status, so a test can assert that the orchestrator itself never caused a failure, and which
 * component of the mesh served each namespace's answers (the simulator's x-sim-served-by:
 * `ztunnel-<rev>`, `sidecar-<rev>` or `none`).
 */
export class Traffic {
  readonly statuses = new Map<number | string, number>();
  /** "namespace served-by" -> count, e.g. "bookinfo-1-31-0-dev ztunnel-1-31-0-dev". */
  readonly servedBy = new Map<string, number>();
  private readonly stop = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly concurrency = 4,
  ) {}

  start(): this {
    this.loops = Array.from({ length: this.concurrency }, () => this.loop());
    return this;
  }

  async finish(): Promise<{ total: number; failures: Record<string, number>; servedBy: Record<string, number> }> {
    this.stop.abort();
    await Promise.all(this.loops);
    const failures = Object.fromEntries([...this.statuses].filter(([s]) => typeof s !== 'number' || s >= 500));
    return { total: [...this.statuses.values()].reduce((a, b) => a + b, 0), failures, servedBy: Object.fromEntries(this.servedBy) };
  }

  private async loop(): Promise<void> {
    while (!this.stop.signal.aborted) {
      let status: number | string;
      try {
        const response = await fetch(this.url, { signal: AbortSignal.any([this.stop.signal, AbortSignal.timeout(5000)]) });
        await response.arrayBuffer();
        status = response.status;
        const who = `${response.headers.get('x-sim-namespace') ?? '-'} ${response.headers.get('x-sim-served-by') ?? '-'}`;
        this.servedBy.set(who, (this.servedBy.get(who) ?? 0) + 1);
      } catch (error) {
        if (this.stop.signal.aborted) return;
        status = (error as { cause?: { code?: string } }).cause?.code ?? 'error';
      }
      this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
