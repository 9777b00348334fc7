// esbuild plugins and helpers for tsup.config.ts (the Node build) and build/portable.ts (the web
// and workerd builds). See the "Runtimes and bundlers" section of the README.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Plugin } from "esbuild";
import { WASM_FILES, zstdWasmOf } from "../src/decode/wasm-default.js";

const require = createRequire(import.meta.url);
/** The decoders that run on WebAssembly (decode/wasm-default.ts). */
export const CODECS = ["jpeg", "webp", "lerc", "zstd"] as const;
/** cogread/render's WebP encoder: its WASM is loaded by render/wasm-default.ts, not with the decoders'. */
export const ENCODER = "webp-encoder";
type Wasm = (typeof CODECS)[number] | typeof ENCODER;

/** The bytes of a codec's .wasm (zstd's is base64 inside zstddec's script). */
export function wasmBytes(codec: Wasm): Uint8Array {
  const file = require.resolve(WASM_FILES[codec]);
  return codec === "zstd" ? zstdWasmOf(readFileSync(file, "latin1")) : readFileSync(file);
}

/** A .wasm file of each codec on disk, for the workerd build to import as a module. */
export function wasmFile(codec: Wasm): string {
  if (codec !== "zstd") return require.resolve(WASM_FILES[codec]);
  const dir = path.resolve("node_modules/.cache/cogread-build");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "zstd.wasm");
  writeFileSync(file, wasmBytes("zstd"));
  return file;
}

/**
 * In the bundled Node build, replaces `src/decode/wasm-default.ts` (which reads node_modules) by a
 * module that imports each codec's WASM on first use, embedded as bytes in a chunk of its own, so
 * that a Node bundle made by the user keeps working; `src/render/wasm-default.ts` likewise for the
 * WebP encoder. (The workerd build imports `.wasm` modules instead: build/portable.ts.)
 */
export function wasmDefaults(): Plugin {
  return {
    name: "cogread-wasm-defaults",
    setup(build) {
      build.onResolve({ filter: /[\\/]wasm-default\.js$/ }, (args) =>
        args.importer.includes(`${path.sep}decode${path.sep}`) ? { path: "defaults", namespace: "cogread-wasm" } : undefined,
      );
      build.onLoad({ filter: /^defaults$/, namespace: "cogread-wasm" }, () => ({
        contents: `export function defaultWasm(codec) {\n  switch (codec) {\n${CODECS.map(
          (c) => `    case "${c}": return import("cogread-wasm:${c}").then((m) => m.default);\n`,
        ).join("")}  }\n  throw new Error("no WebAssembly for " + codec);\n}\n`,
        loader: "js",
      }));
      build.onResolve({ filter: /[\\/]wasm-default\.js$/ }, (args) =>
        args.importer.includes(`${path.sep}render${path.sep}`) ? { path: "encoder", namespace: "cogread-wasm" } : undefined,
      );
      build.onLoad({ filter: /^encoder$/, namespace: "cogread-wasm" }, () => ({
        contents: `export function encoderWasm() {\n  return import("cogread-wasm:${ENCODER}").then((m) => m.default);\n}\n`,
        loader: "js",
      }));
      build.onResolve({ filter: /^cogread-wasm:/ }, (args) => ({ path: args.path.slice(13), namespace: "cogread-wasm-codec" }));
      build.onLoad({ filter: /.*/, namespace: "cogread-wasm-codec" }, (args) => ({
        contents: wasmBytes(args.path as Wasm),
        loader: "binary",
      }));
    },
  };
}

