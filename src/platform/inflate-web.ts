// The portable side of the DEFLATE seam (./inflate.ts): no node:zlib.
import type * as NodeInflate from "./inflate.js";

/** No native inflater: DEFLATE uses `DecompressionStream`, else pako. */
export const nativeInflater: typeof NodeInflate.nativeInflater = undefined;
