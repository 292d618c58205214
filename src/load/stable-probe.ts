import type { StableMeasurement } from '../mesh/preflight/stable-slo.js';
import type { SloSpec } from '../slo/spec.js';
import { startLoad } from './autocannon-load.js';
import type { LoadStarter } from './load-source.js';
import type { StableProbe, StableProbeRequest } from './ports.js';
import type { LoadProfile } from './profile.js';

/**
 * The stable probe on the load machinery the steps use (autocannon, the revision header, the
 * same windows), for the probe's duration cut into windows no longer than the SLO's (at least
 * one). The last window drains: answers in flight when time is up still count.
 */
export class LoadStableProbe implements StableProbe {
  constructor(
    private readonly slo: Pick<SloSpec, 'windowMs' | 'p99Ms'>,
    private readonly profile: LoadProfile,
    private readonly start: LoadStarter = startLoad,
  ) {}

  async measure(request: StableProbeRequest, signal: AbortSignal): Promise<StableMeasurement> {
    const url = this.profile.target ?? request.url;
    if (!url) return { windows: [], failure: 'no URL to send load to: give --gateway-url, or a target in the load profile', url: '(none)' };
    const count = Math.max(1, Math.ceil(request.durationMs / this.slo.windowMs));
    const handle = this.start(
      {
        url,
        profile: this.profile,
        revisions: request.revisions,
        windowMs: request.durationMs / count,
        p99Ms: this.slo.p99Ms,
        capMs: request.durationMs,
        unlabelledAs: request.revisions.stable,
        onWindow: (_windows, last) => (last ? 'drain' : 'continue'),
      },
      signal,
    );
    const outcome = await handle.outcome;
    return { windows: outcome.tail ? [...outcome.windows, outcome.tail] : outcome.windows, failure: outcome.failure, url };
  }
}
