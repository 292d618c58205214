/**
 * A latency histogram as plain data: log-spaced buckets 1% wide from 10 µs to about 80 s.
 * The judge merges windows and asks quantiles and "how many above T" of the merge, so the
 * buckets are a fixed array (merge is an add, recording is one index increment) rather
 * than an HDR object: this module stays pure, and 1% is finer than any decision it makes.
 * Real latencies fill a few hundred of the 1600 buckets, and the absolute judge merges
 * every window of a step after each window, so each histogram keeps the range of its
 * non-empty buckets (`lo`..`hi`) and merges, quantiles and counts touch only that range.
 */
export const BUCKETS = 1600;
const LOWEST_MS = 0.01;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);

export interface Histogram {
  readonly counts: Uint32Array;
  total: number;
  /** The lowest and highest non-empty bucket (BUCKETS and -1 while empty): every count outside is 0. */
  lo: number;
  hi: number;
}

export function emptyHistogram(): Histogram {
  return { counts: new Uint32Array(BUCKETS), total: 0, lo: BUCKETS, hi: -1 };
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
  const i = bucketOf(ms);
  (h.counts[i] as number)++;
  h.total++;
  if (i < h.lo) h.lo = i;
  if (i > h.hi) h.hi = i;
}

/** Adds `from` into `into` (windows merge into a bake, revisions into a total). */
export function mergeInto(into: Histogram, from: Histogram): Histogram {
  if (from.total === 0) return into;
  const a = into.counts;
  const b = from.counts;
  const hi = from.hi;
  for (let i = from.lo; i <= hi; i++) a[i] = (a[i] as number) + (b[i] as number);
  into.total += from.total;
  if (from.lo < into.lo) into.lo = from.lo;
  if (from.hi > into.hi) into.hi = from.hi;
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
  for (let i = h.lo; i <= h.hi; i++) {
    seen += h.counts[i] as number;
    if (seen >= rank) return bucketUpperMs(i);
  }
  return bucketUpperMs(BUCKETS - 1);
}

/** Values in buckets wholly above `ms`: the bucket holding `ms` is not counted (conservative). */
export function countAbove(h: Histogram, ms: number): number {
  let n = 0;
  for (let i = Math.max(bucketOf(ms) + 1, h.lo); i <= h.hi; i++) n += h.counts[i] as number;
  return n;
}
