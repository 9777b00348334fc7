// The portable side of the compression seam of rendering (./deflate.ts): no node:zlib.
import type * as NodeDeflate from "./deflate.js";

/**
 * No native deflater: rendering compresses with pako.
 *
 * @example
 * ```ts
 * nativeDeflater === undefined; // true in the portable builds
 * ```
 */
export const nativeDeflater: typeof NodeDeflate.nativeDeflater = undefined;
