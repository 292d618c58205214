import { describe, expect, it } from 'vitest';
import { htmlReport } from '../../../src/report/html.js';
import { abortedAt50, promotedRun, runRecord } from './builders.js';

const charts = (html: string): string[] => [...html.matchAll(/<svg [^>]*class="chart"[\s\S]*?<\/svg>/g)].map((m) => m[0]);

describe('htmlReport: one self-contained page with plots over time', () => {
  it('has four charts: weight, request rate, error rate and p99, the last three per revision', () => {
    const html = htmlReport(promotedRun());
    const svgs = charts(html);
    expect(svgs.map((s) => /id="([^"]+)"/.exec(s)?.[1])).toEqual(['chart-weight', 'chart-rate', 'chart-errors', 'chart-p99']);
    for (const svg of svgs.slice(1)) {
      expect(svg).toContain('data-series="stable 1-29-6"');
      expect(svg).toContain('data-series="canary 1-30-3"');
    }
    expect(svgs[1]?.match(/<polyline class="series" data-series="canary 1-30-3"/g)).toHaveLength(3);
  });

  it('draws the SLO lines: the error budget on the error chart, the p99 bound on the latency chart', () => {
    const [, , errors, p99] = charts(htmlReport(promotedRun()));
    expect(errors).toMatch(/<g class="slo">.*SLO: error budget 0.5%/);
    expect(p99).toMatch(/<g class="slo">.*SLO: p99 ≤ 500 ms/);
  });

  it('keeps a far-away bound from flattening the data: drawn at the top edge, said to be above the scale', () => {
    const [, , , p99] = charts(htmlReport(promotedRun()));
    expect(p99).toContain('SLO: p99 ≤ 500 ms (above the scale) ↑');
    expect(p99).toMatch(/<text class="tick" [^>]*>40<\/text>/);
    expect(p99).not.toMatch(/<text class="tick" [^>]*>500<\/text>/);
  });

  it('marks the abort on every chart, and only when the run was aborted', () => {
    const aborted = charts(htmlReport(abortedAt50()));
    expect(aborted.every((svg) => /<g class="marker abort">.*✕ aborted: weight 50%/.test(svg))).toBe(true);
    expect(htmlReport(promotedRun())).not.toContain('marker abort');
  });

  it('is self-contained: no script, no stylesheet or image to fetch', () => {
    const html = htmlReport(abortedAt50());
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\(/i);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('escapes everything the record says, and links only http(s) CI URLs', () => {
    const html = htmlReport(runRecord((r) => {
      r.outcome = 'failed';
      r.reason = '<img src=x onerror=alert(1)>';
      (r.actor as { ciUrl?: string }).ciUrl = 'javascript:alert(1)';
    }));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('href="javascript');
    expect(htmlReport(promotedRun())).toContain('<a href="https://github.com/shop/mesh/actions/runs/77">github:shop/mesh/77</a>');
  });

  it('says so when no step ran, and still plots the weight and the abort', () => {
    const html = htmlReport(runRecord((r) => {
      r.outcome = 'aborted';
      r.reason = 'smoke test failed';
    }));
    expect(html).toContain('No weight step ran.');
    expect(html).toContain('no load windows recorded');
    expect(charts(html)).toHaveLength(4);
  });
});
