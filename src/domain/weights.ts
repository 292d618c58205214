/** The split of one route's traffic, in percent: stable + canary = 100. */
export interface WeightPair {
  readonly stable: number;
  readonly canary: number;
}

export const ALL_STABLE: WeightPair = { stable: 100, canary: 0 };
export const ALL_CANARY: WeightPair = { stable: 0, canary: 100 };

export function weightsFor(canaryPercent: number): WeightPair {
  if (!Number.isInteger(canaryPercent) || canaryPercent < 0 || canaryPercent > 100) {
    throw new RangeError(`canary weight must be an integer 0..100, got ${canaryPercent}`);
  }
  return { stable: 100 - canaryPercent, canary: canaryPercent };
}

export function sameWeights(a: WeightPair, b: WeightPair): boolean {
  return a.stable === b.stable && a.canary === b.canary;
}

export function formatWeights(w: WeightPair): string {
  return `${w.stable}/${w.canary}`;
}

/**
 * The weight after `current` in the schedule, or undefined at the end. A current weight
 * that is not in the schedule (the run was at 0) resumes at the first step above it.
 */
export function nextWeight(schedule: readonly number[], current: number): number | undefined {
  return schedule.find((w) => w > current);
}
