import { describe, expect, it } from 'vitest';
import { strayGroupSignal } from '../../../src/helm/execa-runner.js';

describe('strayGroupSignal: a helm of the revert killed by a signal the CLI did not send runs once more', () => {
  it('a detached helm (an uninstall) killed by a terminal or CI runner signal, the run not cancelling it', () => {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) expect(strayGroupSignal(true, false, s), s).toBe(true);
  });

  it('not when the CLI cancelled it itself (its signal aborted): a cancel is meant', () => {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) expect(strayGroupSignal(true, true, s), s).toBe(false);
  });

  it('not for an install or upgrade in the group: a killed CLI must not leave one racing the run that resumes it', () => {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) expect(strayGroupSignal(false, false, s), s).toBe(false);
  });

  it('not for SIGKILL (someone meant it), any other signal, or a helm that exited with an error', () => {
    for (const s of ['SIGKILL', 'SIGSEGV', 'SIGQUIT', undefined]) expect(strayGroupSignal(true, false, s), String(s)).toBe(false);
  });
});
