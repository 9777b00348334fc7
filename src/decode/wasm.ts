import { loadCodecWasm } from "./wasm-load.js";
import type { WasmCodec } from "./wasm-config.js";
import { defaultWasm } from "./wasm-default.js";

export { setCodecWasm, type WasmCodec, type WasmInput, type WasmProvider } from "./wasm-config.js";

/**
 * The compiled module of a codec: the one given to {@link setCodecWasm}, else this build's own.
 * Compiled once; a failure is `COG_UNSUPPORTED` naming the codec and what to do, and is retried
 * on the next call.
 *
 * @example
 * ```ts
 * const module = await codecWasm("zstd");
 * const instance = await WebAssembly.instantiate(module, imports);
 * ```
 */
export function codecWasm(codec: WasmCodec): Promise<WebAssembly.Module> {
  return loadCodecWasm(codec, () => defaultWasm(codec));
}
