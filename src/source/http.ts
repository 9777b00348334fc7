import type { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { CogError } from "../errors.js";
import { HttpRangeSource } from "./fetch.js";
import { collectBody, ContentCodingError, contentCodings, isDecodeError } from "./http-body.js";
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
 * 206 `Content-Range`. A server that ignores `Range` and answers 200 has its whole body kept (up
 * to `maxWholeBodyBytes`), and every later read is served from memory without another request.
 * `readRanges` asks for several ranges in one multi-range request. Bodies are streamed and
 * abandoned as soon as they pass their cap. A body in `Content-Encoding` `gzip`, `deflate` or `br`
 * (sent although `identity` was asked) is decoded with `node:zlib`; any other coding is `COG_HTTP`.
 *
 * Each try is capped by `timeoutMs`, 429/5xx and socket failures are retried with backoff, at most
 * `maxConcurrency` requests per origin are in flight across all sources, and a changed ETag throws.
 *
 * Errors: `COG_HTTP` (status, network failure, body cut short or too long, content coding;
 * `context.status` when known),
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
    const header = (name: string): string | undefined => {
      const value = res.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    return {
      status: res.statusCode,
      statusText: res.statusText,
      header,
      body: (limit) => undiciBody(res.body, header, limit),
      discard: async () => {
        // dump() reads a small error body so the socket goes back to the pool, else destroys it.
        await res.body.dump({ limit: 64 * 1024 }).catch(() => res.body.destroy());
      },
    };
  }
}

/** Codings decoded here (RFC 9110 §8.4.1); `deflate` is the zlib format. */
const NODE_DECODES: ReadonlySet<string> = new Set(["gzip", "x-gzip", "deflate", "br"]);
/** Most codings stacked in one `Content-Encoding` that are decoded. */
const MAX_CODINGS = 3;

/**
 * Streams an undici body with its decoded length capped (see `RawRangeResponse.body`). undici's
 * `request()` hands over the bytes as sent, so content codings are decoded here, stream by
 * stream: a decompression bomb is stopped after `limit` decoded bytes, as any long body is.
 */
async function undiciBody(body: Readable, header: (name: string) => string | undefined, limit: number): Promise<Uint8Array | undefined> {
  const codings = contentCodings(header("content-encoding"));
  if (codings.length === 0) {
    const chunks = body[Symbol.asyncIterator]();
    return collectBody({ next: () => chunks.next(), abandon: () => body.destroy() }, limit, Number(header("content-length") ?? NaN));
  }
  const unknown = codings.find((c) => !NODE_DECODES.has(c)) ?? (codings.length > MAX_CODINGS ? codings.join(", ") : undefined);
  if (unknown !== undefined) throw new ContentCodingError(unknown);
  const decoded = await decoding(body, codings);
  const chunks = decoded[Symbol.asyncIterator]();
  try {
    return await collectBody({ next: () => chunks.next(), abandon: () => { decoded.destroy(); body.destroy(); } }, limit);
  } catch (e) {
    throw isDecodeError(e) ? new ContentCodingError(codings.join(", "), { cause: e }) : e;
  }
}

/** `body` piped through a decoder for each coding, last applied first; node:zlib loads on first use. */
async function decoding(body: Readable, codings: readonly string[]): Promise<Readable> {
  const [zlib, { pipeline }] = await Promise.all([import("node:zlib"), import("node:stream")]);
  let out: Readable = body;
  for (const coding of [...codings].reverse()) {
    const decoder = coding === "br" ? zlib.createBrotliDecompress() : coding === "deflate" ? zlib.createInflate() : zlib.createGunzip();
    out = pipeline(out, decoder, () => undefined); // errors reach the reader through the last stream
  }
  return out;
}
