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
    noExternal: CODEC_PACKAGES,
    esbuildPlugins: [wasmDefaults("node"), patchCodecGlue()],
    esbuildOptions(o) {
      o.conditions = ["node", "import", "default"];
    },
    ...options,
  };
}

export default defineConfig([
  nodeBuild({
    entry: { index: "src/index.ts", "decode/worker": "src/decode/worker.ts" },
    format: ["esm", "cjs"],
    dts: { entry: { index: "src/index.ts" } },
    shims: true,
    external: ["node:fs", "node:fs/promises", "node:zlib", "node:url", "node:os", "node:module", "node:stream", "node:worker_threads", "undici", "proj4"],
  }),
  nodeBuild({
    entry: { "cli/main": "src/cli/bin.ts" },
    platform: "node",
    banner: { js: "#!/usr/bin/env node" },
  }),
]);
