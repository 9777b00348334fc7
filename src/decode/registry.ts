import { CogError, type CogErrorContext, loadPart } from "../errors.js";
import { compressionName } from "../tiff/names.js";
import { TAG } from "../tiff/tags.js";
import type { Codec } from "./types.js";

/**
 * Loads a codec, typically with a dynamic `import()` so that its code (and any WASM) is fetched
 * only when a file needs it.
 *
 * @example
 * ```ts
 * const loader: CodecLoader = async () => (await import("./my-lzma.js")).decodeLzma;
 * ```
 */
export type CodecLoader = () => Codec | Promise<Codec>;

// TIFF Compression tag values (TIFF 6.0 §3, TIFF Technical Notes, GDAL's gtiff driver).
// Not here, so COG_UNSUPPORTED unless registered: CCITT 2/3/4, OJPEG 6, JPEG 2000 34712,
// SGILog 34676/34677, LZMA 34925 and JPEG XL 50002/52546.
const builtins = new Map<number, CodecLoader>([
  [1, async () => (await import("./none.js")).decodeNone],
  [5, async () => (await import("./lzw.js")).decodeLzw],
  [7, async () => (await import("./jpeg.js")).decodeJpeg],
  [8, async () => (await import("./deflate.js")).decodeDeflate],
  [32946, async () => (await import("./deflate.js")).decodeDeflate],
  [32773, async () => (await import("./packbits.js")).decodePackbits],
  [34887, async () => (await import("./lerc.js")).decodeLerc],
  [50000, async () => (await import("./zstd.js")).decodeZstd],
  [50001, async () => (await import("./webp.js")).decodeWebp],
]);

const registered = new Map<number, CodecLoader>();
const loaded = new Map<number, Promise<Codec>>();

/**
 * The codec for a TIFF Compression code, loaded on first use and cached (a failed load is
 * retried next time). Unknown or unsupported codes are `COG_UNSUPPORTED`, naming the
 * compression; `context` says where (url, ifd) in that error.
 *
 * @example
 * ```ts
 * import { getCodec } from "./registry.js";
 * const codec = await getCodec(8, { url: "a.tif", ifd: 0 }); // DEFLATE
 * const pixels = await codec(compressed, block);
 * ```
 */
export async function getCodec(compression: number, context: CogErrorContext = {}): Promise<Codec> {
  let codec = loaded.get(compression);
  if (codec === undefined) {
    const loader = registered.get(compression) ?? builtins.get(compression);
    if (loader === undefined) {
      const name = compressionName(compression);
      throw new CogError(
        "COG_UNSUPPORTED",
        `compression ${compression} (${name}) is not supported; registerCodec(${compression}, loader) can add a decoder`,
        { ...context, tag: TAG.Compression },
      );
    }
    const promise = Promise.resolve().then(loader);
    codec = promise;
    loaded.set(compression, promise);
    promise.catch(() => {
      if (loaded.get(compression) === promise) loaded.delete(compression);
    });
  }
  return loadPart(codec, `the ${compressionName(compression)} codec (compression ${compression})`, { ...context, tag: TAG.Compression });
}

/**
 * Plugs in a decoder for a compression code, or replaces a built-in one (for example a faster
 * WASM DEFLATE, or LZMA). Takes effect for blocks decoded after the call.
 *
 * @example
 * ```ts
 * import { registerCodec } from "cogread";
 * registerCodec(34925, async () => {
 *   const { decompress } = await import("some-lzma-package");
 *   return async (bytes, block) => decompress(bytes, block.expectedBytes);
 * });
 * ```
 */
export function registerCodec(compression: number, loader: CodecLoader): void {
  if (!Number.isInteger(compression) || compression < 0 || compression > 65535) {
    throw new CogError("COG_USAGE", `compression must be a TIFF Compression code (0..65535), got ${compression}`);
  }
  if (typeof loader !== "function") throw new CogError("COG_USAGE", `the loader of compression ${compression} must be a function`);
  registered.set(compression, loader);
  loaded.delete(compression);
}
