/** The statistics the benchmarks print: pure, so they are unit-tested (test/unit/bench). */

/** The normal's two-sided 95% quantile. */
export const Z95 = 1.959963984540054;

/**
 * The Wilson score interval for k successes in n trials (Wilson 1927): unlike the normal
 * approximation it stays inside [0, 1] and is not empty at k = 0, which is the case that
 * matters here (a judge that never aborts still has an upper bound).
 */
export function wilson(k: number, n: number, z = Z95): { readonly low: number; readonly high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** The middle value (the mean of the middle two for an even count); NaN when empty. Infinity sorts last. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * The q-quantile by nearest rank (the smallest value with at least q of the values at or
 * below it), so it is always one of the values: a time at tick resolution stays one.
 */
export function percentile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil(q * s.length))) - 1] as number;
}

/** Counts of each value, most frequent first (ties by name), as "name n, name n". */
export function tallyText(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([v, n]) => `${v} ${n}`)
    .join(', ');
}
