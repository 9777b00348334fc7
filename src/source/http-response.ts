import { CogError, throwIfAborted } from "../errors.js";

/**
 * One range read as sent over HTTP.
 *
 * @example
 * ```ts
 * const req: RangeRequest = { url: "https://example.com/a.tif", offset: 0, length: 16384 };
 * ```
 */
export interface RangeRequest {
  /** URL of the resource. */ url: string;
  /** First byte asked for. */ offset: number;
  /** Number of bytes asked for (at least 1); for several ranges, the span from first to last byte. */ length: number;
  /** `Range` header value when it is not the single range `offset`/`length` (multi-range reads). */ range?: string;
}

/**
 * What a transport hands to the shared request engine: status, headers, and the body.
 *
 * @example
 * ```ts
 * const raw: RawRangeResponse = { status: res.status, header: (n) => res.headers.get(n) ?? undefined,
 *   body: async (limit) => { const b = new Uint8Array(await res.arrayBuffer()); return b.length > limit ? undefined : b; },
 *   discard: () => res.body!.cancel() };
 * ```
 */
export interface RawRangeResponse {
  /** HTTP status code. */ status: number;
  /** Reason phrase, if the transport has one. */ statusText?: string;
  /** A response header by lower-case name (some may be hidden by CORS in browsers). */ header(name: string): string | undefined;
  /**
   * Reads the body with its `Content-Encoding` decoded, streaming it, or resolves `undefined` as
   * soon as it is longer than `limit` bytes: the rest is not read and the connection is released
   * (a `Content-Length` over the limit is refused before reading). Throws when a content coding
   * cannot be decoded; never returns encoded bytes.
   */
  body(limit: number): Promise<Uint8Array | undefined>;
  /** Consumes or destroys the body without keeping it, so the connection is released. */ discard(): Promise<void>;
}

/**
 * The checked result of one range response; `whole` is set when the server answered 200.
 *
 * @example
 * ```ts
 * const { bytes, size, whole } = checkRangeBody(req, 206, "bytes 0-9/100", body);
 * ```
 */
export interface RangeBody {
  /** The requested bytes; fewer than asked only at the end of the file. */ bytes: Uint8Array;
  /** Size of the file, when the response told it. */ size?: number;
  /** The whole file, when the server answered 200 instead of 206. */ whole?: Uint8Array;
}

/**
 * A parsed `Content-Range`; the unsatisfied form `bytes *\/total` sets only `total`.
 *
 * @example
 * ```ts
 * const cr: ContentRange = { start: 0, end: 16383, total: 1048576 };
 * ```
 */
export interface ContentRange {
  /** First byte of the body, inclusive. */ start?: number;
  /** Last byte of the body, inclusive. */ end?: number;
  /** Size of the whole file, when the server knows it. */ total?: number;
}

/**
 * Parses `Content-Range: bytes a-b/total` (total may be `*`) or `bytes *\/total`.
 * Returns `undefined` when the header is missing or malformed.
 *
 * @example
 * ```ts
 * parseContentRange("bytes 0-99/1000"); // { start: 0, end: 99, total: 1000 }
 * parseContentRange("bytes *\/1000");   // { total: 1000 }
 * ```
 */
export function parseContentRange(value: string | null | undefined): ContentRange | undefined {
  if (!value) return undefined;
  const m = /^\s*bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)\s*$/i.exec(value);
  if (!m) return undefined;
  const total = m[3] === "*" ? undefined : Number(m[3]);
  if (m[1] === undefined) return total === undefined ? undefined : { total };
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start || (total !== undefined && end >= total)) return undefined;
  return { start, end, total };
}

/**
 * The `Range` header value for `length` bytes at `offset`: `bytes=offset-(offset+length-1)`.
 *
 * @example
 * ```ts
 * rangeHeader(0, 16384); // "bytes=0-16383"
 * ```
 */
export function rangeHeader(offset: number, length: number): string {
  return `bytes=${offset}-${offset + length - 1}`;
}

/**
 * Request headers for one range read: the caller's headers minus any `Range` or `Accept-Encoding`,
 * plus `Range` for the read and `Accept-Encoding: identity` (ranges address the stored bytes;
 * browsers silently ignore the latter, which is fine).
 *
 * @example
 * ```ts
 * rangeRequestHeaders({ authorization: "Bearer t" }, 0, 10);
 * // { authorization: "Bearer t", "accept-encoding": "identity", range: "bytes=0-9" }
 * ```
 */
export function rangeRequestHeaders(headers: Record<string, string> | undefined, offset: number, length: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const lower = k.toLowerCase();
    if (lower !== "range" && lower !== "accept-encoding") out[k] = v;
  }
  out["accept-encoding"] = "identity";
  out.range = rangeHeader(offset, length);
  return out;
}

/**
 * Checks `offset` and `length` of a read; throws `COG_USAGE` unless both are non-negative integers.
 *
 * @example
 * ```ts
 * assertRangeArgs("https://example.com/a.tif", 0, 16384); // ok
 * ```
 */
export function assertRangeArgs(url: string, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new CogError("COG_USAGE", "offset and length must be non-negative integers", { url, offset, length });
  }
}

/**
 * Copies `length` bytes at `offset` out of a whole-file buffer (fewer at the end of the file).
 *
 * @example
 * ```ts
 * sliceWhole(new Uint8Array([1, 2, 3]), 1, 5); // Uint8Array [2, 3]
 * ```
 */
