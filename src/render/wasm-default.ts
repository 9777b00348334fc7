// The WebP encoder's own WebAssembly when cogread runs from its TypeScript sources (tests, tsx):
// read from @jsquash/webp in node_modules. Every build replaces this module: the Node build
// embeds it in a lazy chunk (tsup.config.ts, `wasmDefaults`), the portable builds import
// decode/wasm/webp-encoder.js (base64, or a `.wasm` module on workerd; build/portable.ts). It is
// apart from decode/wasm-default so that only bundles that render WebP carry it.
import { defaultWasm } from "../decode/wasm-default.js";
import type { WasmInput } from "../decode/wasm-config.js";

/**
 * The bytes of libwebp's encoder WebAssembly.
 *
 * @example
 * ```ts
 * const module = await loadCodecWasm("webp-encoder", encoderWasm);
 * ```
 */
export function encoderWasm(): Promise<WasmInput> {
  return defaultWasm("webp-encoder");
}
