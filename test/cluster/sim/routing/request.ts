// The view of an incoming request that route matching needs. Query parsing is lazy: most
// routes never look at it, and the gateway must sustain thousands of requests per second.

export interface RequestView {
  host: string;
  path: string;
  method: string;
  header(name: string): string | undefined;
  query(name: string): string | undefined;
}

/** Build a RequestView from raw parts (header names must already be lower-case). */
export function requestView(host: string, rawUrl: string, method: string, headers: Record<string, string | string[] | undefined>): RequestView {
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  let params: URLSearchParams | undefined;
  return {
    host,
    path,
    method,
    header(name) {
      const v = headers[name.toLowerCase()];
      return Array.isArray(v) ? v.join(',') : v;
    },
    query(name) {
      if (q < 0) return undefined;
      params ??= new URLSearchParams(rawUrl.slice(q + 1));
      return params.get(name) ?? undefined;
    },
  };
}
