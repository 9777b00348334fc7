import { CogError } from "../errors.js";
import type { ContentRange } from "./http-response.js";
import type { BytePart } from "./multipart.js";

// The `multipart/byteranges` body parser, part of the chunk FetchSource loads on its first
// multi-range read (multi-range-answer.ts; README, "Bundle sizes"). It takes the core's
// Content-Range parser as an argument: importing it would make bundlers split that out of the core chunk.

/** Cap on parts and on header lines of one part: a hostile body cannot make the loops spin. */
const MAX_PARTS = 10_000;
const MAX_HEADER_LINES = 32;
const CR = 13;
const LF = 10;
const DASH = 45;

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
 * const parts = parseMultipartByteranges(body, { boundary, url, parseContentRange });
 * ```
 */
export function parseMultipartByteranges(
  body: Uint8Array,
  opts: { boundary: string; url: string; parseContentRange(value: string | undefined): ContentRange | undefined },
): BytePart[] {
  const { boundary, url, parseContentRange } = opts;
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

