// libwebp's encoder glue (@jsquash/webp) and its default WebPConfig. Its own module so that the
// builds can bundle it patched (build/plugins.ts), like the decoder's; from the sources it is the package.
export { default } from "@jsquash/webp/codec/enc/webp_enc.js";
export { defaultOptions } from "@jsquash/webp/meta.js";
