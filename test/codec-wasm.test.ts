// setCodecWasm: every documented way to hand a codec its WebAssembly, and the errors when it
// cannot load. Each test loads a fresh module graph (the compiled modules are cached per graph).
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startRangeServer } from "./helpers/range-server.js";

type WasmModule = typeof import("../src/decode/wasm.js");

async function fresh(): Promise<WasmModule> {
  vi.resetModules();
  return import("../src/decode/wasm.js");
}

async function zstdBytes(): Promise<Uint8Array<ArrayBuffer>> {
  const { defaultWasm } = await import("../src/decode/wasm-default.js");
  return new Uint8Array((await defaultWasm("zstd")) as Uint8Array);
}

/** The CogError fields of a rejection (a reset module graph has its own CogError class). */
async function failure(p: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; message?: string };
  }
  throw new Error("resolved");
}

afterEach(() => {
  vi.resetModules();
});

describe("setCodecWasm", () => {
  it("takes bytes, a WebAssembly.Module, a Response or a function, and compiles once", async () => {
    const bytes = await zstdBytes();
    const module = await WebAssembly.compile(bytes);
    const inputs: Array<[string, () => unknown]> = [
      ["Uint8Array", () => bytes],
      ["ArrayBuffer", () => bytes.slice().buffer],
      ["WebAssembly.Module", () => module],
      ["Response", () => new Response(bytes.slice())],
      ["function returning a promise", () => () => Promise.resolve(bytes)],
    ];
    for (const [what, make] of inputs) {
      const wasm = await fresh();
      wasm.setCodecWasm("zstd", make() as never);
      const first = await wasm.codecWasm("zstd");
      expect(first, what).toBeInstanceOf(WebAssembly.Module);
      expect(await wasm.codecWasm("zstd"), what).toBe(first);
    }
  });

  it("fetches a URL on first use only, and the codec then decodes with it", async () => {
    const server = await startRangeServer({
      "/zstd.wasm": await zstdBytes(),
      "/a.tif": readFileSync("test/fixtures/uint8_1band_zstd_block256_ovr2.tif"),
    });
    try {
      const wasm = await fresh();
      wasm.setCodecWasm("zstd", new URL(`${server.url}/zstd.wasm`));
      expect(server.requests).toHaveLength(0);
      const { COGReader } = await import("../src/reader.js");
      const cog = await COGReader.open(readFileSync("test/fixtures/uint8_1band_zstd_block256_ovr2.tif"));
      const tile = await cog.getTile(0, 0, 0);
      expect(tile.data.length).toBe(256 * 256);
      expect(server.requests.map((r) => r.path)).toEqual(["/zstd.wasm"]);
    } finally {
      await server.close();
    }
  });

  it("a URL that fails or bytes that are not WebAssembly are COG_UNSUPPORTED naming the codec and the remedy, and retried later", async () => {
    const server = await startRangeServer({});
    try {
      const wasm = await fresh();
      wasm.setCodecWasm("webp", `${server.url}/missing.wasm`);
      const e = await failure(wasm.codecWasm("webp"));
      expect(e.code).toBe("COG_UNSUPPORTED");
      expect(e.message).toMatch(/^the WebP codec's WebAssembly \(given to setCodecWasm\) cannot load: GET .*\/missing\.wasm -> 404; hand it its \.wasm with setCodecWasm\("webp", /);
      expect(server.requests).toHaveLength(1);
      await failure(wasm.codecWasm("webp"));
      expect(server.requests).toHaveLength(2); // a failure is not cached
      wasm.setCodecWasm("lerc", new Uint8Array([1, 2, 3, 4]));
      expect((await failure(wasm.codecWasm("lerc"))).message).toMatch(/^the LERC codec's WebAssembly \(given to setCodecWasm\) cannot load: .*magic word/);
    } finally {
      await server.close();
    }
  });

  it("a runtime that forbids compiling from bytes gets the workerd advice", async () => {
    const wasm = await fresh();
    wasm.setCodecWasm("zstd", () => Promise.reject(new Error("WebAssembly.compile(): Wasm code generation disallowed by embedder")));
    const e = await failure(wasm.codecWasm("zstd"));
    expect(e.code).toBe("COG_UNSUPPORTED");
    expect(e.message).toMatch(/forbids compiling WebAssembly from bytes: on Cloudflare Workers\/workerd use the `workerd` export condition/);
  });

  it("hands cogread/render's WebP encoder its WebAssembly (webp-encoder); bytes that are not its module are COG_UNSUPPORTED naming it", async () => {
    vi.resetModules();
    const { setCodecWasm } = await import("../src/decode/wasm-config.js");
    const { render } = await import("../src/render.js");
    const { defaultWasm } = await import("../src/decode/wasm-default.js");
    const raster = { width: 2, height: 1, bands: 1, dtype: "uint8" as const, data: Uint8Array.from([0, 255]) };
    setCodecWasm("webp-encoder", await zstdBytes());
    const wrong = await failure(render(raster, { format: "webp" }));
    expect(wrong.code).toBe("COG_UNSUPPORTED");
    expect(wrong.message).toMatch(/^the WebP encoder could not load: WebAssembly.instantiate/);
    setCodecWasm("webp-encoder", () => defaultWasm("webp-encoder"));
    const webp = await render(raster, { format: "webp" });
    expect(new TextDecoder().decode(webp.subarray(8, 12))).toBe("WEBP");
  });

  it("rejects unknown codecs and missing input as COG_USAGE", async () => {
    const wasm = await fresh();
    expect(() => wasm.setCodecWasm("png" as never, new Uint8Array(8))).toThrow(/unknown codec "png" \(one of jpeg, webp, lerc, zstd, webp-encoder\)/);
    expect(() => wasm.setCodecWasm("jpeg", undefined as never)).toThrow(/needs a Module, bytes, a URL or a Response/);
  });
});
