/**
 * How a configured chart source becomes helm arguments. A local folder needs no version
 * (the folder is the version); a URL uses `--repo`, so no `helm repo add` is needed.
 */
export type ChartSource =
  | { readonly kind: 'folder'; readonly path: string }
  | { readonly kind: 'oci'; readonly base: string }
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'alias'; readonly alias: string };

export function chartSource(repo: string): ChartSource {
  const trimmed = repo.replace(/\/+$/, '');
  if (trimmed.startsWith('oci://')) return { kind: 'oci', base: trimmed };
  if (/^https?:\/\//.test(trimmed)) return { kind: 'url', url: trimmed };
  if (trimmed.startsWith('/') || trimmed.startsWith('./') || trimmed.startsWith('../') || trimmed === '.') {
    return { kind: 'folder', path: trimmed };
  }
  return { kind: 'alias', alias: trimmed };
}

/** `[chart, ...flags]` for `helm upgrade --install NAME <chart> <flags>`. */
export function chartArgs(source: ChartSource, chart: string, version: string): string[] {
  switch (source.kind) {
    case 'folder':
      return [`${source.path}/${chart}`];
    case 'oci':
      return [`${source.base}/${chart}`, '--version', version];
    case 'url':
      return [chart, '--repo', source.url, '--version', version];
    case 'alias':
      return [`${source.alias}/${chart}`, '--version', version];
  }
}
