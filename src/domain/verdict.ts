/**
 * A judge's decision on some evidence. `inconclusive` (too little data, or no canary
 * traffic) is never a pass; `error` means the judge could not look at all.
 */
export type VerdictKind = 'pass' | 'fail' | 'inconclusive' | 'error';

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
