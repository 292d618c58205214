import { openSync, readSync, closeSync, statSync } from 'node:fs';

/**
 * The local cluster's kube-apiserver audit log (test/cluster/.run/audit.log: one JSON event
 * per request at Metadata level). Every component authenticates as kwok-admin, so callers
 * are told apart by User-Agent: the product sends `ambient-canary/<version>`.
 */
export interface AuditEvent {
  readonly verb: string;
  readonly requestURI: string;
  readonly userAgent?: string;
  readonly stage: string;
  readonly objectRef?: { readonly resource?: string; readonly namespace?: string; readonly name?: string; readonly subresource?: string };
  readonly responseStatus?: { readonly code?: number };
  readonly requestReceivedTimestamp: string;
}

export const PRODUCT_AGENT = 'ambient-canary/';
const MUTATING = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
/** `create` on these asks a question and stores nothing (preflight's access review). */
const REVIEWS = new Set(['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'subjectaccessreviews', 'localsubjectaccessreviews', 'tokenreviews']);

/** Where the log ends now: read the events after it with `auditSince`. */
export function auditMark(file: string): number {
  return statSync(file).size;
}

export function auditSince(file: string, mark: number): AuditEvent[] {
  const size = statSync(file).size;
  if (size <= mark) return [];
  const buffer = Buffer.alloc(size - mark);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, mark);
  } finally {
    closeSync(fd);
  }
  return buffer
    .toString('utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as AuditEvent)
    .filter((e) => e.stage === 'ResponseComplete' || e.stage === 'Panic');
}

export function fromProduct(e: AuditEvent): boolean {
  return (e.userAgent ?? '').startsWith(PRODUCT_AGENT);
}

/** A request that changes stored state (an access review changes none). */
export function isMutating(e: AuditEvent): boolean {
  return MUTATING.has(e.verb) && !REVIEWS.has(e.objectRef?.resource ?? '');
}

/** `patch leases istio-system/ambient-canary (200)`: one line per event, for failure messages. */
export function describeEvent(e: AuditEvent): string {
  const o = e.objectRef ?? {};
  return `${e.verb} ${o.resource ?? e.requestURI}${o.subresource ? `/${o.subresource}` : ''} ${o.namespace ? `${o.namespace}/` : ''}${o.name ?? ''} (${e.responseStatus?.code ?? '?'}) by ${e.userAgent ?? '?'}`;
}

/** The apiserver writes an event when the response completes: give the last ones a moment. */
export async function settleAudit(ms = 1500): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
