import { verdict, type Verdict, type VerdictKind } from '../domain/verdict.js';

/**
 * Several metrics sources judging one weight step. Each reaches its own verdict from its own
 * evidence (load windows, Prometheus readings); the step's verdict combines them:
 *  - the step ends at the first source that reaches anything but a pass: a fail, an error or
 *    an inconclusive from any source aborts, whatever the others say or would have said;
 *  - it passes only when every source has passed. A source that passed first is still
 *    asked after each of its windows until the others pass too, and a fail it reaches
 *    meanwhile still aborts.
 * So adding a source can only make a step stricter, never let through what one source
 * alone would have stopped. Every reason and figure is prefixed with its source's name.
 */

export interface SourceState {
  readonly source: string;
  /** Its latest decision; undefined while it is still gathering evidence. */
  readonly verdict: Verdict | undefined;
}

// A held step (both revisions fail alike) yields to any verdict that would revert.
const SEVERITY: Readonly<Record<VerdictKind, number>> = { pass: 0, held: 1, inconclusive: 2, error: 3, fail: 4 };

/** The step's verdict if the sources' states settle it, else undefined (keep going). */
export function combinedDecision(states: readonly SourceState[]): Verdict | undefined {
  const settled = states.some((s) => s.verdict && s.verdict.kind !== 'pass') || states.every((s) => s.verdict?.kind === 'pass');
  return settled && states.length > 0 ? combineVerdicts(states) : undefined;
}

/** The worst kind among the decided sources; reasons worst first, each with its source; figures as `source.figure`. */
export function combineVerdicts(states: readonly SourceState[]): Verdict {
  const decided = states.filter((s): s is { source: string; verdict: Verdict } => s.verdict !== undefined);
  const kind = decided.reduce<VerdictKind>((worst, s) => (SEVERITY[s.verdict.kind] > SEVERITY[worst] ? s.verdict.kind : worst), 'pass');
  const ordered = [...states].sort((a, b) => rank(b) - rank(a));
  const reasons = ordered.flatMap((s) => (s.verdict ? s.verdict.reasons.map((r) => `${s.source}: ${r}`) : [`${s.source}: no verdict yet when the step ended`]));
  const figures: Record<string, number> = {};
  for (const s of decided) for (const [name, value] of Object.entries(s.verdict.figures)) figures[`${s.source}.${name}`] = value;
  return verdict(decided.length === 0 ? 'inconclusive' : kind, reasons, figures);
}

function rank(s: SourceState): number {
  return s.verdict ? SEVERITY[s.verdict.kind] : -1;
}
