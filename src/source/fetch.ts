import { CogError, throwIfAborted } from "../errors.js";
import {
  assertRangeArgs, rangeRequestHeaders, readRangeResponse, sliceWhole,
  type RangeRequest, type RawRangeResponse,
} from "./http-response.js";
import type { ReadOptions, Source } from "./types.js";

/**
 * Options of {@link FetchSource}.
 *
 * @example
 * ```ts
 * const options: FetchSourceOptions = { headers: { authorization: `Bearer ${token}` } };
 * ```
 */
export interface FetchSourceOptions {
  /** Extra request headers (a `Range` header here is replaced by the one for each read). */
  headers?: Record<string, string>;
  /** `fetch` implementation to use instead of `globalThis.fetch` (looked up at each read). */
  fetch?: typeof fetch;
}

/**
 * Reads byte ranges of a URL with the standard `fetch` (browsers, edge runtimes, Deno, Bun, Node).
 * Same behaviour as {@link HttpSource}: exact `Range` headers, never `HEAD`, `size` learned from the
 * first 206 `Content-Range`, a 200 whole body kept and served from memory afterwards.
 *
 * In browsers a cross-origin server must list `Content-Range` in `Access-Control-Expose-Headers`
 * for `size` to be learned; without it the ranges still work but are not cross-checked.
 *
 * @example
 * ```ts
 * const source = new FetchSource("https://example.com/dem.tif");
 * const header = await source.read(0, 16384);
 * ```
 */
export class FetchSource implements Source {
  /** The URL read from. */
  readonly url: string;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch | undefined;
  #size: number | undefined;
  #whole: Uint8Array | undefined;

  /**
   * @example
   * ```ts
   * const source = new FetchSource("https://example.com/a.tif", { headers: { "x-api-key": key } });
   * ```
   */
  constructor(url: string, options: FetchSourceOptions = {}) {
    this.url = url;
    this.#headers = { ...options.headers };
    this.#fetch = options.fetch;
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
   * Does nothing: `fetch` owns its connections.
   *
   * @example
   * ```ts
   * await source.close();
   * ```
   */
  async close(): Promise<void> {}

  async #send(req: RangeRequest, signal: AbortSignal | undefined): Promise<RawRangeResponse> {
    const fetchImpl = this.#fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== "function") {
      throw new CogError("COG_USAGE", "no global fetch in this runtime; pass options.fetch", { url: this.url });
    }
    const res = await fetchImpl(this.url, {
      method: "GET",
      headers: rangeRequestHeaders(this.#headers, req.offset, req.length),
      redirect: "follow",
      signal,
    });
    return {
      status: res.status,
      statusText: res.statusText,
      contentRange: res.headers.get("content-range"),
      body: async () => new Uint8Array(await res.arrayBuffer()),
      discard: async () => {
        if (res.body && !res.bodyUsed) await res.body.cancel();
      },
    };
  }
}
