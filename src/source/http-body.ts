import { CogError } from "../errors.js";
import { rangeHeader, type RangeRequest } from "./http-response.js";

/**
 * A body read chunk by chunk: `next` as an async iterator's (or a stream reader's `read`), and
 * `abandon` to stop it and free the connection (undici `destroy()`, a reader's `cancel()`).
 *
 * @example
 * ```ts
 * const reader = res.body!.getReader();
 * const chunks: BodyChunks = { next: () => reader.read(), abandon: () => reader.cancel() };
 * ```
 */
export interface BodyChunks {
  next(): Promise<{ done?: boolean; value?: Uint8Array }>;
  abandon(): unknown;
}

/**
 * Reads a body into one new `Uint8Array`, or resolves `undefined` as soon as it is longer than
 * `limit` bytes (the rest is never read and the body is abandoned). `declared` (a `Content-Length`
 * of undecoded bytes) refuses an oversized body before reading it, and else sizes the buffer.
 * Abandons the body too when reading it throws.
 *
 * @example
 * ```ts
 * const bytes = await collectBody(chunks, 16384, Number(res.headers.get("content-length")));
 * if (bytes === undefined) throw tooLong();
 * ```
 */
export async function collectBody(body: BodyChunks, limit: number, declared?: number): Promise<Uint8Array | undefined> {
  const known = declared !== undefined && Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined;
  let finished = false;
  try {
    if (known !== undefined && known > limit) return undefined;
    // One copy: into a buffer sized by Content-Length, else from the chunks once the end is reached.
    let buffer = known === undefined ? undefined : new Uint8Array(known);
    const chunks: Uint8Array[] = [];
    let length = 0;
    for (let r = await body.next(); !r.done; r = await body.next()) {
      const chunk = r.value ?? new Uint8Array(0);
      if (length + chunk.length > limit) return undefined;
      if (buffer && length + chunk.length <= buffer.length) buffer.set(chunk, length);
      else {
        if (buffer) chunks.push(buffer.subarray(0, length));
        buffer = undefined;
        chunks.push(chunk);
      }
      length += chunk.length;
    }
    finished = true;
    if (buffer) return length === buffer.length ? buffer : buffer.slice(0, length);
    const out = new Uint8Array(length);
    for (let i = 0, at = 0; i < chunks.length; at += chunks[i]!.length, i++) out.set(chunks[i]!, at);
    return out;
  } finally {
    if (!finished) await Promise.resolve().then(() => body.abandon()).catch(() => undefined);
  }
}

/**
 * The content codings of a `Content-Encoding` value in the order applied, lower-case, without
 * `identity`: `"gzip, br"` gives `["gzip", "br"]` (decode `br` first).
 *
 * @example
 * ```ts
 * contentCodings("GZIP"); // ["gzip"]
 * contentCodings("identity"); // []
 * ```
 */
export function contentCodings(value: string | null | undefined): string[] {
  if (!value) return [];
  return value.split(",").map((c) => c.trim().toLowerCase()).filter((c) => c !== "" && c !== "identity");
}

/**
 * Thrown by a transport's `body()` when a body's `Content-Encoding` cannot be decoded (a coding it
 * does not know, or bytes that are not in that coding); the engine turns it into `COG_HTTP` with
 * the request's context ({@link contentCodingFailure}).
 *
 * @example
 * ```ts
 * throw new ContentCodingError("compress");
 * ```
 */
export class ContentCodingError extends Error {
  /**
   * @example
   * ```ts
   * new ContentCodingError("gzip", { cause: zlibError }); // bytes that are not gzip
   * ```
   */
  constructor(readonly coding: string, options?: { cause?: unknown }) {
    super(options?.cause === undefined ? `Content-Encoding ${coding} is not supported` : `Content-Encoding ${coding} could not be decoded`, options);
    this.name = "ContentCodingError";
  }
}

/**
 * Maps a {@link ContentCodingError} to `COG_HTTP` with `{ url, status, offset, length }`.
 *
 * @example
 * ```ts
 * throw contentCodingFailure(req, 206, new ContentCodingError("compress"));
 * // GET <url> -> 206: Content-Encoding compress is not supported for range reads (range bytes=0-9)
 * ```
 */
export function contentCodingFailure(req: RangeRequest, status: number | undefined, error: ContentCodingError): CogError {
  const { url, offset, length } = req;
  const range = req.range ?? rangeHeader(offset, length);
  const cause = error.cause as { message?: unknown } | undefined;
  const what = cause === undefined
    ? `Content-Encoding ${error.coding} is not supported for range reads (asked for identity)`
    : `body in Content-Encoding ${error.coding} could not be decoded: ${String(cause.message ?? cause)}`;
  return new CogError("COG_HTTP", `GET ${url} -> ${status}: ${what} (range ${range})`, { url, status, offset, length }, { cause: error });
}

/** What `fetch` decodes itself (Fetch spec, "handle content codings"); it hands any other coding over undecoded. */
const FETCH_DECODES: ReadonlySet<string> = new Set(["gzip", "x-gzip", "deflate", "br"]);

/**
 * Streams a fetch body with its decoded length capped (see `RawRangeResponse.body`). A coding
 * fetch does not decode (`compress`, and `zstd` in runtimes that lack it) is refused, so encoded
 * bytes never reach a codec; a body fetch fails to decode becomes a {@link ContentCodingError}.
 *
 * @example
 * ```ts
 * const bytes = await readFetchBody(await fetch(url, { headers: { range: "bytes=0-9" } }), 10);
 * ```
 */
export async function readFetchBody(res: Response, limit: number): Promise<Uint8Array | undefined> {
  const codings = contentCodings(res.headers.get("content-encoding"));
  const unknown = codings.find((c) => !FETCH_DECODES.has(c));
  if (unknown !== undefined) throw new ContentCodingError(unknown);
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  // Content-Length counts the encoded bytes: it sizes nothing once a coding is decoded.
  const declared = codings.length === 0 ? Number(res.headers.get("content-length") ?? NaN) : undefined;
  try {
    return await collectBody({ next: () => reader.read(), abandon: () => reader.cancel() }, limit, declared);
  } catch (e) {
    throw codings.length > 0 && isDecodeError(e) ? new ContentCodingError(codings.join(", "), { cause: e }) : e;
  }
}

/**
 * Whether a body read failed in a decompressor: Node's fetch says `TypeError: terminated` with the
 * zlib (`Z_DATA_ERROR`) or brotli (`ERR__ERROR_…`) error as its cause. Browsers tell no more than
 * "network error", which stays a network error.
 *
 * @example
 * ```ts
 * isDecodeError(new TypeError("terminated", { cause: Object.assign(new Error("incorrect header check"), { code: "Z_DATA_ERROR" }) })); // true
 * ```
 */
export function isDecodeError(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === "object" && e !== null && depth < 5; depth++) {
    const { code } = e as { code?: unknown };
    if (typeof code === "string" && /^(Z_|ERR__ERROR_)/.test(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
