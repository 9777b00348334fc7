// libjpeg-turbo's emscripten glue. Its own module so that the portable builds can put the
// bundled, patched glue here (build/portable.ts); from the sources it is the package itself.
// @ts-expect-error the package ships no type declarations; jpeg.ts types what it uses.
export { default } from "@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs";
