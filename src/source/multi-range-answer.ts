import { CogError } from "../errors.js";
import type { checkRangeBody, parseContentRange, RangeRequest } from "./http-response.js";
import { parseMultipartByteranges } from "./multipart-body.js";
import type { BytePart, ByteRange, multipartBoundary } from "./multipart.js";

// What a server answered to a multi-range request, read into parts. FetchSource loads this module
// (with the multipart/byteranges parser) on its first multi-range read: most reads of a map app
// are one range (README, "Bundle sizes"). The core's parsers come as an argument, since importing
// them here would split them out of the core chunk.

/**
 * The core's response parsers that {@link multiRangeParts} uses.
 *
 * @example
 * ```ts
 * const core: CoreParsers = { parseContentRange, checkRangeBody, multipartBoundary };
 * ```
 */
export interface CoreParsers {
  parseContentRange: typeof parseContentRange;
  checkRangeBody: typeof checkRangeBody;
  multipartBoundary: typeof multipartBoundary;
}

/**
 * What a multi-range response gave: its parts, the file size and whole body when it told them, and
 * whether the server refused multi-range (a 416 for ranges that all start past the end is no
 * refusal). Handles `206 multipart/byteranges`, a single 206 and a 200 whole body. `core` is the
 * core's response parsers (see the note at the top of this module).
 *
 * @example
 * ```ts
 * const core = { parseContentRange, checkRangeBody, multipartBoundary };
 * const { parts, size, refused } = multiRangeParts(req, plan, { status: 206, body, contentType, contentRange }, core);
 * ```
 */
export function multiRangeParts(
  req: RangeRequest, plan: readonly ByteRange[],
  res: { status: number; body: Uint8Array; contentType?: string; contentRange?: string },
  core: CoreParsers,
): { parts: BytePart[]; size?: number; whole?: Uint8Array; refused: boolean } {
  const { parseContentRange, checkRangeBody, multipartBoundary } = core;
  const { url } = req;
  if (res.status === 200) return { parts: [{ start: 0, bytes: res.body }], size: res.body.length, whole: res.body, refused: false };
  const cr = parseContentRange(res.contentRange);
  if (res.status !== 206) {
    const total = cr?.total;
    return { parts: [], size: total, refused: res.status !== 416 || total === undefined || plan.some(([off]) => off < total) };
  }
  const boundary = multipartBoundary(res.contentType);
  if (boundary !== undefined) {
    const parts = parseMultipartByteranges(res.body, { boundary, url, parseContentRange });
    return { parts, size: parts.find((p) => p.total !== undefined)?.total, refused: false };
  }
  if (cr?.start === undefined || cr.end === undefined) {
    throw new CogError("COG_HTTP", `GET ${url} -> 206 for ${req.range} with neither multipart nor a valid Content-Range`, { url, status: 206 });
  }
  const one = checkRangeBody({ url, offset: cr.start, length: cr.end - cr.start + 1 }, 206, res.contentRange, res.body);
  return { parts: [{ start: cr.start, bytes: one.bytes }], size: one.size, refused: false };
}
