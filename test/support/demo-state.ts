import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/**
 * The demo's stable mesh (kwok-node-*, istio-system releases, bookinfo-*, the route) is one
 * shared state on the local cluster. Test files that run real upgrades on it take this
 * cross-process lock for their whole duration, and reset the state with stable-mesh.sh
 * before each scenario, so two test processes never reset it under each other.
 */
const runDir = fileURLToPath(new URL('../cluster/.run/', import.meta.url));
const lockDir = `${runDir}demo.lock`;
const stableMesh = fileURLToPath(new URL('../cluster/demo/stable-mesh.sh', import.meta.url));
const POLL_MS = 500;

function holderAlive(): boolean {
  try {
    const pid = Number(readFileSync(`${lockDir}/pid`, 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (up to `timeoutMs`) for the lock; a holder that died leaves a lock we take over. */
export async function lockDemoState(timeoutMs = 20 * 60_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(`${lockDir}/pid`, String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch {
      if (!holderAlive()) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`the demo state stayed locked by another test process (${lockDir}) for ${timeoutMs / 1000}s`);
      else await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}

/** Puts the cluster back in the demo's stable state (FROM of demo-versions.ts installed, route at 100% stable). */
export async function resetDemoState(): Promise<void> {
  await execa(stableMesh, [], { env: { DEMO_LOCK_OWNER: String(process.pid) }, all: true }).catch((error: { all?: string }) => {
    throw new Error(`stable-mesh.sh failed:\n${error.all ?? String(error)}`);
  });
}
