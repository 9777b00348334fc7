import type { Dispatcher } from "undici";
import { CogError, throwIfAborted } from "../errors.js";
import {
  assertRangeArgs, rangeRequestHeaders, readRangeResponse, sliceWhole,
  type RangeRequest, type RawRangeResponse,
} from "./http-response.js";
import type { ReadOptions, Source } from "./types.js";

/**
 * Options of {@link HttpSource}.
 *
 * @example
 * ```ts
 * const options: HttpSourceOptions = { headers: { authorization: `Bearer ${token}` } };
 * ```
 */
export interface HttpSourceOptions {
  /** Extra request headers (a `Range` header here is replaced by the one for each read). */
  headers?: Record<string, string>;
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
 * every later read is served from memory without another request.
 *
 * Errors: `COG_HTTP` (status, network failure, body cut short; `context.status` when known),
 * `COG_ABORT` (the signal fired; the socket request is cancelled).
 *
 * @example
 * ```ts
 * const source = new HttpSource("https://example.com/dem.tif");
 * const header = await source.read(0, 16384);
 * console.log(source.size); // known after the first read
 * ```
 */
export class HttpSource implements Source {
  /** The URL read from. */
  readonly url: string;
  readonly #headers: Record<string, string>;
  readonly #userDispatcher: Dispatcher | undefined;
  #dispatcher: Dispatcher | undefined;
  #size: number | undefined;
  #whole: Uint8Array | undefined;

  /**
   * @example
   * ```ts
   * const source = new HttpSource("https://example.com/a.tif", { headers: { "x-api-key": key } });
   * ```
   */
  constructor(url: string, options: HttpSourceOptions = {}) {
    this.url = url;
    this.#headers = { ...options.headers };
    this.#userDispatcher = options.dispatcher;
  }

  /**
   * Size of the file in bytes, once a response has told it.
   *
   * @example
   * ```ts
   * await source.read(0, 8);
   * source.size; // e.g. 1048576
   * ```
   */
  get size(): number | undefined {
    return this.#size;
  }

  /**
   * Reads `length` bytes at `offset`; fewer only when the range passes the end of the file.
   *
   * @example
   * ```ts
   * const ctl = new AbortController();
   * const bytes = await source.read(1024, 512, { signal: ctl.signal });
   * ```
   */
  async read(offset: number, length: number, options: ReadOptions = {}): Promise<Uint8Array> {
    const { signal } = options;
    assertRangeArgs(this.url, offset, length);
    throwIfAborted(signal, { url: this.url, offset, length });
    if (this.#whole) return sliceWhole(this.#whole, offset, length);
    const want = this.#size === undefined ? length : Math.max(0, Math.min(length, this.#size - offset));
    if (want === 0) return new Uint8Array(0);
    const req: RangeRequest = { url: this.url, offset, length: want };
    const result = await readRangeResponse(req, signal, () => this.#send(req, signal));
    if (result.whole) this.#whole = result.whole;
    if (result.size !== undefined) this.#size = result.size;
    return result.bytes;
  }

  /**
   * Does nothing: the shared agent stays open for other sources (its idle sockets do not keep
   * the process alive). Close a dispatcher you passed yourself.
   *
   * @example
   * ```ts
   * await source.close();
   * ```
   */
  async close(): Promise<void> {}

  async #send(req: RangeRequest, signal: AbortSignal | undefined): Promise<RawRangeResponse> {
    const undici = await loadUndici(this.url);
    throwIfAborted(signal, { url: req.url, offset: req.offset, length: req.length });
    const redirect = undici.interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS });
    const dispatcher = (this.#dispatcher ??= this.#userDispatcher
      ? this.#userDispatcher.compose(redirect)
      : (sharedDispatcher ??= new undici.Agent().compose(redirect)));
    const res = await undici.request(this.url, {
      method: "GET",
      headers: rangeRequestHeaders(this.#headers, req.offset, req.length),
      signal,
      dispatcher,
    });
    const contentRange = res.headers["content-range"];
    return {
      status: res.statusCode,
      statusText: res.statusText,
      contentRange: Array.isArray(contentRange) ? contentRange[0] : contentRange,
      body: async () => new Uint8Array(await res.body.arrayBuffer()),
      discard: async () => {
        // dump() reads a small error body so the socket goes back to the pool, else destroys it.
        await res.body.dump({ limit: 64 * 1024 }).catch(() => res.body.destroy());
      },
    };
  }
}
