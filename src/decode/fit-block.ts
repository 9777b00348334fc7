import { CogError } from "../errors.js";
import type { BlockInfo } from "./types.js";

/**
 * Pads an image decoded smaller than its block (a short last strip, an odd writer) to the block
 * size with zeros; one decoded larger than the block is `COG_FORMAT`, naming the codec.
 *
 * @example
 * ```ts
 * const pixels = fitBlock(decoded, 256, 200, block, "JPEG");
 * ```
 */
export function fitBlock(pixels: Uint8Array, width: number, height: number, block: BlockInfo, codec: string): Uint8Array {
  if (width === block.width && height === block.height) return pixels;
  if (width > block.width || height > block.height) {
    throw new CogError("COG_FORMAT", `${codec} is ${width}x${height}, the block ${block.width}x${block.height}`, { ...block.context });
  }
  const row = width * block.samples;
  const out = new Uint8Array(block.width * block.height * block.samples);
  for (let y = 0; y < height; y++) out.set(pixels.subarray(y * row, (y + 1) * row), y * block.width * block.samples);
  return out;
}
