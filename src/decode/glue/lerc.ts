// Esri's LERC decoder glue. Its own module so that the portable builds can put the bundled,
// patched glue here (build/portable.ts); from the sources it is the package itself.
export { load, getBlobInfo, decode } from "lerc";
export type { LercData, LercHeaderInfo, PixelTypedArray } from "lerc";
