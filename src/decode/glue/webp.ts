// libwebp's decoder glue (@jsquash/webp). Its own module so that the portable builds can put the
// bundled, patched glue here (build/portable.ts); from the sources it is the package itself.
export { default, init } from "@jsquash/webp/decode.js";
