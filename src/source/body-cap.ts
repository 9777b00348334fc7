import { CogError } from "../errors.js";
import { parseContentRange, rangeHeader, type RangeRequest } from "./http-response.js";
import { multipartBoundary, type ByteRange } from "./multipart.js";

/**
 * Default of `maxWholeBodyBytes`: the most bytes of a `200` whole body (a server that ignores
 * `Range`) kept in memory when fewer were asked [64 MiB].
 *
 * @example
 * ```ts
 * new HttpSource(url, { maxWholeBodyBytes: 4 * DEFAULT_MAX_WHOLE_BODY_BYTES });
 * ```
 */
export const DEFAULT_MAX_WHOLE_BODY_BYTES = 64 * 1024 * 1024;

/** A 200 answer to a multi-range request is kept when at most twice the bytes asked plus this. */
const WHOLE_SLACK = 1 << 20;
/**
 * Allowance per part of a `multipart/byteranges` body: its boundary line and headers, and a gap
 * the server merged into it (RFC 9110 §14.2 lets it coalesce ranges closer than a part's overhead).
 */
const PART_OVERHEAD = 1024;
/** Preamble and epilogue of a multipart body, and the close delimiter. */
const MULTIPART_SLACK = 64 * 1024;

/**
 * What {@link bodyCap} needs: the request, the response's status and headers, the whole-body
 * option, and for a multi-range request the (coalesced) ranges asked and whether an answer past
 * its cap is dropped so the ranges are read one by one (`multiRange: "auto"`).
 *
 * @example
 * ```ts
 * const input: BodyCapInput = { req, status: 206, contentRange: "bytes 0-9/100", maxWholeBodyBytes: 64 << 20 };
 * ```
 */
export interface BodyCapInput {
  req: RangeRequest;
  /** 200 or 206. */ status: number;
  contentRange?: string;
  contentType?: string;
  maxWholeBodyBytes: number;
  multi?: { ranges: readonly ByteRange[]; fallback: boolean };
}

/**
 * The most body bytes (after content decoding) a response may have, and what the cap is.
 *
 * @example
 * ```ts
 * const cap: BodyCap = { limit: 10, basis: "content-range", fallback: false };
 * ```
 */
export interface BodyCap {
  /** Most bytes accepted; one more is an error (or a fallback). */ limit: number;
  /**
   * Where the cap comes from: `whole` a 200 whole body, `content-range` the length a 206's
   * `Content-Range` gives, `asked` the bytes asked (206 without `Content-Range`), `multipart` the
   * ranges asked plus part headers.
   */
  basis: "whole" | "content-range" | "asked" | "multipart";
  /** Whether a longer body is dropped and its ranges read one by one, instead of an error. */ fallback: boolean;
}

/**
 * The cap on one 200/206 body. A 200: the larger of `maxWholeBodyBytes` and the bytes asked (for
 * an `auto` multi-range request also at most twice the bytes asked plus 1 MiB, past which it is
 * dropped). A single-range 206: its `Content-Range` length, else the bytes asked. A `multipart/
 * byteranges` 206: the bytes asked plus 1 KiB a part and 64 KiB. Throws `COG_HTTP` when a 206's
 * `Content-Range` covers more than a 200 whole body could.
 *
 * @example
 * ```ts
 * bodyCap({ req: { url, offset: 0, length: 10 }, status: 200, maxWholeBodyBytes: 1000 });
 * // { limit: 1000, basis: "whole", fallback: false }
 * ```
 */
export function bodyCap(input: BodyCapInput): BodyCap {
  const { req, status, multi, maxWholeBodyBytes } = input;
  const asked = multi ? multi.ranges.reduce((n, [, length]) => n + length, 0) : req.length;
  const whole = Math.max(maxWholeBodyBytes, asked);
  if (status === 200) {
    // S3, GCS and Apache past MaxRanges answer a multi-range request with the whole file.
    if (multi?.fallback) return { limit: Math.min(whole, 2 * asked + WHOLE_SLACK), basis: "whole", fallback: true };
    return { limit: whole, basis: "whole", fallback: false };
  }
  if (multi && multipartBoundary(input.contentType) !== undefined) {
    return { limit: asked + multi.ranges.length * PART_OVERHEAD + MULTIPART_SLACK, basis: "multipart", fallback: multi.fallback };
  }
  const cr = parseContentRange(input.contentRange);
  if (cr?.start === undefined || cr.end === undefined) return { limit: req.length, basis: "asked", fallback: false };
  const length = cr.end - cr.start + 1;
  if (length > Math.max(maxWholeBodyBytes, req.length)) {
    const { url, offset } = req;
    throw new CogError("COG_HTTP", `GET ${url} -> ${status}: Content-Range "${input.contentRange}" covers ${bytes(length)}, more than `
      + `the ${bytes(Math.max(maxWholeBodyBytes, req.length))} allowed (range ${req.range ?? rangeHeader(offset, req.length)})`,
    { url, status, offset, length: req.length });
  }
  return { limit: length, basis: "content-range", fallback: false };
}

/**
 * The `COG_HTTP` error for a body longer than its {@link BodyCap}, with context
 * `{ url, status, offset, length }`.
 *
 * @example
 * ```ts
 * throw bodyTooLong(req, 200, { limit: 67108864, basis: "whole", fallback: false });
 * // GET <url> -> 200: server ignores Range and sent more than 67108864 bytes (64 MiB) (range bytes=0-16383); …
 * ```
 */
export function bodyTooLong(req: RangeRequest, status: number, cap: BodyCap, contentRange?: string): CogError {
  const { url, offset, length } = req;
  const range = req.range ?? rangeHeader(offset, length);
  const more = `more than ${bytes(cap.limit)}`;
  const head = `GET ${url} -> ${status}`;
  const message = {
    whole: `${head}: server ignores Range and sent ${more} (range ${range}); `
      + "raise maxWholeBodyBytes to keep such a body, or serve the file from a server that honours Range",
    "content-range": `${head}: body longer than Content-Range "${contentRange}" says (${more}; range ${range})`,
    asked: `${head}: body longer than asked (${more} and no Content-Range; range ${range})`,
    multipart: `${head}: multipart/byteranges body longer than the ranges asked plus part headers (${more}; range ${range})`,
  }[cap.basis];
  return new CogError("COG_HTTP", message, { url, status, offset, length });
}

/** "1048576 bytes (1 MiB)"; the exact count always comes first. */
function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 1024 * 1024) return `${n} bytes`;
  return `${n} bytes (${Math.round((n / (1024 * 1024)) * 10) / 10} MiB)`;
}
