import type { RunRecord, WindowRecord } from '../../src/domain/run-record.js';
import type { RouteEvent } from '../../src/kube/ports.js';
import type { StableProbeRequest } from '../../src/load/ports.js';
import type { StableMeasurement } from '../../src/mesh/preflight/stable-slo.js';
import { record as recordLatency } from '../../src/slo/histogram.js';
import { emptyWindow } from '../../src/slo/window.js';
import { verdict, type Verdict } from '../../src/domain/verdict.js';
import type { Ports } from '../../src/orchestrator/context.js';
import type { Plan } from '../../src/plan/build.js';
import { GatewayApiRouter } from '../../src/routing/router.js';
import type { StoredRun } from '../../src/state/ports.js';
import type { FakeCluster } from './fake-cluster.js';

export interface FakeBehaviour {
  /** The judge's verdict for a weight (default pass). */
  judge?: (weight: number) => Verdict;
  /** Smoke requests that fail (default 0). */
  smokeFailures?: number;
  /** Runs during a bake, e.g. to interrupt the run mid-step. */
  duringBake?: (weight: number) => void;
  holder?: string;
  /** Every Event write fails (an Event is best effort: the run must not notice). */
  eventsFail?: boolean;
  /** Receives the Kubernetes Events the run leaves on the route, in order. */
  events?: RouteEvent[];
  /** The held lock's `lost` signal: abort it to play a lease renewal that found the lock gone. */
  lockLost?: AbortController;
  /** The windows each bake reports (default none). */
  bakeWindows?: (weight: number) => WindowRecord[];
  /** What preflight's probe of the stable measures (default: a healthy stable, see healthyStable); a throw is the probe failing. */
  stable?: (request: StableProbeRequest) => StableMeasurement;
  /** Receives every probe of the stable, in order. */
  probes?: StableProbeRequest[];
}

/** `requests` stable responses over `seconds` one-second windows, `errors` of them failed, each taking `latencyMs`. */
export function stableWindows(url: string, seconds: number, requests: number, errors = 0, latencyMs = 12): StableMeasurement {
  const t0 = Date.parse('2026-11-23T11:59:00Z');
  const windows = Array.from({ length: seconds }, (_, i) => emptyWindow(t0 + i * 1000, t0 + (i + 1) * 1000));
  for (let i = 0; i < requests; i++) {
    const w = windows[i % seconds] as (typeof windows)[number];
    w.stable.requests++;
    if (i < errors) w.stable.errors++;
    recordLatency(w.stable.latency, latencyMs);
  }
  return { windows, failure: undefined, url };
}

/** The probe's default: 500 healthy responses a second for the asked duration. */
export function healthyStable(request: StableProbeRequest): StableMeasurement {
  const seconds = Math.max(1, Math.round(request.durationMs / 1000));
  return stableWindows(request.url, seconds, 500 * seconds);
}