/** [file pattern, [from, to] edits] of each codec glue; every edit must apply exactly. */
const GLUE_EDITS: Array<[RegExp, Array<[string, string]>]> = [
  [
    /codec-libjpeg-turbo-8bit[\\/]dist[\\/]libjpegturbowasm_decode\.js$/,
    [
      ['var ENVIRONMENT_IS_NODE=typeof process=="object"', 'var ENVIRONMENT_IS_NODE=false&&typeof process=="object"'],
      ['require("fs")', "{}"],
      ['require("path")', "{}"],
      ['scriptDirectory=__dirname+"/"', 'scriptDirectory=""'],
      // workerd has WorkerGlobalScope but no self.location.
      ["scriptDirectory=self.location.href", 'scriptDirectory=self.location?.href??""'],
    ],
  ],
  [
    /@jsquash[\\/]webp[\\/]codec[\\/]dec[\\/]webp_dec\.js$/,
    [
      ["var _scriptDir = import.meta.url;", 'var _scriptDir = "";'],
      ['if(import.meta.url===undefined){import.meta.url="https://localhost"}', ""],
      ["if(isRunningInCloudFlareWorkers||isRunningInNode){", "if(true){"],
      ['var ENVIRONMENT_IS_NODE=typeof process=="object"', 'var ENVIRONMENT_IS_NODE=false&&typeof process=="object"'],
      ['new URL("webp_dec.wasm",import.meta.url).href', '"webp_dec.wasm"'],
    ],
  ],
  [
    /[\\/]lerc[\\/]LercDecode\.es\.js$/,
    [
      ['if(a){const{createRequire:t}=await import(/*webpackIgnore:true*/"module");var i=t(import.meta.url)}', ""],
      ["a=globalThis.process?.versions?.node", "a=false&&globalThis.process?.versions?.node"],
      ["l=import.meta.url", 'l=""'],
      ['new URL("lerc-wasm.wasm",import.meta.url).href', '"lerc-wasm.wasm"'],
      ["Module({locateFile:e})", "Module({locateFile:e,instantiateWasm:t.instantiateWasm})"],
    ],
  ],
  [
    /@jsquash[\\/]webp[\\/]codec[\\/]enc[\\/]webp_enc\.js$/,
    [
      ["var _scriptDir = import.meta.url;", 'var _scriptDir = "";'],
      ['if(import.meta.url===undefined){import.meta.url="https://localhost"}', ""],
      ["if(isRunningInCloudFlareWorkers||isRunningInNode){", "if(true){"],
      ['var ENVIRONMENT_IS_NODE=typeof process=="object"', 'var ENVIRONMENT_IS_NODE=false&&typeof process=="object"'],
      ['new URL("webp_enc.wasm",import.meta.url).href', '"webp_enc.wasm"'],
    ],
  ],
  [
    // jpeg-js's encoder returns a Node Buffer whenever `module` exists (as in any bundle).
    /jpeg-js[\\/]lib[\\/]encoder\.js$/,
    [["return Buffer.from(byteout);", "return new Uint8Array(byteout);"]],
  ],
];

/**
 * Bundles the codecs' emscripten glue with its Node and file-locating branches cut off (and jpeg-js's
 * encoder without its Node Buffer): the WASM
 * is always handed in (`instantiateWasm`), so no `require("fs")`, `import("module")` or
 * `new URL("x.wasm", import.meta.url)` is left for a consumer's bundler to trip on.
 */
export function patchCodecGlue(): Plugin {
  return {
    name: "cogread-codec-glue",
    setup(build) {
      const patched = new Set<RegExp>();
      build.onEnd((result) => {
        if (result.errors.length > 0) return;
        const missed = GLUE_EDITS.filter(([filter]) => !patched.has(filter)).map(([filter]) => String(filter));
        if (missed.length > 0) throw new Error(`codec glue not bundled from the expected files: ${missed.join(", ")}`);
      });
      for (const [filter, edits] of GLUE_EDITS) {
        build.onLoad({ filter }, (args) => {
          patched.add(filter);
          let text = readFileSync(args.path, "utf8");
          for (const [from, to] of edits) {
            const n = text.split(from).length - 1;
            if (n !== 1) throw new Error(`${args.path}: expected "${from}" once, found ${n} (codec package updated? see build/plugins.ts)`);
            text = text.replace(from, () => to);
          }
          const left = /import\.meta|require\(["']|__dirname/.exec(text);
          if (left) throw new Error(`${args.path}: "${left[0]}" is left after patching (see build/plugins.ts)`);
          return { contents: text, loader: "js" };
        });
      }
    },
  };
}
