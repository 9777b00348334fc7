import { CogError } from "../errors.js";
import type { DType } from "../tiff/dtype.js";
import { codecFailure } from "./codec-failure.js";
import { getCodec } from "./registry.js";
import { blockValues } from "./block-values.js";
import type { TypedArray } from "./samples.js";
import type { BlockInfo } from "./types.js";

/**
 * Decodes one block into values: {@link decodeBlock}, or a worker pool's `decode`.
 *
 * @example
 * ```ts
 * const decode: DecodeFn = pool ? pool.decode : decodeBlock;
 * ```
 */
export type DecodeFn = (bytes: Uint8Array, block: BlockInfo, dtype: DType) => Promise<TypedArray>;

/**
 * Decodes one block: codec, then predictor and byte order, then sample unpacking. Pure CPU work
 * on bytes already fetched. A block that decodes to fewer bytes than it should is corrupt
 * (`COG_FORMAT`); one that would decode to more is refused by the codec (`COG_LIMIT`). Whatever
 * else a codec throws becomes a `CogError` ({@link codecFailure}).
 *
 * @example
 * ```ts
 * const values = await decodeBlock(compressed, block, "uint16"); // Uint16Array, pixel-interleaved
 * ```
 */
export async function decodeBlock(bytes: Uint8Array, block: BlockInfo, dtype: DType): Promise<TypedArray> {
  const codec = await getCodec(block.compression, block.context);
  let decoded: Uint8Array;
  try {
    decoded = await codec(bytes, block);
  } catch (e) {
    throw codecFailure(e, block.compression, block.context);
  }
  if (decoded.byteLength < (block.minBytes ?? block.expectedBytes)) {
    throw new CogError("COG_FORMAT", `block decoded to ${decoded.byteLength} bytes, ${block.expectedBytes} expected`, block.context);
  }
  return blockValues(decoded, block, dtype);
}
