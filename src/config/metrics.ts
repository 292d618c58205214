import type { Problem } from '../domain/errors.js';

/**
 * The `metrics.*` settings (issue 8): which sources judge a weight step, and how to ask
 * Prometheus. What a query template may say is part of the settings' contract, so it is
 * checked here, with the other input, before anything talks to a cluster; what the queries
 * mean (and their Istio defaults) lives in src/metrics/istio-queries.ts.
 */
export const METRICS_SOURCES = ['load', 'prometheus'] as const;
export type MetricsSourceName = (typeof METRICS_SOURCES)[number];

/** `{{namespace}}` the revision's namespace, `{{revision}}` its name (1-30-3), `{{interval}}` the time since the step began (`12500ms`). */
export const QUERY_PLACEHOLDERS = ['namespace', 'revision', 'interval'] as const;
export type QueryPlaceholder = (typeof QUERY_PLACEHOLDERS)[number];
export const PLACEHOLDER_PATTERN = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export const QUERY_KEYS = ['requests', 'successRate', 'p99'] as const;
export type QueryKey = (typeof QUERY_KEYS)[number];

export interface MetricsConfig {
  readonly sources: readonly MetricsSourceName[];
  readonly prometheus: {
    readonly url: string | undefined;
    readonly timeoutMs: number;
    /** The user's templates; a missing one means Istio's default. */
    readonly queries: Readonly<Partial<Record<QueryKey, string>>>;
  };
}

type Value = <T>(path: string, fallback: T) => T;

/** The metrics settings from the converted values, and every problem with them. */
export function resolveMetrics(value: Value, label: (path: string) => string): { metrics: MetricsConfig; problems: Problem[] } {
  const sources = value<string[]>('metrics.sources', ['load']);
  const url = value<string | undefined>('metrics.prometheus.url', undefined);
  const queries: Partial<Record<QueryKey, string>> = {};
  for (const key of QUERY_KEYS) {
    const template = value<string | undefined>(`metrics.prometheus.queries.${key}`, undefined);
    if (template !== undefined) queries[key] = template;
  }
  const problems: Problem[] = [...sourceProblems(sources, label)];
  if (sources.includes('prometheus') && url === undefined) {
    problems.push({ path: label('metrics.prometheus.url'), message: 'is required by the prometheus source: give the server, for example --prometheus-url http://prometheus.istio-system:9090' });
  }
  if (url !== undefined && (!/^https?:\/\/[^/\s]+/.test(url) || !URL.canParse(url))) {
    problems.push({ path: label('metrics.prometheus.url'), message: `expects an http:// or https:// URL, got "${url}": write for example http://127.0.0.1:9090` });
  }
  for (const [key, template] of Object.entries(queries)) {
    for (const message of templateProblems(template)) problems.push({ path: label(`metrics.prometheus.queries.${key}`), message });
  }
  const metrics: MetricsConfig = {
    sources: sources.filter((s): s is MetricsSourceName => (METRICS_SOURCES as readonly string[]).includes(s)),
    prometheus: { url, timeoutMs: value('metrics.prometheus.timeout', 5000), queries },
  };
  return { metrics, problems };
}

function sourceProblems(sources: readonly string[], label: (path: string) => string): Problem[] {
  const path = label('metrics.sources');
  const unknown = sources.filter((s) => !(METRICS_SOURCES as readonly string[]).includes(s));
  if (unknown.length > 0) return [{ path, message: `unknown source ${unknown.map((s) => `"${s}"`).join(', ')}: name load, prometheus, or both (load,prometheus)` }];
  if (new Set(sources).size !== sources.length) return [{ path, message: `names a source twice (${sources.join(',')}): name each once` }];
  if (sources.length === 0) return [{ path, message: 'names no source: name load, prometheus, or both' }];
  return [];
}

/** What is wrong with a query template, as sentences (empty: nothing). */
export function templateProblems(template: string): string[] {
  const problems: string[] = [];
  const names = [...template.matchAll(PLACEHOLDER_PATTERN)].map((m) => m[1] as string);
  const unknown = [...new Set(names.filter((n) => !(QUERY_PLACEHOLDERS as readonly string[]).includes(n)))];
  if (unknown.length > 0) problems.push(`unknown placeholder ${unknown.map((n) => `{{${n}}}`).join(', ')}: use ${QUERY_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`);
  if (template.replace(PLACEHOLDER_PATTERN, '').includes('{{')) problems.push('has a "{{" that does not close: write placeholders as {{namespace}}');
  if (!names.includes('namespace')) problems.push('never uses {{namespace}}: it would read the same numbers for the canary and the stable revision');
  return problems;
}
