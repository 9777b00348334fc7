import { CogError } from "../errors.js";

// What setCodecWasm was told. Apart from ./wasm-load.ts, which compiles the modules and is imported
// by the WASM codecs' lazy chunks only (through ./wasm.ts, or render's WebP encoder directly): the root export of setCodecWasm keeps this module, not the
// compiler, in the core bundle (README, "Bundle sizes").

/**
 * The codecs that run on WebAssembly: `jpeg` (libjpeg-turbo), `webp` (libwebp), `lerc` (Esri
 * LERC) and `zstd` (libzstd) decode tiles; `webp-encoder` (libwebp's encoder) writes the WebP
 * images of `cogread/render`.
 *
 * @example
 * ```ts
 * const codec: WasmCodec = "webp";
 * ```
 */
export type WasmCodec = "jpeg" | "webp" | "lerc" | "zstd" | "webp-encoder";

/**
 * Where a codec's WebAssembly comes from: a compiled `WebAssembly.Module` (what a Cloudflare
 * Worker gets from `import wasm from "./x.wasm"`), its bytes, a URL to fetch, or a `Response`.
 *
 * @example
 * ```ts
 * const fromUrl: WasmInput = new URL("/wasm/webp_dec.wasm", location.href);
 * ```
 */
export type WasmInput = WebAssembly.Module | ArrayBuffer | ArrayBufferView | URL | string | Response;

/**
 * A {@link WasmInput}, or a function that returns one (called on the codec's first use only, so
 * the WASM stays lazy).
 *
 * @example
 * ```ts
 * const lazy: WasmProvider = () => fetch("/wasm/lerc-wasm.wasm");
 * ```
 */
export type WasmProvider = WasmInput | (() => WasmInput | Promise<WasmInput>);

/** Each codec's name in messages. */
export const CODEC_NAMES: Record<WasmCodec, string> = {
  jpeg: "JPEG (libjpeg-turbo)",
  webp: "WebP",
  lerc: "LERC",
  zstd: "ZSTD",
  "webp-encoder": "WebP encoder (libwebp)",
};
/** What {@link setCodecWasm} was given, by codec. */
export const given = new Map<WasmCodec, WasmProvider>();
/** Compiled modules by codec (./wasm.ts compiles them; {@link setCodecWasm} forgets one it replaces). */
export const modules = new Map<WasmCodec, Promise<WebAssembly.Module>>();

/**
 * Hands a codec its WebAssembly, for setups where the built-in one cannot load. By default each
 * build carries it: embedded in the codec's lazy chunk (Node, browsers, Deno, Bun; compiled on
 * first use) or, in the `workerd` build, imported as a `.wasm` module. Call this before the codec
 * is first used (later calls do not replace a codec that has loaded). Needed where compiling
 * WebAssembly from bytes is forbidden and the `workerd` condition is not used, or under a
 * Content-Security-Policy that allows WebAssembly only from your own URLs.
 *
 * @example
 * ```ts
 * import { setCodecWasm } from "cogread";
 * // Cloudflare Worker (wrangler compiles .wasm imports to WebAssembly.Module):
 * import webpWasm from "./webp_dec.wasm";
 * setCodecWasm("webp", webpWasm);
 * // Browser: from a URL you serve (fetched on first use)
 * setCodecWasm("lerc", new URL("/wasm/lerc-wasm.wasm", location.href));
 * ```
 */
export function setCodecWasm(codec: WasmCodec, wasm: WasmProvider): void {
  if (!Object.hasOwn(CODEC_NAMES, codec)) {
    throw new CogError("COG_USAGE", `setCodecWasm: unknown codec ${JSON.stringify(codec)} (one of ${Object.keys(CODEC_NAMES).join(", ")})`);
  }
  if (wasm === null || wasm === undefined) throw new CogError("COG_USAGE", `setCodecWasm("${codec}", …) needs a Module, bytes, a URL or a Response`);
  given.set(codec, wasm);
  modules.delete(codec);
}
