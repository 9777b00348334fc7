import { CogError } from "../errors.js";
import type { BlockInfo } from "./types.js";

/**
 * What an inflate attempt produced: the bytes, and whether the stream broke (after them).
 *
 * @example
 * ```ts
 * const result: Inflated = { out: new Uint8Array(0), broken: true };
 * ```
 */
export interface Inflated {
  out: Uint8Array;
  broken: boolean;
}

/**
 * One DEFLATE backend: inflates a zlib stream (`raw`: a bare RFC 1951 stream) up to the block's
 * `expectedBytes`.
 *
 * @example
 * ```ts
 * const none: Inflater = async () => ({ out: new Uint8Array(0), broken: true });
 * ```
 */
export type Inflater = (bytes: Uint8Array, block: BlockInfo, raw: boolean) => Promise<Inflated>;

/**
 * The `COG_LIMIT` of a DEFLATE block that inflates to more than it should.
 *
 * @example
 * ```ts
 * if (n > block.expectedBytes) throw limitError(block);
 * ```
 */
export function limitError(block: BlockInfo): CogError {
  return new CogError("COG_LIMIT", `DEFLATE block inflates to more than the ${block.expectedBytes} bytes expected`, {
    ...block.context,
    limit: "expectedBytes",
  });
}
