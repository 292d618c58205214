/** Waiting on the cluster: abortable sleeps and deadline-bounded polls, with an injectable clock. */

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now(), sleep: abortableSleep };

export interface PollOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly signal: AbortSignal;
  readonly clock?: Clock;
}

/** The outcome of one look: done with a value, or not yet with the reason (kept for the timeout message). */
export type Probe<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly why: string };

export class PollTimeout extends Error {
  constructor(readonly why: string) {
    super(why);
  }
}

/**
 * Looks until the probe says done or the deadline passes; at the deadline throws PollTimeout
 * carrying the last reason, which the caller turns into an InfraError naming the object.
 * The probe always runs at least once, even with a zero timeout.
 */
export async function pollUntil<T>(probe: () => Promise<Probe<T>>, o: PollOptions): Promise<T> {
  const clock = o.clock ?? systemClock;
  const deadline = clock.now() + o.timeoutMs;
  for (;;) {
    o.signal.throwIfAborted();
    const result = await probe();
    if (result.done) return result.value;
    const left = deadline - clock.now();
    if (left <= 0) throw new PollTimeout(result.why);
    await clock.sleep(Math.min(o.intervalMs, left), o.signal);
  }
}

export const done = <T>(value: T): Probe<T> => ({ done: true, value });
export const notYet = <T>(why: string): Probe<T> => ({ done: false, why });
