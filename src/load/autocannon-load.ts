import autocannon from 'autocannon';
import { REVISION_HEADER } from '../gateway-api/rules.js';
import type { TickCounts } from '../slo/evidence.js';
import type { WindowStats } from '../slo/window.js';
import type { LoadProfile, WeightedPath } from './profile.js';
import { headerValue, WindowRecorder } from './recorder.js';

/** What the judge wants after a window: more load, end gently (keep in-flight answers), or end now. */
export type WindowAction = 'continue' | 'drain' | 'abort';

export interface LoadPlan {
  /** Base URL: scheme, host, port, and an optional path prefix for every profile path. */
  readonly url: string;
  readonly profile: LoadProfile;
  readonly revisions: { readonly stable: string; readonly canary: string };
  readonly windowMs: number;
  readonly p99Ms: number;
  /** The load ends after this long whatever happens; the last window is then asked with `last`. */
  readonly capMs: number;
  /** Asked after every window with every window so far; `last` when the cap is reached. */
  readonly onWindow: (windows: readonly WindowStats[], last: boolean) => WindowAction;
  /**
   * Told every TICK_MS with every tick so far (counts only), between windows: a judge that
   * decides as responses arrive (a gross failure) need not wait for the window to close.
   */
  readonly onTick?: ((ticks: readonly TickCounts[]) => void) | undefined;
  readonly clock?: () => number;
  /**
   * The revision a response without the revision header is counted for. Preflight's probe of
   * the stable (issue 15): before a run the route carries no header filter and all its
   * backends are the stable's. Unset (the steps): such a response is unlabelled.
   */
  readonly unlabelledAs?: string | undefined;
}

export interface LoadOutcome {
  readonly windows: readonly WindowStats[];
  /** What arrived while draining after the last window (not judged; for exact accounting), or, after `end('abort')`, the window it cut short. */
  readonly tail: WindowStats | undefined;
  /** Requests written whose outcome never came (cut off by an abort or the drain's grace). */
  readonly cutOff: number;
  /** autocannon itself failed (bad URL, ...): why. */
  readonly failure: string | undefined;
}

interface Tracked {
  readonly client: autocannon.Client;
  sent: number;
  finished: number;
  revision: string | undefined;
}

/**
 * Runs autocannon in-process and cuts its outcomes into windows by revision (the route's
 * per-backend response header). Stoppable at once: an abort destroys every connection
 * without waiting; a drain lets in-flight requests finish (up to the request timeout).
 */
export function runLoad(plan: LoadPlan, signal: AbortSignal): Promise<LoadOutcome> {
  return startLoad(plan, signal).outcome;
}

/** A running load: its outcome, and a way to end it from outside `onWindow` (a judge that decides asynchronously). */
export interface LoadHandle {
  readonly outcome: Promise<LoadOutcome>;
  /** Like `onWindow` answering drain or abort, but now; nothing once the load is over. */
  end(action: 'drain' | 'abort'): void;
}

export function startLoad(plan: LoadPlan, signal: AbortSignal): LoadHandle {
  if (signal.aborted) return { outcome: Promise.reject(signal.reason), end: () => undefined };
  let session: LoadSession | undefined;
  const outcome = new Promise<LoadOutcome>((resolve, reject) => {
    session = new LoadSession(plan, signal, resolve, reject);
    session.start();
  });
  return { outcome, end: (action) => session?.end(action) };
}

/** How often the counts since the last tick are handed to `onTick`: a gross failure is seen within this, plus a few responses. */
export const TICK_MS = 100;

/** One run: autocannon, its connections, the window clock, and how it ends (once). */
class LoadSession {
  private readonly clock: () => number;
  private readonly startMs: number;
  private readonly recorder: WindowRecorder;
  private readonly tracked: Tracked[] = [];
  private instance: autocannon.Instance | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private over = false;
  private draining = false;
  private readonly onAbort = (): void => this.finish(this.signal.reason instanceof Error ? this.signal.reason : new Error(String(this.signal.reason)));

  constructor(
    private readonly plan: LoadPlan,
    private readonly signal: AbortSignal,
    private readonly resolve: (outcome: LoadOutcome) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.clock = plan.clock ?? Date.now;
    this.startMs = this.clock();
    this.recorder = new WindowRecorder(plan.revisions.stable, plan.revisions.canary, plan.p99Ms, this.startMs);
  }

  start(): void {
    this.signal.addEventListener('abort', this.onAbort, { once: true });
    this.instance = autocannon(options(this.plan, (client) => this.tracked.push(attach(client, this.recorder, this.plan.unlabelledAs))));
    this.instance.then(
      // A drain ends autocannon by itself once every connection is done: that is the drain's end.
      () => this.finish(this.draining ? { tail: this.recorder.tail(this.clock()) } : { failure: 'the load generator stopped before the judge did' }),
      (error: unknown) => this.finish({ failure: error instanceof Error ? error.message : String(error) }),
    );
    this.timer = setTimeout(() => this.tick(1), this.plan.windowMs);
    const onTick = this.plan.onTick;
    if (onTick) this.ticker = setInterval(() => void (this.over || this.draining ? undefined : onTick(this.recorder.cutTick(this.clock()))), TICK_MS);
  }

