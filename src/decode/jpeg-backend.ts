import { CogError } from "../errors.js";
import type { JpegBackend } from "./jpeg.js";
import type { Codec } from "./types.js";

/**
 * A JPEG codec (TIFF compression 7) on a chosen backend, for `registerCodec(7, …)`: libjpeg-turbo
 * (WASM, the default, pixel-exact with GDAL) or jpeg-js (pure JS, no WebAssembly, within ±3 DN).
 * cogread never switches between them by itself. The decoder loads on first use, as every codec.
 *
 * @example
 * ```ts
 * import { jpegCodec, registerCodec } from "cogread";
 * registerCodec(7, () => jpegCodec("jpeg-js"));
 * ```
 */
export function jpegCodec(backend: JpegBackend = "libjpeg-turbo"): Codec {
  if (backend !== "libjpeg-turbo" && backend !== "jpeg-js") {
    throw new CogError("COG_USAGE", `jpegCodec: unknown backend ${JSON.stringify(backend)} ("libjpeg-turbo" or "jpeg-js")`);
  }
  let codec: Promise<Codec> | undefined;
  return async (bytes, block) => {
    codec ??= import("./jpeg.js").then((m) => m.jpegCodec(backend));
    return (await codec)(bytes, block);
  };
}
