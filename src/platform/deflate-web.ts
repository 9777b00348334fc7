// The portable side of the compression seam of rendering (./deflate.ts): no node:zlib.
import type * as NodeDeflate from "./deflate.js";

/** No native deflater: rendering compresses with `CompressionStream`, else pako. */
export const nativeDeflater: typeof NodeDeflate.nativeDeflater = undefined;
