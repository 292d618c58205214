import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { FROM_REV, TO_REV, annotateCanaryZtunnel, routeAtCanaryWeight } from './support.js';
import { run, start, upgrade } from './runs-support.js';
import { countColours, decodePng } from './runs-png.js';
import { re } from '../support/literal-regexp.js';

/**
 * The HTML report of a real aborted run, opened in headless Chromium (Debian's `chromium`):
 * no console message at all (the page has no script), four charts in the DOM, and a
 * screenshot in which the plotted lines and the abort marker are really drawn.
 */
const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'canary-html-'));

async function chromium(args: string[], url: string): Promise<{ stdout: string; console: string[] }> {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0', '--hide-scrollbars'];
  const r = await execa(CHROMIUM, [...flags, ...args, url], { reject: false, timeout: 60_000 });
  return { stdout: r.stdout, console: r.stderr.split('\n').filter((l) => l.includes(':CONSOLE')) };
}

let unlock: () => void;
let html: string;
beforeAll(async () => {
  unlock = await lockDemoState();
  await resetDemoState();
  const upgrading = start(upgrade('--bake', '4s'));
  await routeAtCanaryWeight(50);
  await annotateCanaryZtunnel({ 'sim.ambient-canary.dev/error-rate': '0.3' });
  const r = await upgrading;
  expect(r.exitCode, r.all).toBe(3);
  html = join(dir, 'report.html');
  const written = await run(['report', '--format', 'html', '-o', html]);
  expect(written.exitCode, written.all).toBe(0);
}, 1_800_000);
afterAll(() => unlock?.());

describe('Given the HTML report of a run aborted at 50%', () => {
  it('Then Chromium loads it without a single console message, and the console check does catch one', async () => {
    const opened = await chromium(['--dump-dom'], `file://${html}`);
    expect(opened.console).toEqual([]);
    const control = join(dir, 'control.html');
    writeFileSync(control, '<!DOCTYPE html><html><body><script>console.error("boom")</script></body></html>');
    expect((await chromium(['--dump-dom'], `file://${control}`)).console.join('\n')).toContain('"boom"');
  });

  it('Then its DOM holds the four charts: weight, rate, errors and p99 per revision, the SLO lines and the abort marker', async () => {
    const dom = (await chromium(['--dump-dom'], `file://${html}`)).stdout;
    const svgs = [...dom.matchAll(/<svg[^>]*class="chart"[^>]*id="([^"]+)"/g)].map((m) => m[1]);
    expect(svgs).toEqual(['chart-weight', 'chart-rate', 'chart-errors', 'chart-p99']);
    expect((dom.match(new RegExp(re`class="series" data-series="canary ${TO_REV}"`.source, 'g')) ?? []).length).toBeGreaterThanOrEqual(7);
    expect((dom.match(new RegExp(re`class="series" data-series="stable ${FROM_REV}"`.source, 'g')) ?? []).length).toBeGreaterThanOrEqual(6);
    expect((dom.match(/<g class="marker abort">/g) ?? []).length).toBe(4);
    expect(dom).toMatch(/SLO: error budget 0.5%/);
    expect(dom).toMatch(/SLO: p99 ≤ 500 ms/);
  });

  it('Then a screenshot shows the plots: both revisions\' lines, the weight and the abort marker are drawn', async () => {
    const png = join(dir, 'report.png');
    await chromium([`--screenshot=${png}`, '--window-size=1000,1800'], `file://${html}`);
    const image = decodePng(readFileSync(png));
    const counts = countColours(image, { stable: '#1565c0', canary: '#ef6c00', weight: '#6a1b9a', abort: '#c62828', white: '#ffffff' });
    console.log(`screenshot ${png}: ${image.width}x${image.height}, pixels by colour ${JSON.stringify(counts)}`);
    expect(counts['white'] ?? 0).toBeLessThan(image.width * image.height * 0.97);
    for (const colour of ['stable', 'canary', 'weight', 'abort']) expect(counts[colour], colour).toBeGreaterThan(300);
  });
});
