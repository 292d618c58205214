import { describe, expect, it } from 'vitest';
import { junitReport } from '../../../src/report/junit.js';
import { abortedAt50, promotedRun, runRecord, step } from './builders.js';

/** Every opened tag is closed in order: enough to know a JUnit parser will take the file. */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([a-zA-Z-]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (closing) {
      if (stack.pop() !== name) return false;
    } else stack.push(name as string);
  }
  return stack.length === 0;
}

function testcases(xml: string): { name: string; body: string }[] {
  return [...xml.matchAll(/<testcase [^>]*name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({ name: m[1] as string, body: m[2] ?? '' }));
}

describe('junitReport: one test case per step, for CI test tabs', () => {
  it('a promoted run: a passing case per weight and a passing outcome', () => {
    const xml = junitReport(promotedRun());
    expect(wellFormed(xml)).toBe(true);
    expect(xml).toMatch(/<testsuites name="ambient-canary" tests="4" failures="0" errors="0" skipped="0" time="60"/);
    expect(testcases(xml).map((c) => c.name)).toEqual(['weight 10%', 'weight 50%', 'weight 100%', 'outcome (1.29.6 -&gt; 1.30.3)']);
    expect(xml).toContain('time="10"');
    expect(xml).toContain('<property name="ciUrl" value="https://github.com/shop/mesh/actions/runs/77"/>');
  });

  it('a failed step carries every reason of its verdict; a weight never reached is skipped; the outcome fails', () => {
    const xml = junitReport(abortedAt50());
    expect(wellFormed(xml)).toBe(true);
    expect(xml).toMatch(/tests="4" failures="2" errors="0" skipped="1"/);
    const [ten, fifty, hundred, outcome] = testcases(xml);
    expect(ten?.body).toContain('<system-out>10%: fine');
    expect(fifty?.body).toMatch(/<failure message="fail: fast burn: canary 40\/250 failed \(burn 32× a 0.50% budget\); p99 80 ms over stable 20 ms × 1.5" type="fail">/);
    expect(fifty?.body).toMatch(/fast burn[^\n]*\np99 80 ms[^\n]*\n\n.*canaryErrors=40/);
    expect(hundred?.body).toContain('<skipped message="not reached: the run ended aborted"/>');
    expect(outcome?.body).toMatch(/<failure message="aborted: weight 50%: the canary did not pass \(fail\)" type="aborted">/);
  });

  it('a run stopped at its smoke test shows red even though no step ran', () => {
    const xml = junitReport(runRecord((r) => {
      r.outcome = 'aborted';
      r.reason = 'smoke test failed: 4 of 20 requests to the canary failed (4 × HTTP 503)';
    }));
    expect(xml).toMatch(/tests="4" failures="1" errors="0" skipped="3"/);
    expect(xml).toContain('message="aborted: smoke test failed: 4 of 20 requests');
  });

  it('an inconclusive verdict fails its case; an error verdict is an error', () => {
    const inconclusive = junitReport(runRecord((r) => void r.steps.push(step(10, 10, 'inconclusive', ['thin windows']))));
    expect(inconclusive).toContain('<failure message="inconclusive: thin windows" type="inconclusive">');
    const error = junitReport(runRecord((r) => void r.steps.push(step(10, 10, 'error', ['no revision header']))));
    expect(error).toContain('<error message="error: no revision header" type="error">');
  });

  it('a step still baking is skipped while the run runs, and an error once the run ended without its verdict', () => {
    const baking = runRecord((r) => void r.steps.push(step(10, 10, undefined)));
    expect(junitReport(baking)).toContain('<skipped message="baking: no verdict yet"/>');
    const killed = runRecord((r) => {
      r.steps.push(step(10, 10, undefined));
      r.outcome = 'reverted';
      r.reason = 'aborted by `canary abort`';
    });
    expect(junitReport(killed)).toMatch(/<error message="no verdict: the run ended reverted during this step \(aborted by `canary abort`\)" type="no-verdict">/);
  });

  it('escapes markup and drops control characters a verdict may quote', () => {
    const xml = junitReport(runRecord((r) => void r.steps.push(step(10, 10, 'fail', ['server said <html> & "oops"\u0007']))));
    expect(wellFormed(xml)).toBe(true);
    expect(xml).toContain('server said &lt;html&gt; &amp; &quot;oops&quot;\uFFFD');
    expect(xml).not.toContain('\u0007');
  });
});
