import { CogError } from "../errors.js";
import { checkRangeBody, parseContentRange, type RangeRequest } from "./http-response.js";

/**
 * A byte range as `[offset, length]`.
 *
 * @example
 * ```ts
 * const ranges: ByteRange[] = [[0, 16384], [1_048_576, 65536]];
 * ```
 */
export type ByteRange = [offset: number, length: number];

/**
 * One body part of a `multipart/byteranges` response (or the single body of a 206/200): the
 * bytes and the file offset of their first byte.
 *
 * @example
 * ```ts
 * const part: BytePart = { start: 1024, bytes: new Uint8Array(512), total: 1_048_576 };
 * ```
 */
export interface BytePart {
  /** File offset of `bytes[0]`. */ start: number;
  /** The bytes of the part. */ bytes: Uint8Array;
  /** Size of the whole file, when the part's `Content-Range` told it. */ total?: number;
}

/** Cap on parts and on header lines of one part: a hostile body cannot make the loops spin. */
const MAX_PARTS = 10_000;
const MAX_HEADER_LINES = 32;
const CR = 13;
const LF = 10;
const DASH = 45;

/**
 * Sorts ranges and merges those that overlap or touch, dropping empty ones: the ranges to put in
 * one `Range` header (RFC 9110 §14.2 lets a server reject overlapping ranges).
 *
 * @example
 * ```ts
 * coalesceRanges([[100, 10], [0, 10], [5, 10], [15, 0]]); // [[0, 15], [100, 10]]
 * ```
 */
export function coalesceRanges(ranges: readonly ByteRange[]): ByteRange[] {
  const sorted = ranges.filter(([, len]) => len > 0).sort((a, b) => a[0] - b[0]);
  const out: ByteRange[] = [];
  for (const [off, len] of sorted) {
    const last = out[out.length - 1];
    if (last && off <= last[0] + last[1]) last[1] = Math.max(last[1], off + len - last[0]);
    else out.push([off, len]);
  }
  return out;
}

/**
 * The `Range` header value asking for several ranges at once.
 *
 * @example
 * ```ts
 * multiRangeHeader([[0, 10], [100, 5]]); // "bytes=0-9,100-104"
 * ```
 */
export function multiRangeHeader(ranges: readonly ByteRange[]): string {
  return `bytes=${ranges.map(([off, len]) => `${off}-${off + len - 1}`).join(",")}`;
}

/**
 * The `boundary` parameter of a `multipart/byteranges` content type, or `undefined` when the
 * content type is something else.
 *
 * @example
 * ```ts
 * multipartBoundary('multipart/byteranges; boundary="3d6b6a416f9b5"'); // "3d6b6a416f9b5"
 * multipartBoundary("image/tiff"); // undefined
 * ```
 */
