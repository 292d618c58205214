// istiod's two webhook controllers, for every istiod that runs (a Ready pod: kwok runs a pod as
// soon as it is Ready), each for its own revision (the REVISION env the chart sets):
// - the injection patcher (pkg/webhooks/webhookpatch.go, started by
//   pilot/pkg/bootstrap/sidecarinjector.go without leader election): in every
//   MutatingWebhookConfiguration labelled istio.io/rev=<rev>, which includes the revision-tag
//   ones (istio-revision-tag-<tag>, templates/revision-tags-mwc.yaml), sets clientConfig.caBundle
//   of each webhook whose name ends in "sidecar-injector.istio.io";
// - the validation controller (pkg/webhooks/validation/controller/controller.go): in every
//   ValidatingWebhookConfiguration labelled istio.io/rev=<rev>, sets every webhook's caBundle,
//   and switches failurePolicy Ignore to Fail once a dry-run create of an invalid Gateway
//   (annotated internal.istio.io/webhook-always-reject) is denied by the webhook, or the Gateway
//   CRD is missing (readyForFailClose, isDryRunOfInvalidConfigRejected).
// Both run on watch events, so a caBundle that `helm upgrade` removes is put back at once.
// An istiod scaled to zero patches nothing (its process is gone); what it wrote stays.

