// The Node.js side of the compression seam of rendering (src/render/deflate.ts): node:zlib,
// loaded on first use. The portable builds replace it with ./deflate-web.ts (build/portable.ts),
// so browser and worker bundles never see node:zlib.

let zlib: Promise<typeof import("node:zlib") | undefined> | undefined;

/**
 * zlib-wrapped DEFLATE of `bytes` at `level` (`rle`: strategy Z_RLE) on node:zlib's thread pool; `undefined` in a runtime
 * that looks like Node but has no node:zlib, so the caller falls back.
 *
 * @example
 * ```ts
 * const z = (await nativeDeflater?.(raw, 6, true)) ?? (await deflateStream(raw));
 * ```
 */
export const nativeDeflater: ((bytes: Uint8Array, level: number, rle: boolean) => Promise<Uint8Array | undefined>) | undefined = async (bytes, level, rle) => {
  zlib ??= import("node:zlib").catch(() => undefined);
  const z = await zlib;
  if (z === undefined) return undefined;
  return new Promise((resolve, reject) => {
    const strategy = rle ? z.constants.Z_RLE : z.constants.Z_DEFAULT_STRATEGY;
    z.deflate(bytes, { level, strategy }, (err, out) => (err === null ? resolve(new Uint8Array(out.buffer, out.byteOffset, out.byteLength)) : reject(err)));
  });
};