export function multipartBoundary(contentType: string | null | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/byteranges\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,200})"|([^\s;"]{1,200}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = hay.length - needle.length;
  outer: for (let i = hay.indexOf(first!, from); i !== -1 && i <= last; i = hay.indexOf(first!, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Reads one header line starting at `pos`; returns the text without CRLF and the next position. */
function readLine(body: Uint8Array, pos: number): [string, number] | undefined {
  const eol = body.indexOf(LF, pos);
  if (eol === -1) return undefined;
  const end = eol > pos && body[eol - 1] === CR ? eol - 1 : eol;
  return [String.fromCharCode(...body.subarray(pos, Math.min(end, pos + 1024))), eol + 1];
}

/**
 * Parses a `multipart/byteranges` body (RFC 9110 §14.6): each part carries its own
 * `Content-Range`, and parts may come in any order. Part data is taken by the length its
 * `Content-Range` gives, so boundary-like bytes inside tile data do no harm. Returned parts are
 * views into `body`. Throws `COG_HTTP` when a part has no valid `Content-Range` or is cut short.
 *
 * @example
 * ```ts
 * const boundary = multipartBoundary(res.headers.get("content-type"))!;
 * const parts = parseMultipartByteranges(body, boundary, url);
 * ```
 */
export function parseMultipartByteranges(body: Uint8Array, boundary: string, url: string): BytePart[] {
  const fail = (what: string): CogError =>
    new CogError("COG_HTTP", `GET ${url} -> 206 multipart/byteranges: ${what}`, { url, status: 206 });
  const delimiter = new TextEncoder().encode(`--${boundary}`);
  const parts: BytePart[] = [];
  let pos = indexOf(body, delimiter, 0); // anything before the first delimiter is preamble
  while (pos !== -1 && parts.length < MAX_PARTS) {
    pos += delimiter.length;
    if (body[pos] === DASH && body[pos + 1] === DASH) return parts; // close delimiter
    let line = readLine(body, pos); // rest of the delimiter line (transport padding)
    let contentRange: string | undefined;
    for (let n = 0; line && n < MAX_HEADER_LINES; n++) {
      line = readLine(body, line[1]);
      if (!line || line[0] === "") break;
      const m = /^content-range\s*:\s*(.*)$/i.exec(line[0]);
      if (m) contentRange = m[1];
    }
    if (!line || line[0] !== "") throw fail(`part ${parts.length + 1} has no end of headers`);
    const cr = parseContentRange(contentRange);
    if (cr?.start === undefined || cr.end === undefined) {
      throw fail(`part ${parts.length + 1} has no valid Content-Range ("${contentRange ?? ""}")`);
    }
    const dataStart = line[1];
    const dataEnd = dataStart + (cr.end - cr.start + 1);
    if (dataEnd > body.length) throw fail(`part "${contentRange}" cut short at ${body.length - dataStart} bytes`);
    parts.push({ start: cr.start, bytes: body.subarray(dataStart, dataEnd), total: cr.total });
    pos = indexOf(body, delimiter, dataEnd);
  }
  if (parts.length === 0) throw fail(`no parts found for boundary "${boundary}"`);
  return parts; // no close delimiter: keep what was complete
}

/**
 * For each requested range, the bytes of the first part that holds all of it (fewer bytes only at
 * the end of the file when `size` is known), or `undefined` when no part does. Parts may be
 * coalesced by the server or cover more than was asked.
 *
 * @example
 * ```ts
 * pickRanges([[10, 5]], [{ start: 0, bytes: new Uint8Array(100) }], undefined); // [Uint8Array(5)]
 * ```
 */
export function pickRanges(ranges: readonly ByteRange[], parts: readonly BytePart[], size: number | undefined): Array<Uint8Array | undefined> {
  return ranges.map(([off, len]) => {
    const want = size === undefined ? len : Math.max(0, Math.min(len, size - off));
    if (want === 0) return new Uint8Array(0);
    const part = parts.find((p) => p.start <= off && p.start + p.bytes.length >= off + want);
    return part?.bytes.subarray(off - part.start, off - part.start + want);
  });
}

/** Statuses by which a server refuses a multi-range request it will not serve (RFC 9110 §14.2). */
export const MULTI_REFUSED: ReadonlySet<number> = new Set([400, 416, 501]);

/**
 * What a multi-range response gave: its parts, the file size and whole body when it told them, and
 * whether the server refused multi-range (a 416 for ranges that all start past the end is no
 * refusal). Handles `206 multipart/byteranges`, a single 206 and a 200 whole body.
 *
 * @example
 * ```ts
 * const { parts, size, refused } = multiRangeParts(req, plan, { status: 206, body, contentType, contentRange });
 * ```
 */
export function multiRangeParts(
  req: RangeRequest, plan: readonly ByteRange[],
  res: { status: number; body: Uint8Array; contentType?: string; contentRange?: string },
): { parts: BytePart[]; size?: number; whole?: Uint8Array; refused: boolean } {
  const { url } = req;
  if (res.status === 200) return { parts: [{ start: 0, bytes: res.body }], size: res.body.length, whole: res.body, refused: false };
  const cr = parseContentRange(res.contentRange);
  if (res.status !== 206) {
    const total = cr?.total;
    return { parts: [], size: total, refused: res.status !== 416 || total === undefined || plan.some(([off]) => off < total) };
  }
  const boundary = multipartBoundary(res.contentType);
  if (boundary !== undefined) {
    const parts = parseMultipartByteranges(res.body, boundary, url);
    return { parts, size: parts.find((p) => p.total !== undefined)?.total, refused: false };
  }
  if (cr?.start === undefined || cr.end === undefined) {
    throw new CogError("COG_HTTP", `GET ${url} -> 206 for ${req.range} with neither multipart nor a valid Content-Range`, { url, status: 206 });
  }
  const one = checkRangeBody({ url, offset: cr.start, length: cr.end - cr.start + 1 }, 206, res.contentRange, res.body);
  return { parts: [{ start: cr.start, bytes: one.bytes }], size: one.size, refused: false };
}
