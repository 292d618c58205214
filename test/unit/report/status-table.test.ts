import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/domain/run-record.js';
import { verdict } from '../../../src/domain/verdict.js';
import { newRecord } from '../../../src/orchestrator/record.js';
import { statusTable } from '../../../src/report/status-table.js';
import { config, plan } from '../../support/scenario.js';

function record(change: (r: RunRecord) => void = () => undefined): RunRecord {
  const c = config();
  const r = newRecord(c, plan(c), new Date('2026-11-23T12:00:00Z'), { host: 'ci-runner-7', ciJob: 'github:shop/mesh/991' });
  change(r);
  return r;
}

describe('statusTable: what a user reads in `canary status`', () => {
  it('shows a fresh run: versions, not started, all stable, the schedule, who started it', () => {
    const text = statusTable(record());
    expect(text).toContain('Run 1-29-6-to-1-30-3: 1.29.6 -> 1.30.3');
    expect(text).toMatch(/outcome\s+running/);
    expect(text).toMatch(/phase\s+not started/);
    expect(text).toMatch(/weight\s+100\/0 stable\/canary, schedule 10 -> 50 -> 100/);
    expect(text).toMatch(/nodes\s+none yet/);
    expect(text).toContain('by ci-runner-7 (github:shop/mesh/991)');
  });

  it('shows where a run stands: last phase, weight, canary nodes', () => {
    const text = statusTable(record((r) => {
      r.phase = 'smoke';
      r.weight = 50;
      r.canaryNodes = [{ name: 'node-3', priorLabel: null }, { name: 'node-4', priorLabel: '1-29-6' }];
    }));
    expect(text).toMatch(/phase\s+smoke \(last completed\)/);
    expect(text).toMatch(/weight\s+50\/50/);
    expect(text).toMatch(/nodes\s+node-3, node-4/);
  });

  it('lists every step with its verdict and reasons, and a step still baking', () => {
    const text = statusTable(record((r) => {
      r.steps = [
        { weight: 10, startedAt: '2026-11-23T12:01:00Z', endedAt: '2026-11-23T12:02:00Z', verdict: verdict('pass', ['error rate 0.1% within budget 1%']) },
        { weight: 50, startedAt: '2026-11-23T12:03:00Z', verdict: verdict('fail', ['error rate 7% over budget 1%', 'p99 900ms over 500ms']) },
        { weight: 100, startedAt: '2026-11-23T12:05:00Z' },
      ];
    }));
    const lines = text.split('\n');
    expect(lines.find((l) => l.includes('10%'))).toMatch(/pass\s+error rate 0\.1% within budget 1%/);
    expect(lines.find((l) => l.includes('50%'))).toMatch(/fail\s+error rate 7% over budget 1%; p99 900ms over 500ms/);
    expect(lines.find((l) => l.includes('100%'))).toMatch(/baking/);
  });

  it('says why a run ended badly', () => {
    const text = statusTable(record((r) => {
      r.outcome = 'aborted';
      r.reason = 'SLO breached at 50%';
    }));
    expect(text).toMatch(/outcome\s+aborted \(SLO breached at 50%\)/);
  });

  it('names the nodes moved at promote', () => {
    expect(statusTable(record((r) => (r.promotedNodes = ['node-1', 'node-2'])))).toContain('moved at promote: node-1, node-2');
  });

  it('shows only the 8 most recent events', () => {
    const text = statusTable(record((r) => {
      r.events = Array.from({ length: 12 }, (_, i) => ({ at: `2026-11-23T12:00:${String(i).padStart(2, '0')}Z`, message: `event number ${i}` }));
    }));
    expect(text).toContain('event number 11');
    expect(text).toContain('event number 4');
    expect(text).not.toContain('event number 3');
  });
});
