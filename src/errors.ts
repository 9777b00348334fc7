import { redactUrl, redactUrlsIn } from "./redact.js";

/**
 * Stable error codes. Match on `error.code`, never on the message text.
 *
 * @example
 * ```ts
 * import { isCogError } from "cogread";
 * try { await COGReader.open("missing.tif"); }
 * catch (e) { if (isCogError(e, "COG_SOURCE")) console.error("cannot read:", e.context.url); }
 * ```
 */
export type CogErrorCode =
  /** The bytes do not start with a TIFF or BigTIFF header. */
  | "COG_NOT_TIFF"
  /** The file is a TIFF but its structure is broken (bad offset, bad count, IFD loop…). */
  | "COG_FORMAT"
  /** A valid TIFF feature this library does not handle (codec, sample format…). */
  | "COG_UNSUPPORTED"
  /** The byte source failed (file missing, read error, range past the end). */
  | "COG_SOURCE"
  /** An HTTP request failed; `context.status` holds the status code. */
  | "COG_HTTP"
  /** A configured limit (IFD count, tag bytes, tile count…) was exceeded. */
  | "COG_LIMIT"
  /** The operation was cancelled through an `AbortSignal`. */
  | "COG_ABORT"
  /** The caller passed an invalid argument. */
  | "COG_USAGE"
  /** A tile or window lies outside the image. */
  | "COG_TILE_OUTSIDE"
  /** The remote file changed between reads (its ETag or Last-Modified differs from the first response). */
  | "COG_SOURCE_CHANGED"
  /** A request attempt took longer than its `timeoutMs`; the request was cancelled. */
  | "COG_TIMEOUT";

/**
 * Where an error happened. Every field is optional; the ones that are known are set.
 *
 * @example
 * ```ts
 * const ctx: CogErrorContext = { url: "s3://bucket/a.tif", ifd: 2, tag: 324, offset: 1024 };
 * ```
 */
export interface CogErrorContext {
  /** URL or path of the source (a URL's query string and user:password shown as `…`). */
  url?: string;
  /** Byte offset in the file. */
  offset?: number;
  /** Byte length of the range involved. */
  length?: number;
  /** Index of the IFD in the file's chain (0 = first). */
  ifd?: number;
  /** TIFF tag id. */
  tag?: number;
  /** HTTP status code. */
  status?: number;
  /** Tile column. */
  x?: number;
  /** Tile row. */
  y?: number;
  /** Image level (0 = full resolution). */
  z?: number;
  /** Name of the limit that was exceeded. */
  limit?: string;
}

/**
 * The one error type cogread throws. `code` is stable across versions; `context` says where.
 *
 * @example
 * ```ts
 * throw new CogError("COG_FORMAT", "IFD entry count is 0", { ifd: 0, offset: 8 });
 * ```
 */
export class CogError extends Error {
  /** Stable machine-readable code. */
  readonly code: CogErrorCode;
  /** Where the error happened. */
  readonly context: CogErrorContext;

  constructor(code: CogErrorCode, message: string, context: CogErrorContext = {}, options?: { cause?: unknown }) {
    // A presigned URL's query string is a credential: neither the message nor the context shows it.
    super(redactUrlsIn(`${message}${formatContext(context, message)}`), options);
    this.name = "CogError";
    this.code = code;
    this.context = context.url === undefined ? context : { ...context, url: redactUrl(context.url) };
  }
}

/** Appends the context values the message does not already show. */
function formatContext(context: CogErrorContext, message: string): string {
  const parts = Object.entries(context)
    .filter(([k, v]) => v !== undefined && !(k === "url" && message.includes(String(v))))
    .map(([k, v]) => `${k}=${v}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/**
 * Type guard for {@link CogError}, optionally for one code.
 *
 * @example
 * ```ts
 * if (isCogError(err, "COG_HTTP") && err.context.status === 404) console.log("not found");
 * ```
 */
export function isCogError(error: unknown, code?: CogErrorCode): error is CogError {
  return error instanceof CogError && (code === undefined || error.code === code);
}

/**
 * Awaits a part of cogread loaded on first use (`import()` of a chunk, a codec): a failed load (a
 * deployment without that chunk, a network error, WASM that does not compile) is
 * `COG_UNSUPPORTED` "cannot load <what>", unless it already is a {@link CogError}.
 *
 * @internal
 * @example
 * ```ts
 * const { readBounds } = await loadPart(import("./raster/read-bounds.js"));
 * ```
 */
export function loadPart<T>(load: Promise<T>, what = "part of cogread", context?: CogErrorContext): Promise<T> {
  return load.catch((e) => {
    throw isCogError(e) ? e : new CogError("COG_UNSUPPORTED", `cannot load ${what}: ${e}`, context, { cause: e });
  });
}

/**
 * Throws `COG_ABORT` if the signal is aborted. Call before and after each await.
 *
 * @internal
 */
export function throwIfAborted(signal: AbortSignal | undefined, context: CogErrorContext = {}): void {
  if (signal?.aborted) throw new CogError("COG_ABORT", "operation aborted", context, { cause: signal.reason });
}
