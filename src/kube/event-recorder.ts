import { V1MicroTime, type EventsV1Event, type KubernetesObject } from '@kubernetes/client-node';
import { ConflictError } from '../domain/conflict.js';
import { OWNED } from '../mesh/labels.js';
import type { KubeClient } from './client.js';
import { site } from './errors.js';
import type { EventRecorder, RouteEvent } from './ports.js';
import { HTTPROUTE_API_VERSION } from './route-store.js';

export interface EventRecorderOptions {
  readonly route: { readonly namespace: string; readonly name: string };
  /** Who emits (the lock holder: host, CI job, pid): events.k8s.io `reportingInstance`. */
  readonly instance: string;
  /** Told why an event could not be written; the run goes on regardless. */
  readonly onError?: ((message: string) => void) | undefined;
  /** An event never holds a run up for longer than this. */
  readonly budgetMs?: number | undefined;
}

/** events.k8s.io `reportingController`: a qualified name, as controllers use. */
export const REPORTING_CONTROLLER = 'ambient-canary.dev/canary';
const NOTE_LIMIT = 1024;
const INSTANCE_LIMIT = 128;
const DEFAULT_BUDGET_MS = 5000;

/**
 * events.k8s.io/v1 Events about the user's HTTPRoute. `kubectl describe httproute` finds
 * events by the object's kind, name and uid, so the uid is read once, first. Every failure
 * is swallowed and reported: an Event is a courtesy, the run record is the truth.
 */
export class KubeEventRecorder implements EventRecorder {
  private uid: string | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly o: EventRecorderOptions,
  ) {}

  async record(event: RouteEvent, signal: AbortSignal): Promise<void> {
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(this.o.budgetMs ?? DEFAULT_BUDGET_MS)]);
    try {
      this.uid ??= await this.routeUid(bounded);
      const namespace = this.o.route.namespace;
      const body = this.body(event, this.uid);
      await this.client.call(site('create', 'Event', namespace, undefined, 'events.k8s.io/v1'), bounded, () => this.client.events.createNamespacedEvent({ namespace, body }));
    } catch (error) {
      // Event names are unique to this call (time and a random tail): a 409 is our own create
      // retried after its answer was lost, so the Event is there.
      if (error instanceof ConflictError) return;
      this.o.onError?.(`could not record ${event.reason} on HTTPRoute ${this.o.route.namespace}/${this.o.route.name} (the run goes on): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async routeUid(signal: AbortSignal): Promise<string | undefined> {
    const { namespace, name } = this.o.route;
    const spec = { apiVersion: HTTPROUTE_API_VERSION, kind: 'HTTPRoute', metadata: { name, namespace } };
    const route = await this.client.call(site('get', 'HTTPRoute', namespace, name), signal, () => this.client.objects.read<KubernetesObject>(spec));
    return route.metadata?.uid;
  }

  private body(event: RouteEvent, uid: string | undefined): EventsV1Event {
    const { namespace, name } = this.o.route;
    return {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      // One object per event, named as client-go's recorder names them (<object>.<hex time>);
      // generateName would not do: its prefix `<name>.` is itself validated and ends in a dot.
      metadata: { name: eventName(name), namespace, labels: { ...OWNED } },
      eventTime: new V1MicroTime(),
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: this.o.instance.slice(0, INSTANCE_LIMIT),
      action: event.action,
      reason: event.reason,
      type: event.type,
      note: truncateBytes(event.note, NOTE_LIMIT),
      regarding: { apiVersion: HTTPROUTE_API_VERSION, kind: 'HTTPRoute', namespace, name, ...(uid ? { uid } : {}) },
    };
  }
}

/** `bookinfo.18a2b3c4d5e6f7a8`: the time in hex, and a random tail so two processes never collide. */
export function eventName(object: string, now = Date.now(), random = Math.random()): string {
  const tail = Math.floor(random * 0xffff).toString(16).padStart(4, '0');
  return `${object}.${(now * 1000).toString(16)}${tail}`;
}

/** The apiserver counts the note's limit in bytes, and verdict reasons hold multi-byte signs (×, →). */
export function truncateBytes(text: string, limit: number): string {
  if (Buffer.byteLength(text) <= limit) return text;
  let cut = text.slice(0, limit - 3);
  while (Buffer.byteLength(cut) > limit - 3) cut = cut.slice(0, -1);
  return `${cut}...`;
}
