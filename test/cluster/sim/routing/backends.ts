// Weighted choice among a rule's backendRefs, as Gateway API defines it: traffic in proportion
// to weight (default 1), weight 0 gets none, and no positive weight at all means HTTP 500.

import type { Backend } from './table.js';

export function pickBackend(backends: Backend[], random: () => number = Math.random): Backend | undefined {
  let total = 0;
  for (const b of backends) total += b.weight > 0 ? b.weight : 0;
  if (total <= 0) return undefined;
  let r = random() * total;
  for (const b of backends) {
    if (b.weight <= 0) continue;
    r -= b.weight;
    if (r < 0) return b;
  }
  // Only reachable through floating-point rounding at the very top of the range.
  return backends.filter((b) => b.weight > 0).at(-1);
}
