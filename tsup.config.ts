import { defineConfig, type Options } from "tsup";
import { patchCodecGlue, platformSwap, wasmDefaults, type Target } from "./build/plugins.js";

// Three builds of one source tree (package.json "exports" picks one per runtime):
//   dist/          Node (ESM + CJS, types): undici, node:fs, node:zlib, worker threads
//   dist/web/      browsers, Deno, Bun's browser mode, bundlers' default: fetch, DecompressionStream
//   dist/workerd/  Cloudflare Workers / workerd: as web, but each codec imports its .wasm as a module
// The codec packages (devDependencies) are bundled into each codec's lazy chunk, their glue
// patched so no bundler meets Node built-ins or `new URL("x.wasm", import.meta.url)`.
const CODEC_PACKAGES = ["@cornerstonejs/codec-libjpeg-turbo-8bit", "@jsquash/webp", "lerc", "zstddec"];

function build(target: Target, options: Options): Options {
  return {
    entry: { index: "src/index.ts" },
    format: ["esm"],
    sourcemap: true,
    platform: "neutral",
    splitting: true,
    noExternal: CODEC_PACKAGES,
    esbuildPlugins: [platformSwap(target), wasmDefaults(target), patchCodecGlue()],
    esbuildOptions(o) {
      o.conditions = target === "node" ? ["node", "import", "default"] : ["browser", "import", "default"];
      if (target === "workerd") o.loader = { ...o.loader, ".wasm": "copy" };
    },
    ...options,
  };
}

export default defineConfig([
  build("node", {
    entry: { index: "src/index.ts", "decode/worker": "src/decode/worker.ts" },
    format: ["esm", "cjs"],
    dts: { entry: { index: "src/index.ts" } },
    shims: true,
    target: "node20",
    external: ["node:fs", "node:fs/promises", "node:zlib", "node:url", "node:os", "node:module", "node:stream", "node:worker_threads", "undici", "proj4"],
  }),
  build("web", { outDir: "dist/web", target: "es2022" }),
  build("workerd", { outDir: "dist/workerd", target: "es2022" }),
  build("node", {
    entry: { "cli/main": "src/cli/bin.ts" },
    target: "node20",
    platform: "node",
    banner: { js: "#!/usr/bin/env node" },
  }),
]);