export function sliceWhole(whole: Uint8Array, offset: number, length: number): Uint8Array {
  return whole.slice(Math.min(offset, whole.length), Math.min(offset + length, whole.length));
}

/** " after 3 tries" when a request was retried, else nothing. */
function triesNote(tries: number | undefined): string {
  return tries !== undefined && tries > 1 ? ` after ${tries} tries` : "";
}

/**
 * Maps a status other than 200/206 to a `COG_HTTP` error with `context.status`; `tries` (when
 * more than 1) is said in the message, and the reason phrase when the transport has one (HTTP/2
 * has none: the status code says it all).
 *
 * @example
 * ```ts
 * throw httpStatusError({ url, offset: 0, length: 16384 }, 503, "Service Unavailable", undefined, 3);
 * // GET <url> -> 503 Service Unavailable (range bytes=0-16383) after 3 tries
 * ```
 */
export function httpStatusError(req: RangeRequest, status: number, statusText?: string, contentRange?: string | null, tries?: number): CogError {
  const { url, offset, length } = req;
  const range = req.range ?? rangeHeader(offset, length);
  const head = `GET ${url} -> ${status}${statusText ? ` ${statusText}` : ""}`;
  let message = `${head} (range ${range})`;
  if (status === 416) {
    const total = parseContentRange(contentRange)?.total;
    const size = total === undefined ? "" : ` (size ${total})`;
    message = `${head}: range ${range} starts past the end of the file${size}`;
  }
  return new CogError("COG_HTTP", message + triesNote(tries), { url, status, offset, length });
}

/**
 * Maps a thrown error to a `CogError`: `COG_ABORT` when `signal` is aborted; otherwise `COG_HTTP`
 * with the cause attached (and `status` when the headers had already arrived, e.g. a body cut short)
 * and, when more than 1, the number of tries made.
 *
 * @example
 * ```ts
 * try { res = await fetch(url, { signal }); } catch (e) { throw httpFailure(req, e, signal); }
 * ```
 */
export function httpFailure(req: RangeRequest, cause: unknown, signal?: AbortSignal, status?: number, tries?: number): CogError {
  const { url, offset, length } = req;
  if (signal?.aborted) {
    return new CogError("COG_ABORT", `GET ${url} aborted`, { url, offset, length }, { cause: signal.reason ?? cause });
  }
  if (cause instanceof CogError) return cause;
  const what = status === undefined ? "failed" : `-> ${status} body cut short`;
  const message = `GET ${url} ${what}: ${describeCause(cause)} (range ${req.range ?? rangeHeader(offset, length)})${triesNote(tries)}`;
  return new CogError("COG_HTTP", message, { url, status, offset, length }, { cause });
}

function describeCause(cause: unknown): string {
  const parts: string[] = [];
  // fetch wraps the socket error: TypeError("fetch failed", { cause: Error("connect ECONNREFUSED") }).
  for (let e = cause, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    if (typeof e !== "object") { parts.push(String(e)); break; }
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof message === "string" && message) parts.push(message);
    if (typeof code === "string" && !(typeof message === "string" && message.includes(code))) parts.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.length > 0 ? parts.join(": ") : "network error";
}

/**
 * Checks a 200 or 206 body against what was asked. A 206 whose `Content-Range` starts elsewhere,
 * is malformed, a body shorter than `min(length, size - offset)`, or longer than its
 * `Content-Range` (else than `length`) throws `COG_HTTP`: a body is never silently cut. A
 * `Content-Range` covering more than asked is allowed (its first `length` bytes are returned). A
 * missing `Content-Range` (hidden by CORS) is accepted. A 200 is the whole file.
 *
 * @example
 * ```ts
 * const { bytes, size } = checkRangeBody({ url, offset: 0, length: 10 }, 206, "bytes 0-9/100", body);
 * ```
 */
export function checkRangeBody(req: RangeRequest, status: number, contentRange: string | null | undefined, body: Uint8Array): RangeBody {
  const { url, offset, length } = req;
  const ctx = { url, status, offset, length };
  const range = rangeHeader(offset, length);
  if (status === 200) return { bytes: sliceWhole(body, offset, length), size: body.length, whole: body };
  const cr = parseContentRange(contentRange);
  if (contentRange && cr?.start === undefined) {
    throw new CogError("COG_HTTP", `GET ${url} -> ${status} with malformed Content-Range "${contentRange}" (range ${range})`, ctx);
  }
  if (cr && cr.start !== offset) {
    throw new CogError("COG_HTTP", `GET ${url} -> ${status} Content-Range "${contentRange}" does not start at ${offset} (range ${range})`, ctx);
  }
  const size = cr?.total;
  let expected = body.length;
  if (size !== undefined) expected = Math.min(length, size - offset);
  else if (cr?.end !== undefined) expected = Math.min(length, cr.end - offset + 1);
  if (body.length < expected) {
    throw new CogError("COG_HTTP", `GET ${url} -> ${status} body cut short: got ${body.length} of ${expected} bytes (range ${range})`, ctx);
  }
  const most = cr?.end === undefined ? length : cr.end - offset + 1;
  if (body.length > most) {
    const what = cr?.end === undefined ? "asked" : `Content-Range "${contentRange}" says`;
    throw new CogError("COG_HTTP", `GET ${url} -> ${status}: body longer than ${what}: got ${body.length} of ${most} bytes (range ${range})`, ctx);
  }
  return { bytes: body.length > length ? body.subarray(0, length) : body, size };
}
