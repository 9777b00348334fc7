import { CogError, isCogError, type CogErrorContext } from "../errors.js";
import { fitBlock } from "./fit-block.js";
import type { BlockInfo, Codec } from "./types.js";
import { codecWasm } from "./wasm.js";

type WebpDecode = (buffer: ArrayBuffer) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;

let loading: Promise<WebpDecode> | undefined;

/**
 * Decodes a WebP-compressed TIFF block (compression 50001, GDAL's extension), lossy or
 * lossless, with libwebp compiled to WASM (`@jsquash/webp`, loaded on first use). Returns
 * pixel-interleaved RGB when the block has 3 samples and RGBA when it has 4 (GDAL writes RGBA
 * WebP for 4 bands; an image without alpha decodes with alpha 255).
 *
 * @example
 * ```ts
 * const rgba = await decodeWebp(tileBytes, { ...block, samples: 4, expectedBytes: 256 * 256 * 4 });
 * ```
 */
export const decodeWebp: Codec = async (bytes, block) => {
  const ctx = block.context;
  if (block.samples !== 3 && block.samples !== 4) {
    throw new CogError("COG_UNSUPPORTED", `WebP with ${block.samples} samples per pixel (3 or 4 expected)`, { ...ctx });
  }
  if (block.bitsPerSample !== 8) throw new CogError("COG_UNSUPPORTED", `${block.bitsPerSample}-bit WebP`, { ...ctx });
  const [width, height] = webpSize(bytes, ctx);
  if (width * height * block.samples > block.expectedBytes) {
    throw new CogError("COG_LIMIT", `WebP is ${width}x${height}, over the ${block.width}x${block.height} block`, {
      ...ctx,
      limit: "expectedBytes",
    });
  }
  const decode = await loadWebp();
  let image: Awaited<ReturnType<WebpDecode>>;
  try {
    // The WASM glue wants an ArrayBuffer of exactly the stream (a Buffer may share a larger one).
    image = await decode(new Uint8Array(bytes).buffer);
  } catch (e) {
    throw new CogError("COG_FORMAT", `corrupt WebP data: ${(e as Error).message}`, { ...ctx }, { cause: e });
  }
  if (image.width !== width || image.height !== height) {
    throw new CogError("COG_FORMAT", `WebP decoded to ${image.width}x${image.height}, its header says ${width}x${height}`, { ...ctx });
  }
  const rgba = new Uint8Array(image.data.buffer, image.data.byteOffset, width * height * 4);
  return fitBlock(block.samples === 4 ? rgba : dropAlpha(rgba), width, height, block, "WebP");
};

/**
 * Width and height from the RIFF header (VP8, VP8L or VP8X chunk), read before decoding so
 * that a tile claiming a huge canvas is refused without allocating it.
 */
function webpSize(b: Uint8Array, ctx: CogErrorContext): [number, number] {
  const tag = (at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
  if (b.length < 25 || tag(0) !== "RIFF" || tag(8) !== "WEBP") {
    throw new CogError("COG_FORMAT", "WebP block does not start with a RIFF/WEBP header", { ...ctx });
  }
  const chunk = tag(12);
  if (chunk === "VP8 " && b.length >= 30 && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return [(b[26] | (b[27] << 8)) & 0x3fff, (b[28] | (b[29] << 8)) & 0x3fff];
  }
  if (chunk === "VP8L" && b[20] === 0x2f) {
    const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
    return [(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1];
  }
  if (chunk === "VP8X" && b.length >= 30) return [1 + (b[24] | (b[25] << 8) | (b[26] << 16)), 1 + (b[27] | (b[28] << 8) | (b[29] << 16))];
  throw new CogError("COG_FORMAT", `WebP has no valid VP8/VP8L/VP8X header (first chunk "${chunk}")`, { ...ctx });
}

function dropAlpha(rgba: Uint8Array): Uint8Array {
  const n = rgba.length >> 2;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    rgb[i * 3] = rgba[j];
    rgb[i * 3 + 1] = rgba[j + 1];
    rgb[i * 3 + 2] = rgba[j + 2];
  }
  return rgb;
}


function loadWebp(): Promise<WebpDecode> {
  loading ??= (async () => {
    const [mod, wasm] = await Promise.all([import("./glue/webp.js"), codecWasm("webp")]);
    // With a module given, the glue instantiates it and never fetches webp_dec.wasm itself.
    await (mod.init as (module?: WebAssembly.Module) => Promise<void>)(wasm);
    return mod.default as WebpDecode;
  })().catch((e: unknown) => {
    loading = undefined;
    throw isCogError(e) ? e : new CogError("COG_UNSUPPORTED", `the WebP decoder could not load: ${(e as Error).message}`, {}, { cause: e });
  });
  return loading;
}
