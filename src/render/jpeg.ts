import { CogError } from "../errors.js";
import type { Pixels } from "./compose.js";

type Encode = (image: { data: Uint8Array; width: number; height: number }, quality: number) => { data: Uint8Array };

let loading: Promise<Encode> | undefined;

/**
 * A baseline JPEG (YCbCr 4:4:4, jpeg-js's encoder, loaded on first use) of `pixels`. JPEG has no
 * alpha: pixels are composited over black, so masked pixels are black.
 *
 * @example
 * ```ts
 * const jpeg = await encodeJpeg({ data: rgb, channels: 3 }, 256, 256, 75);
 * ```
 */
export async function encodeJpeg(pixels: Pixels, width: number, height: number, quality: number): Promise<Uint8Array> {
  const encode = await loadEncoder();
  const { data } = encode({ data: toRgba(pixels), width, height }, quality);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** RGBA over black: what jpeg-js reads (it ignores the fourth byte). */
function toRgba({ data, channels }: Pixels): Uint8Array {
  if (channels === 4 && !hasAlpha(data)) return data;
  const n = data.length / channels;
  const out = new Uint8Array(n * 4);
  const gray = channels < 3;
  const alpha = channels === 2 || channels === 4;
  for (let i = 0; i < n; i++) {
    const p = i * channels;
    const a = alpha ? data[p + channels - 1] : 255;
    for (let c = 0; c < 3; c++) {
      const v = data[p + (gray ? 0 : c)];
      out[i * 4 + c] = a === 255 ? v : Math.round((v * a) / 255);
    }
    out[i * 4 + 3] = 255;
  }
  return out;
}

function hasAlpha(rgba: Uint8Array): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return true;
  return false;
}

function loadEncoder(): Promise<Encode> {
  loading ??= import("./glue/jpeg-encoder.js")
    .then((m) => {
      const mod = m as { default: Encode | { default: Encode } };
      return typeof mod.default === "function" ? mod.default : mod.default.default;
    })
    .catch((e: unknown) => {
      loading = undefined;
      throw new CogError("COG_UNSUPPORTED", `the JPEG encoder (jpeg-js) could not load: ${(e as Error)?.message}`, {}, { cause: e });
    });
  return loading;
}
