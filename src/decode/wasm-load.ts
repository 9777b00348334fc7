import { CogError } from "../errors.js";
import { CODEC_NAMES, given, modules, type WasmCodec, type WasmInput, type WasmProvider } from "./wasm-config.js";

// The compiler of the codecs' WebAssembly, apart from ./wasm.ts so that render's WebP encoder,
// which has its own built-in WASM (render/wasm-default.ts), does not pull in the decoders'.

/**
 * The compiled module of a codec: the one given to `setCodecWasm`, else `builtIn()`'s. Compiled
 * once; a failure is `COG_UNSUPPORTED` naming the codec and what to do, and is retried on the
 * next call.
 *
 * @example
 * ```ts
 * const module = await loadCodecWasm("webp-encoder", encoderWasm);
 * ```
 */
export function loadCodecWasm(codec: WasmCodec, builtIn: () => Promise<WasmInput>): Promise<WebAssembly.Module> {
  let module = modules.get(codec);
  if (module === undefined) {
    const provider = given.get(codec);
    const from = provider === undefined ? "built in" : "given to setCodecWasm";
    module = compile(provider ?? builtIn).catch((e: unknown) => {
      modules.delete(codec);
      throw wasmLoadError(codec, from, e);
    });
    modules.set(codec, module);
  }
  return module;
}

async function compile(provider: WasmProvider): Promise<WebAssembly.Module> {
  let input = typeof provider === "function" ? await provider() : provider;
  if (input instanceof WebAssembly.Module) return input;
  if (typeof input === "string" || input instanceof URL) input = await fetch(input);
  if (typeof Response !== "undefined" && input instanceof Response) {
    if (!input.ok) throw new Error(`GET ${input.url || "(response)"} -> ${input.status}`);
    input = await input.arrayBuffer();
  }
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) return WebAssembly.compile(input as BufferSource);
  throw new Error(`not a WebAssembly.Module, bytes, URL or Response: ${Object.prototype.toString.call(input)}`);
}

function wasmLoadError(codec: WasmCodec, from: string, cause: unknown): CogError {
  const message = String((cause as Error)?.message ?? cause).slice(0, 200);
  const forbidden = /code generation disallowed|CompileError|wasm-unsafe-eval|Content Security Policy/i.test(message);
  const hint = forbidden
    ? "this runtime forbids compiling WebAssembly from bytes: on Cloudflare Workers/workerd use the `workerd` export condition (wrangler's default) or import the .wasm as a module and pass it to setCodecWasm; in a browser allow 'wasm-unsafe-eval' in the CSP"
    : `hand it its .wasm with setCodecWasm("${codec}", urlOrBytesOrModule)`;
  const jsOption = codec === "jpeg" ? ', or choose the pure-JS decoder: registerCodec(7, () => jpegCodec("jpeg-js"))' : "";
  return new CogError("COG_UNSUPPORTED", `the ${CODEC_NAMES[codec]} codec's WebAssembly (${from}) cannot load: ${message}; ${hint}${jsOption}`, {}, { cause });
}