/** Ports over a FakeCluster, with the real GatewayApiRouter on top of a fake RouteStore. */
export function fakePorts(cluster: FakeCluster, plan: Plan, behaviour: FakeBehaviour = {}): Ports {
  let tick = Date.parse('2026-11-23T12:00:00Z');
  const clock = (): Date => new Date((tick += 1000));
  const store = {
    get: async () => structuredClone(cluster.route),
    writeRules: async (route: Parameters<typeof cluster.writeRules>[0], rules: Parameters<typeof cluster.writeRules>[1]) => cluster.writeRules(route, rules),
  };
  const toStored = (id: string): StoredRun | undefined => {
    const r = cluster.records.get(id);
    return r ? { record: structuredClone(r.record), version: String(r.version) } : undefined;
  };
  return {
    reader: {
      inspect: async (q) => cluster.facts(q),
      inspectMesh: async (q) => cluster.mesh(q),
      reviewAccess: async (requirements) => ({ context: 'fake', server: 'https://fake.invalid', answers: requirements.map((r) => ({ ...r, allowed: true })) }),
    },
    nodes: {
      taint: async (name, taint) => {
        const node = cluster.node(name);
        if (node.taints.some((t) => t.key === taint.key && t.value === taint.value)) return;
        cluster.mutate(`taint ${name} ${taint.key}=${taint.value}`);
        node.taints.push(taint);
      },
      untaint: async (name, taint) => {
        const node = cluster.node(name);
        if (!node.taints.some((t) => t.key === taint.key && t.value === taint.value)) return;
        cluster.mutate(`untaint ${name}`);
        node.taints = node.taints.filter((t) => !(t.key === taint.key && t.value === taint.value));
      },
      label: async (name, key, value) => {
        const node = cluster.node(name);
        if ((node.labels[key] ?? null) === value) return;
        cluster.mutate(`label ${name} ${key}=${value ?? '-'}`);
        if (value === null) delete node.labels[key];
        else node.labels[key] = value;
      },
      cordon: async (name, on) => {
        cluster.mutate(`${on ? 'cordon' : 'uncordon'} ${name}`);
        cluster.node(name).unschedulable = on;
      },
      drain: async (name) => {
        const node = cluster.node(name);
        cluster.mutate(`drain ${name}`);
        const evicted = Array.from({ length: node.pods }, (_, i) => `pod-${i}`);
        node.pods = 0;
        return { evicted, skipped: [] };
      },
    },
    workloads: {
      apply: async (objects) => {
        for (const o of objects) {
          cluster.mutate(`apply ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
          if (o.kind === 'Namespace') cluster.namespaces.set(o.metadata.name, { ...(o.metadata.labels ?? {}) });
        }
      },
      cloneNamespace: async ({ namespaces: { stable: from, canary: to } }) => {
        cluster.mutate(`clone ${from} -> ${to}`);
        const copied = ['Deployment/productpage', 'Service/productpage'];
        cluster.objects.set(to, copied);
        return { copied, accepted: [], rewrites: [], mentions: [] };
      },
      waitRollout: async () => undefined,
      waitDaemonSet: async () => undefined,
      deleteNamespace: async (name) => cluster.deleteNamespace(name),
      deleteReleaseObject: async (object, release) => (cluster.mutate(`delete ${object.kind} ${object.name} of ${release.name}`), 'deleted'),
      setGatewayRevision: async (_gw, revision) => {
        cluster.mutate(`gateway rev=${revision}`);
        cluster.gateway.metadata.labels = { ...cluster.gateway.metadata.labels, 'istio.io/rev': revision };
      },
    },
    router: new GatewayApiRouter({ store, context: plan.route.context, timeoutMs: 1000, pollMs: 1 }),
    helm: {
      run: async (inv) => ({ stdout: cluster.helm(inv), stderr: '', durationMs: 1 }),
      version: async () => 'v3.21.4',
    },
    runs: {
      load: async (id) => toStored(id),
      latest: async () => {
        const all = [...cluster.records.keys()].map((id) => toStored(id) as StoredRun);
        return all.find((s) => s.record.outcome === 'running') ?? all.at(-1);
      },
      create: async (record: RunRecord) => ({ record: structuredClone(record), version: String(cluster.saveRecord(record.id, record, undefined)) }),
      save: async (stored, record) => ({ record: structuredClone(record), version: String(cluster.saveRecord(record.id, record, Number(stored.version))) }),
    },
    lock: {
      acquire: async (holder) => {
        cluster.acquire(holder, clock().toISOString());
        return {
          lost: (behaviour.lockLost ?? new AbortController()).signal,
          takenBy: undefined,
          verify: async () => true,
          release: async () => {
            if (cluster.lease?.holder === holder) cluster.lease = undefined;
          },
        };
      },
      blocker: async (holder) => (cluster.lease && cluster.lease.holder !== holder ? { holder: cluster.lease.holder, since: cluster.lease.since, renewedAt: cluster.lease.since, expiresAt: undefined } : undefined),
      holder: async () => (cluster.lease ? { holder: cluster.lease.holder, since: cluster.lease.since, renewedAt: cluster.lease.since, expiresAt: undefined } : undefined),
    },
    events: {
      record: async (event) => {
        if (behaviour.eventsFail) throw new Error('test double: the events API refuses');
        behaviour.events?.push(event);
      },
    },
    smoke: {
      smoke: async (req) => ({ sent: req.requests, succeeded: req.requests - (behaviour.smokeFailures ?? 0), failures: behaviour.smokeFailures ? [`${behaviour.smokeFailures} × HTTP 503`] : [] }),
    },
    judge: {
      bake: async (req) => {
        behaviour.duringBake?.(req.weights.canary);
        const v = behaviour.judge?.(req.weights.canary) ?? verdict('pass', [`${req.weights.canary}%: fine`], { requests: 100 });
        return { verdict: v, windows: behaviour.bakeWindows?.(req.weights.canary) ?? [] };
      },
    },
    probe: {
      measure: async (request) => {
        behaviour.probes?.push(request);
        return (behaviour.stable ?? healthyStable)(request);
      },
    },
    clock,
    actor: { host: 'test-host', ciJob: undefined },
    holder: behaviour.holder ?? 'test-host/pid-1',
  };
}