import { AdmissionregistrationV1Api, CustomObjectsApi, type KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { istiodEnv, istiodRevision } from '../admission/connect-target.js';
import type { Caches } from '../kube/informers.js';
import type { LogLine } from '../log.js';

const INJECTOR_SUFFIX = 'sidecar-injector.istio.io';
const ALWAYS_REJECT = 'internal.istio.io/webhook-always-reject';
const DEBOUNCE_MS = 20;
/** The dry run is an API call: at most one per revision per second (istiod backs off from 100 ms to 1 min). */
const DRY_RUN_EVERY_MS = 1000;

type Op = { op: 'test' | 'add' | 'replace'; path: string; value: unknown };
type Webhook = { name: string; clientConfig?: { caBundle?: string }; failurePolicy?: string };

/** The JSON patch that gives each selected webhook the bundle (and Fail), or [] if nothing changes. */
export function bundlePatch(webhooks: Webhook[], bundle: string, select: (name: string) => boolean, setFail: boolean): Op[] {
  const ops: Op[] = [];
  webhooks.forEach((w, i) => {
    if (!select(w.name)) return;
    const change: Op[] = [];
    if (w.clientConfig?.caBundle !== bundle) change.push({ op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: bundle });
    if (setFail && w.failurePolicy !== 'Fail') change.push({ op: 'add', path: `/webhooks/${i}/failurePolicy`, value: 'Fail' });
    // The test guards against the list having changed under us (the patch then fails, and is redone).
    if (change.length > 0) ops.push({ op: 'test', path: `/webhooks/${i}/name`, value: w.name }, ...change);
  });
  return ops;
}

interface RunningIstiod {
  revision: string;
  namespace: string;
  injection: boolean;
  validation: boolean;
}

function running(d: V1Deployment): RunningIstiod | undefined {
  if ((d.status?.readyReplicas ?? 0) === 0) return undefined;
  return {
    revision: istiodRevision(d),
    namespace: d.metadata?.namespace ?? '',
    // INJECTION_WEBHOOK_CONFIG_NAME / VALIDATION_WEBHOOK_CONFIG_NAME set empty turn a controller off.
    injection: istiodEnv(d, 'INJECTION_WEBHOOK_CONFIG_NAME') !== '',
    validation: istiodEnv(d, 'VALIDATION_WEBHOOK_CONFIG_NAME') !== '',
  };
}

export class WebhookCaController {
  private readonly admission: AdmissionregistrationV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly inflight = new Set<string>();
  /** The resourceVersion each object had when last patched: until the watch brings a newer one, the cache is stale. */
  private readonly patchedAt = new Map<string, string | undefined>();
  /** Revisions (namespace/revision) whose validator was seen to deny the dry run. */
  private readonly validatorReady = new Set<string>();
  private readonly lastDryRun = new Map<string, number>();
  /** The last failure logged per object, so a failure retried every pass is logged once. */
  private readonly failing = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  /** bundle: the caBundle as the API carries it (base64 of the PEM). */
  constructor(kc: KubeConfig, private readonly caches: Caches, private readonly bundle: string, private readonly log: LogLine) {
    this.admission = kc.makeApiClient(AdmissionregistrationV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
  }

  schedule = (): void => {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.caches.allSynced()) this.run();
    }, DEBOUNCE_MS);
  };

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private run(): void {
    const istiods = this.caches.list('deployments').filter((d) => d.metadata?.labels?.['app'] === 'istiod').map(running).filter((x) => x !== undefined);
    for (const mwc of this.caches.list('mutatingwebhookconfigurations')) {
      const rev = mwc.metadata?.labels?.['istio.io/rev'];
      if (!istiods.some((i) => i.injection && i.revision === rev)) continue;
      const ops = bundlePatch((mwc.webhooks ?? []) as Webhook[], this.bundle, (n) => n.endsWith(INJECTOR_SUFFIX), false);
      const name = mwc.metadata?.name ?? '';
      const patch = () => this.admission.patchMutatingWebhookConfiguration({ name, body: ops });
      if (ops.length > 0) this.write(`MutatingWebhookConfiguration ${name}`, mwc.metadata?.resourceVersion, ops, patch);
    }
    for (const vwc of this.caches.list('validatingwebhookconfigurations')) {
      const rev = vwc.metadata?.labels?.['istio.io/rev'];
      const owner = istiods.find((i) => i.validation && i.revision === rev);
      if (!owner) continue;
      const webhooks = (vwc.webhooks ?? []) as Webhook[];
      const wantsFail = webhooks.some((w) => w.failurePolicy !== undefined && w.failurePolicy !== 'Fail');
      const ready = this.validatorReady.has(`${owner.namespace}/${owner.revision}`);
      if (wantsFail && !ready) this.checkValidator(owner);
      const ops = bundlePatch(webhooks, this.bundle, () => true, ready);
      const name = vwc.metadata?.name ?? '';
      const patch = () => this.admission.patchValidatingWebhookConfiguration({ name, body: ops });
      if (ops.length > 0) this.write(`ValidatingWebhookConfiguration ${name}`, vwc.metadata?.resourceVersion, ops, patch);
    }
  }

  /** One write per object at a time; its watch event brings the next pass. A failure is retried by the periodic pass. */
  private write(what: string, rv: string | undefined, ops: Op[], call: () => Promise<unknown>): void {
    if (this.inflight.has(what) || (this.patchedAt.has(what) && this.patchedAt.get(what) === rv)) return;
    this.inflight.add(what);
    call()
      .then(() => {
        this.patchedAt.set(what, rv);
        this.failing.delete(what);
        const fields = [...new Set(ops.filter((o) => o.op !== 'test').map((o) => o.path.split('/').at(-1)))].join(' and ');
        this.log(`istiod webhook controller: ${what}: ${fields} set`);
      })
      .catch((err: { code?: number; message?: string }) => {
        const message = `${err.code ?? ''} ${String(err.message).split('\n')[0]}`;
        if (this.failing.get(what) !== message) this.log(`istiod webhook controller: ${what}: patch failed (${message}); retrying`);
        this.failing.set(what, message);
      })
      .finally(() => this.inflight.delete(what));
  }

  private checkValidator(owner: RunningIstiod): void {
    const key = `${owner.namespace}/${owner.revision}`;
    if (this.inflight.has(`dry-run ${key}`)) return;
    const wait = (this.lastDryRun.get(key) ?? 0) + DRY_RUN_EVERY_MS - Date.now();
    if (wait > 0) {
      // Not dropped: the pass right after the caBundle landed is the one whose dry run succeeds.
      if (!this.inflight.has(`retry ${key}`)) {
        this.inflight.add(`retry ${key}`);
        setTimeout(() => {
          this.inflight.delete(`retry ${key}`);
          this.schedule();
        }, wait).unref();
      }
      return;
    }
    this.inflight.add(`dry-run ${key}`);
    this.lastDryRun.set(key, Date.now());
    const body = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'invalid-gateway', namespace: owner.namespace, labels: { 'istio.io/rev': owner.revision }, annotations: { [ALWAYS_REJECT]: 'true' } },
      spec: {},
    };
    const { namespace } = owner;
    this.custom
      .createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace, plural: 'gateways', body, dryRun: 'All' })
      .then(() => undefined, (err: { body?: unknown; message?: string; code?: number }) => {
        const text = `${typeof err.body === 'string' ? err.body : JSON.stringify(err.body ?? '')} ${err.message ?? ''}`;
        // A 404 (the Istio CRDs not installed) reads "the server could not find the requested
        // resource" in client-go, which istiod also takes as ready.
        if (text.includes('denied the request') || err.code === 404) {
          this.validatorReady.add(key);
          this.log(`istiod webhook controller: revision ${owner.revision} (${namespace}) rejects invalid config: its validators go to Fail`);
          this.schedule();
        }
      })
      .finally(() => this.inflight.delete(`dry-run ${key}`));
  }
}
