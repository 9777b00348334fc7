// jpeg-js's baseline JPEG encoder. Its own module so that the builds can bundle it patched: it
// returns a Node `Buffer` whenever `module` exists, as it does inside any bundle, and browsers
// have no Buffer (build/plugins.ts makes it return a Uint8Array). From the sources it is the package.
// @ts-expect-error jpeg-js ships no declarations for lib/encoder.js; ../jpeg.ts types what it uses.
export { default } from "jpeg-js/lib/encoder.js";
