// `Content-Range` parsing, a module of its own because the multipart body parser (a lazy chunk)
// needs it too and a bundler would otherwise split all of http-response.ts out of the core.

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
