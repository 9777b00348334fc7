import { CogError } from "../errors.js";

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

/**
 * Decodes and checks a {@link HeaderSnapshot}; anything malformed is `COG_USAGE`.
 *
 * @example
 * ```ts
 * const { segments } = decodeSnapshot(JSON.parse(text));
 * ```
 */
export function decodeSnapshot(snap: HeaderSnapshot): { segments: Array<{ offset: number; bytes: Uint8Array }>; size?: number; etag?: string } {
  if (snap?.format !== "cogread-header-snapshot" || snap.version !== 1 || !Array.isArray(snap.segments)) {
    throw new CogError("COG_USAGE", "not a cogread header snapshot (format cogread-header-snapshot, version 1)");
  }
  const segments = snap.segments.map((s) => {
    if (!Number.isSafeInteger(s.offset) || s.offset < 0 || typeof s.data !== "string") {
      throw new CogError("COG_USAGE", `header snapshot segment at ${s.offset} is malformed`);
    }
    return { offset: s.offset, bytes: fromBase64(s.data) };
  });
  return { segments, size: snap.size, etag: snap.etag };
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
