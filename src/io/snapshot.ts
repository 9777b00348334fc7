/**
 * A header snapshot: the header bytes a reader has read (plus file size and ETag), in a form
 * that survives `JSON.stringify`. `COGReader.open(url, { snapshot })` opens from it with no
 * request, so a tile need not pay for the header.
 *
 * @example
 * ```ts
 * const snap = cog.snapshot();
 * await writeFile("a.tif.json", JSON.stringify(snap));
 * const again = await COGReader.open(url, { snapshot: JSON.parse(await readFile("a.tif.json", "utf8")) });
 * ```
 */
export interface HeaderSnapshot {
  format: "cogread-header-snapshot";
  version: 1;
  url: string;
  size?: number;
  etag?: string;
  /** Byte ranges, base64. */
  segments: Array<{ offset: number; data: string }>;
}

/**
 * Encodes held header segments as a {@link HeaderSnapshot}.
 *
 * @example
 * ```ts
 * const snap = encodeSnapshot("a.tif", header.segmentsHeld(), { size: 1234 });
 * ```
 */
export function encodeSnapshot(
  url: string,
  segments: ReadonlyArray<{ offset: number; bytes: Uint8Array }>,
  meta: { size?: number; etag?: string },
): HeaderSnapshot {
  return {
    format: "cogread-header-snapshot",
    version: 1,
    url,
    ...(meta.size !== undefined ? { size: meta.size } : {}),
    ...(meta.etag !== undefined ? { etag: meta.etag } : {}),
    segments: segments.map((s) => ({ offset: s.offset, data: toBase64(s.bytes) })),
  };
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
