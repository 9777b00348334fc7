import { CogError, isCogError } from "../errors.js";
import { instantiateWith } from "../decode/emscripten.js";
import { loadCodecWasm } from "../decode/wasm-load.js";
import type { Pixels } from "./compose.js";
import { encoderWasm } from "./wasm-default.js";

type Encode = (rgba: Uint8Array, width: number, height: number, quality: number) => Uint8Array | null;

let loading: Promise<Encode> | undefined;

/**
 * A lossy WebP (libwebp's encoder in WebAssembly, `@jsquash/webp`, loaded on first use) of
 * `pixels` at `quality` (libwebp's defaults otherwise, as GDAL's WEBP driver uses them), with an
 * alpha channel when the pixels have one.
 *
 * @example
 * ```ts
 * const webp = await encodeWebp({ data: rgba, channels: 4 }, 256, 256, 75);
 * ```
 */
export async function encodeWebp(pixels: Pixels, width: number, height: number, quality: number): Promise<Uint8Array> {
  const encode = await loadEncoder();
  let out: Uint8Array | null;
  try {
    out = encode(toRgba(pixels), width, height, quality);
  } catch (e) {
    throw new CogError("COG_UNSUPPORTED", `the WebP encoder failed: ${(e as Error)?.message ?? e}`, {}, { cause: e });
  }
  if (out === null) throw new CogError("COG_UNSUPPORTED", `the WebP encoder refused a ${width}x${height} image (WebP is at most 16383 pixels a side)`);
  return new Uint8Array(out);
}

/** RGBA, as libwebp's encoder reads it (gray repeated, alpha 255 where there is none). */
function toRgba({ data, channels }: Pixels): Uint8Array {
  if (channels === 4) return data;
  const n = data.length / channels;
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const p = i * channels;
    const gray = channels < 3;
    out[i * 4] = data[p];
    out[i * 4 + 1] = data[gray ? p : p + 1];
    out[i * 4 + 2] = data[gray ? p : p + 2];
    out[i * 4 + 3] = channels === 2 ? data[p + 1] : 255;
  }
  return out;
}

function loadEncoder(): Promise<Encode> {
  loading ??= (async () => {
    const [glue, wasm] = await Promise.all([import("./glue/webp-encoder.js"), loadCodecWasm("webp-encoder", encoderWasm)]);
    const { hook, failed } = instantiateWith(wasm);
    const module = await Promise.race([glue.default({ noInitialRun: true, instantiateWasm: hook } as object), failed]);
    return (rgba: Uint8Array, width: number, height: number, quality: number) =>
      module.encode(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength), width, height, { ...glue.defaultOptions, quality });
  })().catch((e: unknown) => {
    loading = undefined;
    throw isCogError(e) ? e : new CogError("COG_UNSUPPORTED", `the WebP encoder could not load: ${(e as Error)?.message}`, {}, { cause: e });
  });
  return loading;
}
