/**
 * The part of autocannon 8's programmatic API we use (checked against its lib/run.js and
 * lib/httpClient.js; the package ships no types). Attribution reads each client's
 * `headers` event, because the instance's `response` event carries no headers.
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    /** One keep-alive connection (lib/httpClient.js). */
    interface Client extends EventEmitter {
      on(event: 'headers', listener: (info: { statusCode: number; headers: string[] }) => void): this;
      on(event: 'response', listener: (statusCode: number, bytes: number, durationMs: number) => void): this;
      on(event: 'request' | 'timeout' | 'done', listener: () => void): this;
      on(event: 'connError', listener: (error: Error) => void): this;
      /** Requests this client may still send in all; it ends itself after the response to the last. */
      responseMax: number;
      reqsMade: number;
      destroy(): void;
    }

    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds without a response before a request counts as timed out. */
      timeout?: number;
      overallRate?: number;
      requests?: Request[];
      headers?: Record<string, string>;
      /** Milliseconds between autocannon's own samples; a stop takes effect at the next one. */
      sampleInt?: number;
      setupClient?: (client: Client) => void;
      skipAggregateResult?: boolean;
    }

    interface Result {
      /** Aggregated (the default): completed requests in `total`. */
      requests: { total: number; average: number };
      errors: number;
      timeouts: number;
      non2xx: number;
    }

    interface Instance extends EventEmitter, PromiseLike<Result> {
      stop(): void;
      catch(onRejected: (error: unknown) => void): Promise<unknown>;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export default autocannon;
}
