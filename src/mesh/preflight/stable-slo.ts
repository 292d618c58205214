import type { BaselineRecord, RunRecord } from '../../domain/run-record.js';
import { baselineFigures, baselineStanding, standingText, type BaselineObjective, type BaselineStanding } from '../../report/baseline.js';
import { quantile } from '../../slo/histogram.js';
import { combine, type WindowStats } from '../../slo/window.js';
import { pass, warn, type CheckResult } from '../checks.js';

/**
 * `stable-slo` (issue 15): the stable revision measured under the load profile before the run
 * changes anything, against the run's SLO. Never a failure: the stable is what production runs
 * today, and the upgrade cannot make it worse by not starting. A stable already out of budget
 * or slower than the bound is a warning, named again in the run record (`baseline`), status,
 * the reports and the verdicts, so a breach later is read against it.
 */
const ID = 'stable-slo';
const GROUP = 'baseline';

/** Responses naming another revision than the stable, above this share: the route does not send it everything (as the judge's unlabelled share). */
const FOREIGN_MAX_SHARE = 0.05;
/** Below this many responses a p99 is only the slowest few. */
const MIN_FOR_P99 = 100;

/** What the probe saw (src/load StableProbe), as windows: responses without the revision header already counted for the stable. */
export interface StableMeasurement {
  readonly windows: readonly WindowStats[];
  /** Why the load stopped early or could not start, if it did. */
  readonly failure: string | undefined;
  /** Where the load went, for the messages. */
  readonly url: string;
}

export interface StableSloInput {
  readonly measurement: StableMeasurement;
  readonly slo: BaselineObjective;
  /** The stable revision's name, 1-29-6. */
  readonly stable: string;
  readonly measuredAt: string;
}

export interface StableSloOutcome {
  readonly result: CheckResult;
  /** The figures to keep in the run record; absent when they were too few to judge. */
  readonly baseline: BaselineRecord | undefined;
}

/** Requests needed before the stable is judged: a single error must not be the whole budget already, and a p99 must be more than the maximum. */
export function minimumRequests(slo: BaselineObjective): number {
  return Math.max(MIN_FOR_P99, Math.ceil(1 / (1 - slo.successRate) - 1e-9));
}

/** What the probe measured, as a check and (when it can be judged) the baseline the run keeps. */
export function stableSloCheck(input: StableSloInput): StableSloOutcome {
  const { measurement: m, slo, stable } = input;
  const w = combine(m.windows);
  const durationMs = m.windows.length > 0 ? w.endMs - w.startMs : 0;
  const lost = w.timeouts + w.connectionErrors;
  const foreign = w.canary.requests + w.unlabelled;
  const responses = w.stable.requests + foreign;
  const seconds = secondsText(durationMs);
  const stopped = m.failure ? ` (the load stopped: ${m.failure})` : '';
  if (responses === 0) {
    const why = lost > 0 ? `${lost} request(s) lost: ${w.connectionErrors} connection error(s), ${w.timeouts} timeout(s)` : 'no request completed';
    return none(warn(ID, GROUP, `the stable revision ${stable} gave no response at ${m.url} in ${seconds} (${why})${stopped}: its success rate and p99 are not known`, 'check that --gateway-url (or the load profile\'s target) reaches the Gateway from here: the smoke test and the weight steps send their load there too'));
  }
  if (foreign > FOREIGN_MAX_SHARE * responses) {
    return none(
      warn(ID, GROUP, `${foreign} of ${responses} responses at ${m.url} named another revision than the stable ${stable} (${w.canary.requests} the canary's): the route does not send all its traffic to the stable, so the stable's own figures are not known`, 'before a run every backend of the route is the stable\'s: look for a run left behind (`canary status`, `canary abort`) or a route filter that sets x-canary-revision'),
    );
  }
  const requests = w.stable.requests + lost;
  const needed = minimumRequests(slo);
  if (requests < needed) {
    return none(
      warn(ID, GROUP, `the stable revision ${stable} answered only ${requests} request(s) in ${seconds}${stopped}: at least ${needed} are needed to judge a ${budgetText(slo)} budget and a p99, so its figures are not known`, 'give --stable-probe a longer duration (for example 10s), or a load profile with a higher rate (--load-profile)'),
    );
  }
  const errors = w.stable.errors + lost;
  const baseline: BaselineRecord = { requests, errors, successRate: (requests - errors) / requests, p99Ms: round(quantile(w.stable.latency, 0.99)), durationMs, measuredAt: input.measuredAt, objective: { successRate: slo.successRate, p99Ms: slo.p99Ms } };
  return { result: judged(baseline, stable, `in ${seconds}`), baseline };
}

/** A resumed run is not measured again (it may have moved traffic): the figures from when it started, if it has them. */
export function recordedStableSlo(record: Pick<RunRecord, 'baseline' | 'revisions'>): CheckResult {
  const b = record.baseline;
  if (!b) return stableSloSkipped('this run resumes one that has no baseline of the stable, and traffic may have moved since it started');
  return judged(b, record.revisions.stable, `when the run started (${b.measuredAt})`);
}

/** The probe itself could not run (its load profile unreadable, ...): the stable is not known, nothing more. */
export function stableSloUnmeasured(why: string, fix: string | undefined): CheckResult {
  return warn(ID, GROUP, `the stable revision could not be measured under load: ${why}`, fix ?? 'check the load profile (--load-profile) and that --gateway-url reaches the Gateway from here');
}

/** The probe did not run: say so, on its line, like any check. */
export function stableSloSkipped(why: string): CheckResult {
  return pass(ID, GROUP, `the stable revision was not measured under load: ${why}`);
}

function judged(b: BaselineRecord, stable: string, when: string): CheckResult {
  const standing = baselineStanding(b);
  const figures = `the stable revision ${stable} answers ${baselineFigures(b)} ${when}`;
  if (standing === 'within') return pass(ID, GROUP, `${figures}: within budget`);
  return warn(ID, GROUP, `${figures}: it is already ${standingText(standing)}; the canary is judged against it`, FIX[standing]);
}

const BUDGET_FIX = 'the stable fails more than the SLO allows before anything changes: find why first (an upgrade does not mend the application), or go on knowing that a step judged by the budget may stop a canary no worse than the stable';
const SLOW_FIX = 'the stable is slower than --slo-p99 already: raise --slo-p99 if that is its normal, or find what makes it slow first; otherwise a step may stop a canary no slower than the stable';
const FIX: Readonly<Record<Exclude<BaselineStanding, 'within'>, string>> = {
  'out-of-budget': BUDGET_FIX,
  'too-slow': SLOW_FIX,
  'out-of-budget-and-too-slow': `${BUDGET_FIX}; and ${SLOW_FIX}`,
};

function none(result: CheckResult): StableSloOutcome {
  return { result, baseline: undefined };
}

function budgetText(slo: BaselineObjective): string {
  return `${Number(((1 - slo.successRate) * 100).toFixed(6))}%`;
}

function secondsText(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toFixed(3)) : -1;
}
