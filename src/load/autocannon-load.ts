import autocannon from 'autocannon';
import { REVISION_HEADER } from '../gateway-api/rules.js';
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
  readonly clock?: () => number;
}

export interface LoadOutcome {
  readonly windows: readonly WindowStats[];
  /** What arrived while draining after the last window (not judged; for exact accounting). */
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
  if (signal.aborted) return Promise.reject(signal.reason);
  const clock = plan.clock ?? Date.now;
  const start = clock();
  const recorder = new WindowRecorder(plan.revisions.stable, plan.revisions.canary, plan.p99Ms, start);
  const tracked: Tracked[] = [];
  return new Promise<LoadOutcome>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let over = false;
    const inFlight = (): number => tracked.reduce((n, t) => n + Math.max(0, t.sent - t.finished), 0);
    const finish = (outcome: { tail?: WindowStats; failure?: string } | Error): void => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      instance.stop();
      const cutOff = inFlight();
      for (const t of tracked) t.client.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve({ windows: recorder.closed, tail: outcome.tail, cutOff, failure: outcome.failure });
    };
    const drain = (): void => {
      for (const t of tracked) t.client.responseMax = Math.max(1, t.client.reqsMade);
      for (const t of tracked) if (t.sent === t.finished) t.client.destroy();
      const give = setTimeout(() => finish({ tail: recorder.tail(clock()) }), plan.profile.timeoutMs + 200);
      const poll = setInterval(() => {
        if (inFlight() > 0 && !over) return;
        clearInterval(poll);
        clearTimeout(give);
        finish({ tail: recorder.tail(clock()) });
      }, 5);
    };
    const tick = (k: number): void => {
      const now = clock();
      const windows = recorder.cut(now);
      const last = now - start >= plan.capMs;
      const action = plan.onWindow(windows, last);
      if (action === 'continue' && !last) timer = setTimeout(() => tick(k + 1), Math.max(0, start + (k + 1) * plan.windowMs - clock()));
      else if (action === 'drain') drain();
      else finish({});
    };
    const onAbort = (): void => finish(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    signal.addEventListener('abort', onAbort, { once: true });
    const instance = autocannon(options(plan, (client) => tracked.push(attach(client, recorder))));
    instance.then(
      () => finish({ failure: 'the load generator stopped before the judge did' }),
      (error: unknown) => finish({ failure: error instanceof Error ? error.message : String(error) }),
    );
    timer = setTimeout(() => tick(1), plan.windowMs);
  });
}

/** Per-connection listeners: the header names the revision; the response (same connection, next event) records it. */
function attach(client: autocannon.Client, recorder: WindowRecorder): Tracked {
  const t: Tracked = { client, sent: 0, finished: 0, revision: undefined };
  client.on('request', () => void t.sent++);
  client.on('headers', (info) => void (t.revision = headerValue(info.headers, REVISION_HEADER)));
  client.on('response', (status, _bytes, durationMs) => {
    t.finished++;
    recorder.response(status, t.revision, durationMs);
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
