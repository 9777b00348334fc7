
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
