import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: { index: "src/index.ts", "decode/worker": "src/decode/worker.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    shims: true,
    target: "node20",
    platform: "neutral",
    external: ["node:fs", "node:fs/promises", "node:zlib", "node:url", "node:os", "node:worker_threads", "undici", "proj4"],
  },
  {
    entry: { "cli/main": "src/cli/bin.ts" },
    format: ["esm"],
    sourcemap: true,
    target: "node20",
    platform: "node",
    banner: { js: "#!/usr/bin/env node" },
  },
]);
