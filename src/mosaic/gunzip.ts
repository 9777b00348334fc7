import { CogError } from "../errors.js";

/**
 * Whether bytes start with the gzip magic number (RFC 1952 §2.3.1: 0x1f 0x8b).
 *
 * @example
 * ```ts
 * isGzip(new Uint8Array([0x1f, 0x8b, 8])); // true
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Gunzips bytes with the runtime's `DecompressionStream("gzip")` (Node 18+, browsers, workers),
 * else pako (loaded on first use). More than `maxBytes` out is `COG_LIMIT`; a corrupt stream
 * is `COG_FORMAT`.
 *
 * @example
 * ```ts
 * const json = new TextDecoder().decode(await gunzip(bytes, 64 << 20, "mosaic.json.gz"));
 * ```
 */
export async function gunzip(bytes: Uint8Array, maxBytes: number, url?: string): Promise<Uint8Array> {
  const tooLarge = () => new CogError("COG_LIMIT", `gzip stream inflates to more than ${maxBytes} bytes`, { url, limit: "maxDocumentBytes" });
  if (typeof DecompressionStream !== "function") {
    const pako = await import("pako");
    let out: Uint8Array;
    try {
      out = pako.ungzip(bytes);
    } catch (e) {
      throw new CogError("COG_FORMAT", `corrupt gzip stream: ${(e as Error)?.message ?? e}`, { url }, { cause: e });
    }
    if (out.length > maxBytes) throw tooLarge();
    return out;
  }
  const stream = new DecompressionStream("gzip");
  const writer = stream.writable.getWriter();
  writer.write((bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice()) as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = stream.readable.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
      if (n > maxBytes) {
        reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      parts.push(value);
    }
  } catch (e) {
    if (e instanceof CogError) throw e;
    throw new CogError("COG_FORMAT", `corrupt gzip stream: ${(e as Error)?.message ?? e}`, { url }, { cause: e });
  }
  return concatBytes(parts, n);
}

/**
 * The bytes of `parts`, one after another (`total` is their summed length); a single part is
 * returned as it is.
 *
 * @example
 * ```ts
 * concatBytes([Uint8Array.of(1, 2), Uint8Array.of(3)], 3); // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
