import type { Dispatcher } from "undici";
import { CogError } from "../errors.js";
import { HttpRangeSource } from "./fetch.js";
import type { RawRangeResponse } from "./http-response.js";
import type { HttpTransportOptions } from "./http-retry.js";

/**
 * Options of {@link HttpSource}: the shared HTTP options plus an undici dispatcher.
 *
 * @example
 * ```ts
 * const options: HttpSourceOptions = { headers: { authorization: `Bearer ${token}` }, timeoutMs: 10_000 };
 * ```
 */
export interface HttpSourceOptions extends HttpTransportOptions {
  /**
   * undici dispatcher to send through (proxy, mock, custom pool). Defaults to one keep-alive
   * `Agent` shared by every `HttpSource`. Redirects are followed on top of it (up to 5).
   */
  dispatcher?: Dispatcher;
}

type Undici = typeof import("undici");

const MAX_REDIRECTIONS = 5;
let undiciModule: Promise<Undici> | undefined;
let sharedDispatcher: Dispatcher | undefined;

/** Loads undici on first use only, so bundles for browsers never pull it in. */
async function loadUndici(url: string): Promise<Undici> {
  undiciModule ??= import("undici");
  try {
    return await undiciModule;
  } catch (cause) {
    undiciModule = undefined;
    throw new CogError("COG_USAGE", "HttpSource needs undici (Node.js); use FetchSource in this runtime", { url }, { cause });
  }
}

/**
 * Reads byte ranges of an `http(s)` URL in Node.js with undici `request()` over one shared
 * keep-alive agent. Sends exact `Range` headers and never `HEAD`; `size` is learned from the first
 * 206 `Content-Range`. A server that ignores `Range` and answers 200 has its whole body kept, and
 * every later read is served from memory without another request. `readRanges` asks for several
 * ranges in one multi-range request.
 *
 * Each try is capped by `timeoutMs`, 429/5xx and socket failures are retried with backoff, at most
 * `maxConcurrency` requests per origin are in flight across all sources, and a changed ETag throws.
 *
 * Errors: `COG_HTTP` (status, network failure, body cut short; `context.status` when known),
 * `COG_ABORT` (the signal fired; the socket request is cancelled), `COG_TIMEOUT`,
 * `COG_SOURCE_CHANGED`.
 *
 * @example
 * ```ts
 * const source = new HttpSource("https://example.com/dem.tif", { onChange: () => cache.clear() });
 * const header = await source.read(0, 16384);
 * console.log(source.size, source.etag); // known after the first read
 * ```
 */
export class HttpSource extends HttpRangeSource {
  readonly #userDispatcher: Dispatcher | undefined;
  #dispatcher: Dispatcher | undefined;

  /**
   * @example
   * ```ts
   * const source = new HttpSource("https://example.com/a.tif", { headers: { "x-api-key": key } });
   * ```
   */
  constructor(url: string, options: HttpSourceOptions = {}) {
    super(url, options);
    this.#userDispatcher = options.dispatcher;
  }

  protected override async transport(headers: Record<string, string>, signal: AbortSignal): Promise<RawRangeResponse> {
    const undici = await loadUndici(this.url);
    const redirect = undici.interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS });
    const dispatcher = (this.#dispatcher ??= this.#userDispatcher
      ? this.#userDispatcher.compose(redirect)
      : (sharedDispatcher ??= new undici.Agent().compose(redirect)));
    const res = await undici.request(this.url, { method: "GET", headers, signal, dispatcher });
    return {
      status: res.statusCode,
      statusText: res.statusText,
      header: (name) => {
        const value = res.headers[name];
        return Array.isArray(value) ? value[0] : value;
      },
      body: async () => new Uint8Array(await res.body.arrayBuffer()),
      discard: async () => {
        // dump() reads a small error body so the socket goes back to the pool, else destroys it.
        await res.body.dump({ limit: 64 * 1024 }).catch(() => res.body.destroy());
      },
    };
  }
}
