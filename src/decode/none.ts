import type { Codec } from "./types.js";

/**
 * Compression 1 (none): the block bytes are the samples. Returns a copy, so that undoing a
 * predictor or swapping bytes in place never touches fetched (possibly cached) bytes. Extra
 * bytes past `expectedBytes` are dropped, as libtiff's DumpModeDecode does (some writers pad
 * blocks); fewer bytes are returned as they are: a truncated block, for the caller to report.
 *
 * @example
 * ```ts
 * import { decodeNone } from "./none.js";
 * const out = await decodeNone(new Uint8Array([1, 2, 3, 4, 5]), { ...block, expectedBytes: 4 });
 * // out: Uint8Array [1, 2, 3, 4]
 * ```
 */
export const decodeNone: Codec = async (bytes, block) => bytes.slice(0, Math.min(bytes.byteLength, block.expectedBytes));
