import path from "node:path";
import type { Plugin } from "esbuild";
import { defineConfig, type Options } from "tsup";
import { patchCodecGlue, wasmDefaults } from "./build/plugins.js";

// The Node build (dist/: ESM + CJS + types, and the CLI). The portable builds, dist/web/ and
// dist/workerd/, are made by build/portable.ts after this (package.json "build").
// The codec packages (devDependencies) are bundled into each codec's lazy chunk, their glue
// patched so that nothing looks for Node built-ins or `.wasm` files by itself, and each codec's
// WASM embedded in its own chunk (a Node bundle made by the user keeps working).
const CODEC_PACKAGES = ["@cornerstonejs/codec-libjpeg-turbo-8bit", "@jsquash/webp", "lerc", "zstddec"];

function nodeBuild(options: Options): Options {
  return {
    format: ["esm"],
    sourcemap: true,
    platform: "neutral",
    splitting: true,
    target: "node20",
    // jpeg-js's encoder (a dependency) is bundled too, patched: render's JPEG chunk (plugins.ts).
    noExternal: [...CODEC_PACKAGES, /^jpeg-js\/lib\/encoder/],
    esbuildPlugins: [wasmDefaults(), patchCodecGlue()],
    esbuildOptions(o) {
      o.conditions = ["node", "import", "default"];
    },
    ...options,
  };
}

/**
 * In the CLI build, imports of the library's entry modules (from src/cli/, src/serve/ or any
 * module they bundle) become imports of the built `../index.js` and `../render.js`, so that the
 * CLI has one copy of the library, its caches and its error class (`isCogError` holds for errors
 * the library throws). The CLI is one file, dist/cli/main.js: these paths are relative to it.
 */
function libraryExternal(): Plugin {
  const src = path.resolve("src");
  const entries = new Map<string, string>([
    ...["index", "reader", "errors", "cog-layout"].map((m) => [path.join(src, `${m}.js`), "../index.js"] as const),
    [path.join(src, "render.js"), "../render.js"],
    // cogread/mosaic (src/mosaic.ts), for src/serve/mosaic-adapter.ts once it imports "../mosaic.js".
    [path.join(src, "mosaic.js"), "../mosaic.js"],
  ]);
  return {
    name: "cogread-cli-library",
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const to = entries.get(path.resolve(args.resolveDir, args.path));
        return to === undefined ? undefined : { path: to, external: true };
      });
    },
  };
}

export default defineConfig([
  nodeBuild({
    entry: { index: "src/index.ts", resampling: "src/resampling.ts", render: "src/render.ts", s3: "src/s3.ts", mosaic: "src/mosaic.ts", "decode/worker": "src/decode/worker.ts" },
    format: ["esm", "cjs"],
    dts: { entry: { index: "src/index.ts", resampling: "src/resampling.ts", render: "src/render.ts", s3: "src/s3.ts", mosaic: "src/mosaic.ts" } },
    shims: true,
    external: ["node:fs", "node:fs/promises", "node:zlib", "node:url", "node:os", "node:module", "node:stream", "node:worker_threads", "undici", "proj4"],
  }),
  nodeBuild({
    entry: { "cli/main": "src/cli/bin.ts" },
    platform: "node",
    banner: { js: "#!/usr/bin/env node" },
    // The CLI uses the built library (../index.js) rather than a second copy of it and its codecs.
    esbuildPlugins: [libraryExternal()],
  }),
]);
