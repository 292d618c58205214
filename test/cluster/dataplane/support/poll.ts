// Waiting on the cluster without sleep loops in the tests: poll a probe until it yields a
// value, or fail at the deadline with what the probe saw last.

export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, opts: PollOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (err) {
      last = err instanceof Error ? err.message : err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

/** Asserts a condition holds at every poll over a period (e.g. "never becomes Ready"). */
export async function holdsFor(what: string, probe: () => Promise<boolean>, periodMs: number, intervalMs = 100): Promise<void> {
  const end = Date.now() + periodMs;
  while (Date.now() < end) {
    if (!(await probe())) throw new Error(`${what} stopped holding`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
