// The demo's two Istio versions (test/cluster/demo/versions.env, which the demo scripts source):
// the stable mesh runs FROM, `make demo` upgrades it to TO. Their revision names name the
// releases (istiod-<rev>, ztunnel-<rev>) and the application namespaces (bookinfo-<rev>).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { revisionName, parseRevision } from '../../src/domain/revision.js';

const file = fileURLToPath(new URL('../cluster/demo/versions.env', import.meta.url));
const env = Object.fromEntries(
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
);

function version(key: string): string {
  const v = env[key];
  if (!v || !parseRevision(v)) throw new Error(`${file}: ${key}=${v ?? ''} is not a version`);
  return v;
}

export const FROM = version('STABLE');
export const TO = version('CANARY');
export const FROM_REV = revisionName(parseRevision(FROM)!.version);
export const TO_REV = revisionName(parseRevision(TO)!.version);
