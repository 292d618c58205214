/**
 * A judge's decision on some evidence. `inconclusive` (too little data, or no canary
 * traffic) is never a pass; `error` means the judge could not look at all. `held` is the
 * mesh policy's inconclusive about the mesh: both revisions break the SLO alike (the
 * application fails, not the upgrade), so the run pauses at its weight for the user to
 * decide, neither promoted nor reverted.
 */
export type VerdictKind = 'pass' | 'fail' | 'inconclusive' | 'error' | 'held';

export interface Verdict {
  readonly kind: VerdictKind;
  /** One sentence per reason, each with the numbers behind it. */
  readonly reasons: readonly string[];
  /** The figures that produced the verdict, by name (for reports and `status -o json`). */
  readonly figures: Readonly<Record<string, number>>;
}

export function verdict(kind: VerdictKind, reasons: readonly string[], figures: Record<string, number> = {}): Verdict {
  return { kind, reasons, figures };
}
