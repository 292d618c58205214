import { describe, expect, it } from 'vitest';
import { formatOfFile, renderReport } from '../../../src/report/formats.js';
import { markdownReport } from '../../../src/report/markdown.js';
import type { RunRecord } from '../../../src/domain/run-record.js';
import { figureOf } from '../../../src/report/figures.js';
import { htmlReport } from '../../../src/report/html.js';
import { timeline } from '../../../src/report/timeline.js';
import { abortedAt50, promotedRun, runRecord } from './builders.js';

describe('report formats', () => {
  it('infers the format from the file name `-o` gives', () => {
    expect(['r.html', 'junit.xml', 'run.json', 'SUMMARY.md', 'report'].map(formatOfFile)).toEqual(['html', 'junit', 'json', 'markdown', undefined]);
  });

  it('JSON is the run record itself, as `kubectl get cm` holds it', () => {
    expect(JSON.parse(renderReport('json', promotedRun()))).toEqual(promotedRun());
  });

  it('Markdown: each step with its verdict, figures and who ran it; the CI job linked', () => {
    const md = markdownReport(abortedAt50());
    expect(md).toContain('# Canary upgrade 1.29.6 → 1.30.3: aborted');
    expect(md).toContain('| Started | 2026-11-23T12:00:00.000Z by ci-runner ([github:shop/mesh/77](https://github.com/shop/mesh/actions/runs/77)) |');
    expect(md).toMatch(/\| 50% \| [^|]+ \| [^|]+ \| fail \| 2500 \| 40 \| 22 ms \| ci-runner\/github:shop\/mesh\/77\/pid-9 \| fast burn: canary 40\/250 failed/);
    expect(md).toContain('| Ended | 2026-11-23T12:00:40.000Z |');
  });
});

describe('the Markdown report links the CI job', () => {
  it('to its http(s) page, and to nothing else', () => {
    expect(markdownReport(runRecord())).toContain('([github:shop/mesh/77](https://github.com/shop/mesh/actions/runs/77))');
    for (const ciUrl of ['javascript:alert(1)', 'https://x.example/a) [click](https://evil.example']) {
      const md = markdownReport(runRecord((r) => ((r.actor as { ciUrl?: string }).ciUrl = ciUrl)));
      expect(md).not.toContain('](javascript');
      expect(md).not.toContain('evil.example');
    }
  });
});

describe('records judged by several metrics sources', () => {
  /** As SourcesStepJudge writes them: figures named after their source, Prometheus readings beside the load windows. */
  function sourced(): RunRecord {
    const r = abortedAt50();
    for (const s of r.steps) {
      if (!s.verdict) continue;
      const figures = Object.fromEntries(Object.entries(s.verdict.figures).map(([k, v]) => [`load.${k}`, v]));
      s.verdict = { ...s.verdict, figures: { ...figures, 'prometheus.canary.requests': 999 } };
      s.windows = [...(s.windows ?? []), { start: s.startedAt, end: s.endedAt ?? s.startedAt, figures: { 'prometheus.canary.requests': 999, 'prometheus.canary.p99Ms': 7 } }];
    }
    return r;
  }

  it('finds a figure by its plain name, from the plain figure or the first source that has it', () => {
    expect(figureOf({ canaryRequests: 5 }, 'canaryRequests')).toBe(5);
    expect(figureOf({ 'load.canaryRequests': 6, 'prometheus.canaryRequests': 7 }, 'canaryRequests')).toBe(6);
    expect(figureOf({ 'prometheus.canary.requests': 8 }, 'requests')).toBeUndefined();
    expect(figureOf(undefined, 'x')).toBeUndefined();
  });

  it('still draw the SLO lines and fill the step tables; the cumulative Prometheus readings are not plotted as windows', () => {
    const record = sourced();
    const t = timeline(record);
    expect([t.budgetPct, t.p99BoundMs]).toEqual([0.5, 500]);
    expect(t.rate.canary.map((s) => s.length)).toEqual([10, 10]);
    expect(markdownReport(record)).toMatch(/\| 50% \| [^|]+ \| [^|]+ \| fail \| 2500 \| 40 \| 22 ms \|/);
    expect(htmlReport(record)).toContain('SLO: error budget 0.5%');
  });
});
