// Each codec's own WebAssembly when cogread runs from its TypeScript sources (tests, tsx): read
// from the codec packages in node_modules. Every build replaces this module (tsup.config.ts,
// `wasmDefaults`): the WASM is embedded in each lazy codec chunk, or imported as a `.wasm`
// module in the workerd build.
import type { WasmCodec, WasmInput } from "./wasm-config.js";

/** Package path of each codec's .wasm (zstddec has none: its module is base64 in its script). */
export const WASM_FILES: Record<WasmCodec, string> = {
  jpeg: "@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm",
  webp: "@jsquash/webp/codec/dec/webp_dec.wasm",
  lerc: "lerc/lerc-wasm.wasm",
  zstd: "zstddec",
  "webp-encoder": "@jsquash/webp/codec/enc/webp_enc.wasm",
};

/**
 * The bytes of a codec's WebAssembly, read from its package.
 *
 * @example
 * ```ts
 * const bytes = await defaultWasm("webp");
 * ```
 */
export async function defaultWasm(codec: WasmCodec): Promise<WasmInput> {
  const { readFile } = await import("node:fs/promises");
  const { createRequire } = await import("node:module");
  const where = createRequire(import.meta.url).resolve(WASM_FILES[codec]);
  const bytes = await readFile(where);
  return codec === "zstd" ? zstdWasmOf(bytes.toString("latin1")) : bytes;
}

/**
 * zstddec ships libzstd's WASM as a base64 string in its script: the bytes of that module.
 *
 * @example
 * ```ts
 * const wasm = zstdWasmOf(await readFile(require.resolve("zstddec"), "latin1"));
 * ```
 */
export function zstdWasmOf(script: string): Uint8Array {
  const match = /["'`](AGFzbQ[A-Za-z0-9+/=]+)["'`]/.exec(script);
  if (match === null) throw new Error("no base64 WebAssembly module found in zstddec's script");
  const binary = atob(match[1]);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
