/**
 * A verdict's figure by its plain name. Verdicts judged by several metrics sources name each
 * figure after its source (`load.canaryRequests`, `prometheus.p99BoundMs`); records written
 * before there were sources have the plain name. Reports take the plain name first, then the
 * first source that has it (in the figures' own order: the load source comes first).
 */
export function figureOf(figures: Readonly<Record<string, number>> | undefined, name: string): number | undefined {
  if (!figures) return undefined;
  const plain = figures[name];
  if (plain !== undefined) return plain;
  const suffix = `.${name}`;
  const sourced = Object.entries(figures).find(([key]) => key.endsWith(suffix) && !key.slice(0, -suffix.length).includes('.'));
  return sourced?.[1];
}
