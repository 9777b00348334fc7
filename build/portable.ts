// Builds dist/web/ (browsers, Deno, bundlers' default) and dist/workerd/ (Cloudflare Workers):
// one ES module per source module, imports kept, so a consumer's bundler tree-shakes and splits
// exactly as it would the sources (a pre-bundled file keeps every chunk it imports). What differs
// from the sources:
//   platform/node.js      is src/platform/web.ts (no Node built-ins, no undici)
//   platform/inflate.js   is src/platform/inflate-web.ts (no node:zlib)
//   platform/deflate.js   is src/platform/deflate-web.ts (no node:zlib: render's PNG uses pako)
//   decode/glue/*.js      the codec packages' emscripten glue, bundled and patched (plugins.ts)
//   render/glue/*.js      jpeg-js's and libwebp's encoders, bundled and patched the same way
//   render/wasm-default.js imports decode/wasm/webp-encoder.js on first WebP render (not listed in
//                          decode/wasm-default.js, so that only bundles that render carry it)
//   decode/wasm-default.js imports decode/wasm/<codec>.js on first use: the WASM embedded as
//                          base64 (web) or a `.wasm` module import that workerd compiles (workerd)
// Node-only modules (file and undici sources, worker threads, node:zlib) are left out.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { patchCodecGlue, wasmBytes, wasmFile, CODECS, ENCODER } from "./plugins.js";

const NODE_ONLY = [
  "cli/", "serve/", "decode/worker.ts", "decode/worker-pool.ts", "decode/inflate-node.ts", "source/file.ts", "source/http.ts",
  "platform/", "decode/wasm-default.ts", "decode/glue/", "render/glue/", "render/wasm-default.ts",
];

function sources(dir = "src"): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith(".ts") && !p.endsWith(".d.ts") ? [p] : [];
  });
}

async function portable(target: "web" | "workerd"): Promise<void> {
  const out = path.join("dist", target);
  rmSync(out, { recursive: true, force: true });
  const common = { format: "esm", target: "es2022", platform: "neutral", logLevel: "warning" } as const;
  const entries = sources().filter((p) => !NODE_ONLY.some((n) => p.slice(4).startsWith(n)));
  await build({ ...common, entryPoints: entries, outdir: out, outbase: "src", bundle: false });
  await build({ ...common, entryPoints: { "platform/node": "src/platform/web.ts", "platform/inflate": "src/platform/inflate-web.ts", "platform/deflate": "src/platform/deflate-web.ts" }, outdir: out, bundle: false });
  await build({
    ...common,
    entryPoints: {
      "decode/glue/jpeg": "src/decode/glue/jpeg.ts", "decode/glue/webp": "src/decode/glue/webp.ts", "decode/glue/lerc": "src/decode/glue/lerc.ts",
      "render/glue/jpeg-encoder": "src/render/glue/jpeg-encoder.ts", "render/glue/webp-encoder": "src/render/glue/webp-encoder.ts",
    },
    outdir: out, bundle: true, conditions: ["browser", "import", "default"], mainFields: ["module", "main"], plugins: [patchCodecGlue()],
  });
  mkdirSync(path.join(out, "decode/wasm"), { recursive: true });
  const cases = CODECS.map((c) => `    case "${c}": return import("./wasm/${c}.js").then((m) => m.default);\n`).join("");
  writeFileSync(
    path.join(out, "decode/wasm-default.js"),
    `// Each codec's WebAssembly, loaded on the codec's first use (build/portable.ts).\nexport function defaultWasm(codec) {\n  switch (codec) {\n${cases}  }\n  throw new Error("no WebAssembly for " + codec);\n}\n`,
  );
  writeFileSync(
    path.join(out, "render/wasm-default.js"),
    `// The WebP encoder's WebAssembly, loaded on the first WebP render (build/portable.ts).\nexport function encoderWasm() {\n  return import("../decode/wasm/${ENCODER}.js").then((m) => m.default);\n}\n`,
  );
  for (const codec of [...CODECS, ENCODER] as const) {
    const file = path.join(out, "decode/wasm", `${codec}.js`);
    if (target === "workerd") {
      copyFileSync(wasmFile(codec), path.join(out, "decode/wasm", `${codec}.wasm`));
      writeFileSync(file, `// workerd compiles this import into a WebAssembly.Module when the Worker loads.\nimport wasm from "./${codec}.wasm";\nexport default wasm;\n`);
    } else {
      const b64 = Buffer.from(wasmBytes(codec)).toString("base64");
      writeFileSync(file, `// The ${codec} codec's WebAssembly, embedded so that no bundler or server has to find a .wasm file.\nconst b = atob("${b64}");\nconst bytes = new Uint8Array(b.length);\nfor (let i = 0; i < b.length; i++) bytes[i] = b.charCodeAt(i);\nexport default bytes;\n`);
    }
  }
}

await portable("web");
await portable("workerd");
