// PNG encoders for cogread/render on 256×256 RGBA map tiles: size and time per tile, to choose
// the encoder (README "Rendering"). Candidates: cogread's own writer (palette when <= 256
// colours, adaptive filters, over node:zlib, pako or CompressionStream) in its variants, and,
// when installed, fast-png, upng-js, pngjs and sharp. The other packages are not dependencies of cogread:
//
//   npm install --no-save fast-png upng-js pngjs   # optional candidates
//   npx tsx bench/render.ts [--runs 7] [--out bench/results/render.json]
//
// Every output is decoded with sharp (when installed) and must give the input pixels.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { COGReader } from "../src/index.js";
import { alphaOf } from "../src/render/alpha.js";
import { painterOf } from "../src/render/colormap.js";
import { paint } from "../src/render/compose.js";
import { deflate } from "../src/render/deflate.js";
import { crc32 } from "../src/render/crc32.js";
import { encodePng, type PngOptions } from "../src/render/png.js";
import { bandValues, toBytes } from "../src/render/rescale.js";
import { machineInfo } from "./harness.js";

const ROOT = join(import.meta.dirname, "..");
const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const RUNS = Number(arg("--runs", "7"));
const OUT = arg("--out", "");
const W = 256;
const H = 256;

type Encoder = { name: string; encode(rgba: Uint8Array): Promise<Uint8Array> | Uint8Array };

/**
 * RGBA tiles: a float DEM through terrain (smooth ramps, a nodata corner: under 256 colours), the
 * same stretched so that it has more than 256 colours, and an RGB photo (alpha 255).
 */
async function tiles(): Promise<Array<{ name: string; rgba: Uint8Array; smooth: boolean }>> {
  const dem = await COGReader.open(join(ROOT, "test/fixtures/float32_1band_deflate_block256_predictor3_nodata-9999_ovr2.tif"));
  const t = await dem.getTile(0, 0, 0);
  await dem.close();
  const values = bandValues(t, 0);
  const alpha = alphaOf(t, [values], t.nodata);
  const terrain = paint(await painterOf("terrain", false), toBytes(values, t.dtype, [-20, 28]), values, alpha);
  // Two colormaps side by side: > 256 colours, still smooth.
  const both = paint(await painterOf("viridis", false), toBytes(values, t.dtype, [-20, 28]), values, alpha);
  for (let i = 0; i < W * H; i++) if (i % W >= W / 2) both.data.set(terrain.data.subarray(i * 4, i * 4 + 4), i * 4);
  const photo = await COGReader.open(join(ROOT, "test/fixtures/uint8_3band_webp_lossy_block256_epsg3857_ovr2.tif"));
  const p = await photo.getTile(0, 0, 0);
  await photo.close();
  const rgba = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = p.data[c * W * H + i] as number;
    rgba[i * 4 + 3] = 255;
  }
  if (terrain.channels !== 4 || both.channels !== 4) throw new Error("the DEM tiles should need alpha");
  return [
    { name: "float32 DEM, terrain colormap, nodata (< 256 colours)", rgba: terrain.data, smooth: true },
    { name: "float32 DEM, viridis | terrain halves, nodata (> 256 colours)", rgba: both.data, smooth: true },
    { name: "uint8 RGB photo (WebP fixture), alpha 255", rgba, smooth: false },
  ];
}

async function optional<T>(name: string): Promise<T | undefined> {
  try {
    return (await import(name)) as T;
  } catch {
    return undefined;
  }
}

