import { CogError } from "../errors.js";
import type { Pixels } from "./compose.js";

/**
 * WebP output is not available yet: `COG_UNSUPPORTED` saying what to use instead.
 *
 * @example
 * ```ts
 * await encodeWebp(pixels, 256, 256, 75); // throws COG_UNSUPPORTED
 * ```
 */
export async function encodeWebp(_pixels: Pixels, _width: number, _height: number, _quality: number): Promise<Uint8Array> {
  throw new CogError("COG_UNSUPPORTED", 'render: format "webp" is not available yet: use "png" (lossless, with transparency) or "jpeg"');
}
