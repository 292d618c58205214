import type { Segment } from './timeline.js';
import { escapeXml as x } from './xml.js';

/** A line of the chart (one revision's figure), drawn segment by segment. */
export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly segments: readonly Segment[];
}

/** A horizontal line: an SLO bound. */
export interface ChartThreshold {
  readonly label: string;
  readonly value: number;
  readonly color: string;
}

/** A vertical line at an instant: a step start, or the abort. */
export interface ChartMarker {
  readonly at: number;
  readonly label: string;
  readonly kind: 'step' | 'abort';
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly start: number;
  readonly end: number;
  readonly series: readonly ChartSeries[];
  readonly thresholds?: readonly ChartThreshold[];
  readonly markers?: readonly ChartMarker[];
  /** A fixed top of the y axis (the weight chart: 100). */
  readonly yMax?: number;
}

const W = 920;
const H = 240;
const M = { left: 64, right: 16, top: 34, bottom: 36 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

/**
 * One time chart as inline SVG: no script, no external asset, so the report is one file
 * that opens anywhere. Time runs left to right from the run's start (labelled m:ss).
 */
export function lineChart(spec: ChartSpec): string {
  const values = spec.series.flatMap((s) => s.segments.flatMap((seg) => seg.map(([, v]) => v)));
  const top = spec.yMax ?? yTop(values, spec.thresholds ?? []);
  const sx = (t: number): number => M.left + (PLOT_W * (t - spec.start)) / Math.max(1, spec.end - spec.start);
  const sy = (v: number): number => M.top + PLOT_H - (PLOT_H * Math.min(v, top)) / top;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${x(spec.id)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${x(spec.title)}">`,
    `<title>${x(spec.title)}</title>`,
    `<rect class="plot" x="${M.left}" y="${M.top}" width="${PLOT_W}" height="${PLOT_H}"/>`,
    `<text class="chart-title" x="${M.left}" y="20">${x(spec.title)}</text>`,
    ...yAxis(top, spec.unit, sy),
    ...xAxis(spec.start, spec.end, sx),
    ...(spec.markers ?? []).map((m) => marker(m, sx)),
    ...(spec.thresholds ?? []).map((t) => threshold(t, sy, top)),
    ...spec.series.flatMap((s) => s.segments.map((seg) => polyline(s, seg, sx, sy))),
    ...legend(spec),
  ];
  if (values.length === 0) parts.push(`<text class="empty" x="${M.left + PLOT_W / 2}" y="${M.top + PLOT_H / 2}" text-anchor="middle">no load windows recorded</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

function polyline(s: ChartSeries, seg: Segment, sx: (t: number) => number, sy: (v: number) => number): string {
  const points = seg.map(([t, v]) => `${sx(t).toFixed(1)},${sy(v).toFixed(1)}`).join(' ');
  // A one-window segment is a dot, or it would not show at all.
  if (seg.length === 1) return `<circle class="series" data-series="${x(s.name)}" cx="${sx(seg[0]?.[0] ?? 0).toFixed(1)}" cy="${sy(seg[0]?.[1] ?? 0).toFixed(1)}" r="2.5" fill="${s.color}"/>`;
  return `<polyline class="series" data-series="${x(s.name)}" fill="none" stroke="${s.color}" stroke-width="2" points="${points}"/>`;
}

/**
 * The y axis covers the data and the SLO lines; a bound far above the data (a 500 ms p99
 * bound over 20 ms latencies) would flatten the lines people look at, so it is drawn at the
 * top edge, labelled as off the scale, instead of setting the scale.
 */
function yTop(values: readonly number[], thresholds: readonly ChartThreshold[]): number {
  const data = Math.max(0, ...values);
  const inScale = thresholds.map((t) => t.value).filter((v) => data === 0 || v <= OFF_SCALE * data);
  return niceCeil(Math.max(1e-9, data, ...inScale) * 1.1);
}

const OFF_SCALE = 3;
/** A halo in the plot's colour keeps a label readable where it crosses a line. */
const HALO = ' paint-order="stroke" stroke="#fafafa" stroke-width="3"';

function threshold(t: ChartThreshold, sy: (v: number) => number, top: number): string {
  const off = t.value > top;
  const y = off ? M.top : sy(t.value);
  const label = off ? `${t.label} (above the scale) ↑` : t.label;
  return `<g class="slo"><line x1="${M.left}" x2="${M.left + PLOT_W}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="${t.color}" stroke-dasharray="6 4" stroke-width="1.5"/><text x="${M.left + PLOT_W - 4}" y="${(off ? y + 12 : y - 4).toFixed(1)}" text-anchor="end" fill="${t.color}"${HALO}>${x(label)}</text></g>`;
}

function marker(m: ChartMarker, sx: (t: number) => number): string {
  const px = sx(m.at).toFixed(1);
  const abort = m.kind === 'abort';
  const style = abort ? 'stroke="#c62828" stroke-width="2.5"' : 'stroke="#888" stroke-dasharray="2 3" stroke-width="1"';
  // A label near the right edge runs leftwards from its line, or it would be cut off.
  const right = Number(px) > M.left + PLOT_W * 0.6;
  const label = `<text x="${Number(px) + (right ? -4 : 3)}" y="${M.top + (abort ? 24 : 11)}"${right ? ' text-anchor="end"' : ''} fill="${abort ? '#c62828' : '#666'}"${abort ? ' font-weight="bold"' : ''}${HALO}>${x(m.label)}</text>`;
  return `<g class="marker ${m.kind}"><line x1="${px}" x2="${px}" y1="${M.top}" y2="${M.top + PLOT_H}" ${style}/>${label}</g>`;
}

function yAxis(top: number, unit: string, sy: (v: number) => number): string[] {
  const step = niceCeil(top / 4);
  const ticks: string[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) {
    const y = sy(v).toFixed(1);
    ticks.push(`<line class="grid" x1="${M.left}" x2="${M.left + PLOT_W}" y1="${y}" y2="${y}"/><text class="tick" x="${M.left - 6}" y="${Number(y) + 4}" text-anchor="end">${formatNumber(v)}</text>`);
  }
  return [...ticks, `<text class="unit" x="12" y="${M.top + PLOT_H / 2}" transform="rotate(-90 12 ${M.top + PLOT_H / 2})" text-anchor="middle">${x(unit)}</text>`];
}

function xAxis(start: number, end: number, sx: (t: number) => number): string[] {
  const spanS = Math.max(1, (end - start) / 1000);
  const step = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].find((s) => spanS / s <= 8) ?? 7200;
  const ticks: string[] = [];
  for (let s = 0; s <= spanS; s += step) {
    const px = sx(start + s * 1000).toFixed(1);
    ticks.push(`<text class="tick" x="${px}" y="${M.top + PLOT_H + 16}" text-anchor="middle">${clock(s)}</text>`);
  }
  return [...ticks, `<text class="unit" x="${M.left + PLOT_W}" y="${H - 4}" text-anchor="end">time since the run started (m:ss)</text>`];
}

function legend(spec: ChartSpec): string[] {
  return spec.series.map((s, i) => {
    const lx = M.left + 260 + i * 150;
    return `<g class="legend"><line x1="${lx}" x2="${lx + 18}" y1="16" y2="16" stroke="${s.color}" stroke-width="3"/><text x="${lx + 22}" y="20">${x(s.name)}</text></g>`;
  });
}

function clock(totalSeconds: number): string {
  const m = Math.floor(totalSeconds / 60);
  const s = Math.round(totalSeconds % 60);
  return `${m}:${String(s).padStart(2, '0')}`;
}

/** 1, 2 or 5 times a power of ten, at least `v`: axis ticks people read at a glance. */
export function niceCeil(v: number): number {
  const power = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * power >= v - 1e-12) ?? 10) * power;
}

export function formatNumber(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  return Number(v.toPrecision(3)).toString();
}