/** `smooth`: the tile comes from a colormap, as render() tells the PNG writer. */
async function encoders(smooth: boolean): Promise<Encoder[]> {
  const own = (name: string, options: PngOptions): Encoder => ({ name, encode: (rgba) => encodePng(rgba, { width: W, height: H, channels: 4 }, options) });
  const list: Encoder[] = [
    own("cogread as render() writes it, node:zlib (Node)", { smooth }),
    own("cogread as render() writes it, pako (browsers, workers)", { smooth, backend: "pako" }),
    own("cogread: adaptive filters, default strategy, node:zlib", { rle: false }),
    own("cogread: adaptive filters, default strategy, CompressionStream", { rle: false, backend: "stream" }),
    own("cogread: unfiltered, default strategy, node:zlib (palette when <= 256 colours)", { rle: false, filter: "none" }),
    { name: "cogread: unfiltered, no palette, default strategy, node:zlib", encode: unfiltered },
  ];
  const fastPng = await optional<{ encode(img: object): Uint8Array }>("fast-png");
  if (fastPng) list.push({ name: "fast-png (fflate)", encode: (rgba) => fastPng.encode({ width: W, height: H, data: rgba, channels: 4, depth: 8 }) });
  const upng = await optional<{ default: { encode(bufs: ArrayBuffer[], w: number, h: number, cnum: number): ArrayBuffer } }>("upng-js");
  if (upng) list.push({ name: "upng-js (pako 1, lossless)", encode: (rgba) => new Uint8Array(upng.default.encode([rgba.slice().buffer], W, H, 0)) });
  const pngjs = await optional<{ PNG: { sync: { write(png: object): Uint8Array } } }>("pngjs");
  if (pngjs) list.push({ name: "pngjs (node:zlib, sync)", encode: (rgba) => pngjs.PNG.sync.write({ width: W, height: H, data: Buffer.from(rgba) }) });
  const sharp = (await optional<{ default: SharpFn }>("sharp"))?.default;
  if (sharp) {
    list.push({
      name: "sharp (libpng, level 6, adaptive filters)",
      encode: async (rgba) => new Uint8Array(await sharp(rgba, { raw: { width: W, height: H, channels: 4 } }).png({ compressionLevel: 6, adaptiveFiltering: true }).toBuffer()),
    });
  }
  return list;
}

type SharpFn = (input: Uint8Array, options?: object) => {
  png(o: object): { toBuffer(): Promise<Buffer> };
  raw(): { toBuffer(o: { resolveWithObject: true }): Promise<{ data: Buffer; info: { channels: number } }> };
};

/** A PNG with filter type 0 on every row, RGBA as given: what filtering and palettes buy. */
async function unfiltered(rgba: Uint8Array): Promise<Uint8Array> {
  const stride = W * 4 + 1;
  const raw = new Uint8Array(stride * H);
  for (let y = 0; y < H; y++) raw.set(rgba.subarray(y * W * 4, (y + 1) * W * 4), y * stride + 1);
  const idat = await deflate(raw, { rle: false, backend: "node" });
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, W);
  new DataView(ihdr.buffer).setUint32(4, H);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunkOf("IHDR", ihdr), chunkOf("IDAT", idat), chunkOf("IEND", new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

function chunkOf(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/** Median ms per encode over `RUNS` runs of at least 300 ms each, after 300 ms of warm-up. */
async function time(e: Encoder, rgba: Uint8Array): Promise<number> {
  const run = async (minMs: number) => {
    let n = 0;
    const start = performance.now();
    do {
      await e.encode(rgba);
      n++;
    } while (performance.now() - start < minMs);
    return (performance.now() - start) / n;
  };
  await run(300);
  const runs: number[] = [];
  for (let k = 0; k < RUNS; k++) runs.push(await run(300));
  runs.sort((a, b) => a - b);
  return runs[runs.length >> 1];
}

const sharp = (await optional<{ default: SharpFn }>("sharp"))?.default;
const results: Array<Record<string, unknown>> = [];
for (const tile of await tiles()) {
  console.log(`\n${tile.name}: ${W}×${H} RGBA (${tile.rgba.length} bytes)`);
  console.log("| encoder | bytes | ms per tile |\n| --- | ---: | ---: |");
  for (const e of await encoders(tile.smooth)) {
    const png = await e.encode(tile.rgba);
    if (sharp) {
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      const k = info.channels;
      const same = (k === 3 || k === 4) && tile.rgba.every((v, i) => (i % 4 === 3 ? (k === 4 ? data[(i >> 2) * 4 + 3] : 255) : data[(i >> 2) * k + (i % 4)]) === v);
      if (!same) throw new Error(`${e.name}: decoded pixels differ from the input`);
    }
    const ms = await time(e, tile.rgba);
    console.log(`| ${e.name} | ${png.length} | ${ms.toFixed(2)} |`);
    results.push({ tile: tile.name, encoder: e.name, bytes: png.length, ms: Number(ms.toFixed(3)) });
  }
}
if (OUT) writeFileSync(OUT, JSON.stringify({ machine: machineInfo(ROOT, ["fast-png", "upng-js", "pngjs", "sharp", "pako"]), results }, null, 2) + "\n");
