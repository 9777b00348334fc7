import { CogError } from "../errors.js";
import { defaultWasm } from "./wasm-default.js";

/**
 * The codecs that run on WebAssembly: `jpeg` (libjpeg-turbo), `webp` (libwebp), `lerc` (Esri
 * LERC) and `zstd` (libzstd).
 *
 * @example
 * ```ts
 * const codec: WasmCodec = "webp";
 * ```
 */
export type WasmCodec = "jpeg" | "webp" | "lerc" | "zstd";

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

const CODECS: Record<WasmCodec, string> = { jpeg: "JPEG (libjpeg-turbo)", webp: "WebP", lerc: "LERC", zstd: "ZSTD" };
const given = new Map<WasmCodec, WasmProvider>();
const modules = new Map<WasmCodec, Promise<WebAssembly.Module>>();

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
  if (!Object.hasOwn(CODECS, codec)) {
    throw new CogError("COG_USAGE", `setCodecWasm: unknown codec ${JSON.stringify(codec)} (one of ${Object.keys(CODECS).join(", ")})`);
  }
  if (wasm === null || wasm === undefined) throw new CogError("COG_USAGE", `setCodecWasm("${codec}", …) needs a Module, bytes, a URL or a Response`);
  given.set(codec, wasm);
  modules.delete(codec);
}

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
  let module = modules.get(codec);
  if (module === undefined) {
    const provider = given.get(codec);
    const from = provider === undefined ? "built in" : "given to setCodecWasm";
    module = compile(provider ?? (() => defaultWasm(codec))).catch((e: unknown) => {
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
  return new CogError("COG_UNSUPPORTED", `the ${CODECS[codec]} codec's WebAssembly (${from}) cannot load: ${message}; ${hint}${jsOption}`, {}, { cause });
}
