import { describe, expect, it } from 'vitest';
import { formatOfFile, renderReport } from '../../../src/report/formats.js';
import { markdownReport } from '../../../src/report/markdown.js';
import { abortedAt50, promotedRun } from './builders.js';

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
