/**
 * A latency histogram as plain data: log-spaced buckets 1% wide from 10 µs to about 80 s.
 * The judge merges windows and asks quantiles and "how many above T" of the merge, so the
 * buckets are a fixed array (merge is an add, recording is one index increment) rather
 * than an HDR object: this module stays pure, and 1% is finer than any decision it makes.
 */
export const BUCKETS = 1600;
const LOWEST_MS = 0.01;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);

export interface Histogram {
  readonly counts: Uint32Array;
  total: number;
}

export function emptyHistogram(): Histogram {
  return { counts: new Uint32Array(BUCKETS), total: 0 };
}

/** Bucket i holds values in (upper(i-1), upper(i)]; bucket 0 everything up to 10 µs. */
export function bucketOf(ms: number): number {
  if (!(ms > LOWEST_MS)) return 0;
  const i = Math.ceil(Math.log(ms / LOWEST_MS) / LOG_GROWTH);
  return i >= BUCKETS ? BUCKETS - 1 : i;
}

export function bucketUpperMs(i: number): number {
  return LOWEST_MS * GROWTH ** i;
}

export function record(h: Histogram, ms: number): void {
  (h.counts[bucketOf(ms)] as number)++;
  h.total++;
}

/** Adds `from` into `into` (windows merge into a bake, revisions into a total). */
export function mergeInto(into: Histogram, from: Histogram): Histogram {
  if (from.total === 0) return into;
  const a = into.counts;
  const b = from.counts;
  for (let i = 0; i < BUCKETS; i++) if (b[i] !== 0) a[i] = (a[i] as number) + (b[i] as number);
  into.total += from.total;
  return into;
}

export function merged(hs: readonly Histogram[]): Histogram {
  const out = emptyHistogram();
  for (const h of hs) mergeInto(out, h);
  return out;
}

/**
 * The q-quantile (0 < q <= 1) as its bucket's upper bound, so a reported p99 is never
 * below the true one by more than the bucket width; NaN for an empty histogram.
 */
export function quantile(h: Histogram, q: number): number {
  if (h.total === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * h.total));
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    seen += h.counts[i] as number;
    if (seen >= rank) return bucketUpperMs(i);
  }
  return bucketUpperMs(BUCKETS - 1);
}

/** Values in buckets wholly above `ms`: the bucket holding `ms` is not counted (conservative). */
export function countAbove(h: Histogram, ms: number): number {
  let n = 0;
  for (let i = bucketOf(ms) + 1; i < BUCKETS; i++) n += h.counts[i] as number;
  return n;
}
