/**
 * The few exact tests the judge needs. Canary windows hold tens to hundreds of requests and
 * error rates near 0.1%, where normal approximations are wrong in the tail that decides, so
 * every p-value here is an exact binomial tail.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7: about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < LANCZOS.length; i++) a += (LANCZOS[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function logPmf(k: number, n: number, p: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/** P(X >= k) for X ~ Binomial(n, p). Sums from the side of k away from the mean, so it stays exact in the far tail. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  if (k > n * p) return sumTerms(k, n, p, +1);
  return Math.max(0, 1 - sumTerms(k - 1, n, p, -1));
}

/** Sum of pmf(i) from `start` stepping by `dir`, until the terms stop mattering. */
function sumTerms(start: number, n: number, p: number, dir: 1 | -1): number {
  const odds = p / (1 - p);
  let term = Math.exp(logPmf(start, n, p));
  let sum = 0;
  for (let i = start; i >= 0 && i <= n; i += dir) {
    sum += term;
    if (term <= sum * 1e-17) break;
    term = dir === 1 ? (term * (n - i) * odds) / (i + 1) : (term * i) / ((n - i + 1) * odds);
  }
  return Math.min(1, sum);
}

/** The smallest k with P(X >= k) <= alpha under Binomial(n, p): how many bad events it takes to reject. */
export function criticalCount(n: number, p: number, alpha: number): number {
  let k = Math.max(1, Math.floor(n * p));
  while (k > 1 && binomialUpperTail(k - 1, n, p) <= alpha) k--;
  while (k <= n && binomialUpperTail(k, n, p) > alpha) k++;
  return k;
}

const planned = new Map<string, number>();

/**
 * The fewest requests in which a test at level `alpha` against rate `p0` detects rate `p1`
 * with probability `power`: how long the fast rule's window must be. Exact, so the
 * sawtooth of a discrete test is respected (it returns the first n that reaches `power`).
 */
export function samplesToDetect(p0: number, p1: number, alpha: number, power: number, maxN = 200_000): number {
  const key = `${p0}|${p1}|${alpha}|${power}`;
  const hit = planned.get(key);
  if (hit !== undefined) return hit;
  let n = 1;
  while (n < maxN && binomialUpperTail(criticalCount(n, p0, alpha), n, p1) < power) n += n < 1000 ? 1 : Math.ceil(n / 1000);
  planned.set(key, n);
  return n;
}

/**
 * Is the canary's error rate higher than the stable's? The exact conditional test (given
 * K errors in all, how likely that at least kCanary of them fell on the canary's share of
 * the requests if both rates were equal): one-sided, valid at any count.
 */
export function conditionalTwoProportionP(kCanary: number, nCanary: number, kStable: number, nStable: number): number {
  const total = kCanary + kStable;
  if (nCanary === 0 || nStable === 0 || total === 0) return 1;
  return binomialUpperTail(kCanary, total, nCanary / (nCanary + nStable));
}

/** The two-proportion z statistic (pooled), reported beside the exact p-value for readers who know it. */
export function twoProportionZ(kCanary: number, nCanary: number, kStable: number, nStable: number): number {
  if (nCanary === 0 || nStable === 0) return 0;
  const pooled = (kCanary + kStable) / (nCanary + nStable);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nCanary + 1 / nStable));
  if (se === 0) return 0;
  return (kCanary / nCanary - kStable / nStable) / se;
}