  /** Closes window k and asks the judge; each cut is scheduled from the start, so a late timer does not drift the next. */
  private tick(k: number): void {
    const now = this.clock();
    // Last by the schedule as well as by the clock: a timer may fire a millisecond before the
    // clock reaches its cut, and the cap must not then open one more, near-empty window.
    const last = now - this.startMs >= this.plan.capMs || k * this.plan.windowMs >= this.plan.capMs - 1;
    const action = this.plan.onWindow(this.recorder.cut(now), last);
    if (action === 'continue' && !last) this.timer = setTimeout(() => this.tick(k + 1), Math.max(0, this.startMs + (k + 1) * this.plan.windowMs - this.clock()));
    else if (action === 'drain') this.drain();
    else this.finish({});
  }

  end(action: 'drain' | 'abort'): void {
    if (this.over || this.draining) return;
    clearTimeout(this.timer);
    if (action === 'drain') this.drain();
    // A judge that decided between windows (a gross failure) keeps what it decided on.
    else this.finish({ tail: this.recorder.tail(this.clock()) });
  }

  /** No new requests (autocannon's per-client request limit), then wait for the in-flight ones. */
  private drain(): void {
    this.draining = true;
    for (const t of this.tracked) t.client.responseMax = Math.max(1, t.client.reqsMade);
    for (const t of this.tracked) if (t.sent === t.finished) t.client.destroy();
    const end = (): void => {
      clearInterval(poll);
      clearTimeout(give);
      this.finish({ tail: this.recorder.tail(this.clock()) });
    };
    const give = setTimeout(end, this.plan.profile.timeoutMs + 200);
    const poll = setInterval(() => void (this.inFlight() === 0 || this.over ? end() : undefined), 5);
  }

  private inFlight(): number {
    return this.tracked.reduce((n, t) => n + Math.max(0, t.sent - t.finished), 0);
  }

  private finish(outcome: { tail?: WindowStats; failure?: string } | Error): void {
    if (this.over) return;
    this.over = true;
    clearTimeout(this.timer);
    clearInterval(this.ticker);
    this.signal.removeEventListener('abort', this.onAbort);
    this.instance?.stop();
    const cutOff = this.inFlight();
    for (const t of this.tracked) t.client.destroy();
    if (outcome instanceof Error) this.reject(outcome);
    else this.resolve({ windows: this.recorder.closed, tail: outcome.tail, cutOff, failure: outcome.failure });
  }
}

/** Per-connection listeners: the header names the revision; the response (same connection, next event) records it. */
function attach(client: autocannon.Client, recorder: WindowRecorder, unlabelledAs: string | undefined): Tracked {
  const t: Tracked = { client, sent: 0, finished: 0, revision: undefined };
  client.on('request', () => void t.sent++);
  client.on('headers', (info) => void (t.revision = headerValue(info.headers, REVISION_HEADER)));
  client.on('response', (status, _bytes, durationMs) => {
    t.finished++;
    recorder.response(status, t.revision ?? unlabelledAs, durationMs);
    t.revision = undefined;
  });
  client.on('timeout', () => {
    t.finished++;
    recorder.timeout();
  });
  client.on('connError', () => {
    t.finished++;
    recorder.connectionError();
  });
  return t;
}

function options(plan: LoadPlan, setupClient: (client: autocannon.Client) => void): autocannon.Options {
  const base = new URL(plan.url);
  const prefix = base.pathname.replace(/\/+$/, '');
  const p = plan.profile;
  return {
    url: base.origin,
    connections: p.connections,
    ...(p.rate === 'open' ? {} : { overallRate: p.rate }),
    timeout: p.timeoutMs / 1000,
    // Our own cap ends the run; autocannon's duration is only a backstop.
    duration: plan.capMs / 1000 + 5,
    // A stop takes effect at autocannon's next sample: keep that short.
    sampleInt: 100,
    headers: { ...p.headers },
    requests: requestMix(p.paths).map((path) => ({ method: 'GET', path: `${prefix}${path}` })),
    setupClient,
    skipAggregateResult: true,
  };
}

/** Paths repeated in proportion to their weights (reduced by their gcd), which each connection cycles through. */
export function requestMix(paths: readonly WeightedPath[]): string[] {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = paths.reduce((acc, p) => gcd(acc, p.weight), 0) || 1;
  return paths.flatMap((p) => Array.from({ length: p.weight / g }, () => p.path));
}
