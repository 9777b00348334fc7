import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { jpegCodec, decodeJpeg } from "../src/decode/jpeg.js";
import type { BlockInfo, Codec } from "../src/decode/types.js";
import { decodeWebp } from "../src/decode/webp.js";
import { isCogError } from "../src/errors.js";
import { COGReader } from "../src/reader.js";
import { corpusFile, oracle } from "./helpers/corpus.js";

const PHOTOMETRIC: Record<string, number> = { minisblack: 1, rgb: 2, ycbcr: 6 };

/** The BlockInfo of tile (x, y) of level z, built as the reader would. */
function blockInfo(cog: COGReader, z: number, x: number, y: number): BlockInfo {
  const im = cog.ifds[z];
  const samples = im.planar === 2 ? 1 : im.bands;
  const height = im.tiled ? im.tileHeight : Math.min(im.tileHeight, im.height - y * im.tileHeight);
  return {
    width: im.tileWidth,
    height,
    samples,
    bitsPerSample: im.bitsPerSample,
    sampleFormat: im.sampleFormat,
    littleEndian: cog.littleEndian,
    compression: im.compressionCode,
    photometric: PHOTOMETRIC[im.photometric] ?? 1,
    predictor: im.predictor,
    jpegTables: cog.dataset.ifds[im.ifdIndex].bytes(347),
    ycbcrSubsampling: im.ycbcrSubsampling,
    expectedBytes: im.tileWidth * height * samples,
    context: { url: cog.url, ifd: im.ifdIndex, x, y, z },
  };
}

/** Compressed bytes of each plane of tile (x, y, z), cut at the end of the file. */
async function tileBytes(cog: COGReader, file: Uint8Array, x: number, y: number, z: number): Promise<Uint8Array[]> {
  const ranges = await cog.locateTile(x, y, z);
  return ranges.map((r) => file.subarray(Math.min(r.offset, file.length), Math.min(r.offset + r.length, file.length)));
}

interface Stats {
  max: number;
  mean: number;
  count: number;
}

/** Decodes the tiles under every oracle window and compares each pixel with GDAL's value. */
async function compareWithOracle(path: string, codec: Codec): Promise<Stats> {
  const expected = oracle(path).windows;
  const file = new Uint8Array(readFileSync(corpusFile(path)));
  const cog = await COGReader.open(corpusFile(path));
  const decoded = new Map<string, Uint8Array[]>();
  let max = 0;
  let sum = 0;
  let count = 0;
  try {
    for (const level of expected.levels) {
      const z = level.level === "full" ? 0 : level.overview_index + 1;
      const im = cog.ifds[z];
      expect([im.width, im.height]).toEqual([level.width, level.height]);
      for (const win of level.windows) {
        for (let row = 0; row < win.ysize; row++) {
          for (let col = 0; col < win.xsize; col++) {
            const px = win.xoff + col;
            const py = win.yoff + row;
            const [tx, ty] = [Math.floor(px / im.tileWidth), Math.floor(py / im.tileHeight)];
            const key = `${z}/${tx}/${ty}`;
            let planes = decoded.get(key);
            if (planes === undefined) {
              const block = blockInfo(cog, z, tx, ty);
              const bytes = await tileBytes(cog, file, tx, ty, z);
              // A sparse block (no bytes) reads as zeros in GDAL.
              planes = await Promise.all(bytes.map((b) => (b.length === 0 ? new Uint8Array(block.expectedBytes) : codec(b, block))));
              decoded.set(key, planes);
            }
            const i = (py - ty * im.tileHeight) * im.tileWidth + (px - tx * im.tileWidth);
            win.bands.forEach((band: { values: number[][] }, b: number) => {
              const got = im.planar === 2 ? planes[b][i] : planes[0][i * im.bands + b];
              const diff = Math.abs(got - band.values[row][col]);
              max = Math.max(max, diff);
              sum += diff;
              count++;
            });
          }
        }
      }
    }
  } finally {
    await cog.close();
  }
  return { max, mean: count ? sum / count : 0, count };
}

// Oracle: GDAL 3.6.2 reading through libjpeg-turbo (JPEGCOLORMODE=RGB) and libwebp.
const JPEG_FILES = [
  "rasterio/rasterio__cogeo.tif", // 512x512 YCbCr tiles, JPEGTables, 6 overviews
  "aiocogeo/aiocogeo__cog.tif", // 16x16 YCbCr tiles
  "rio-tiler/rio-tiler__cog_rgb.tif", // 128x128 YCbCr, partial edge tiles
  "gdal/gdal__rgbsmall_JPEG_ycbcr.tif", // YCbCr single strip
  "gdal/gdal__rgbsmall_JPEG_tiled_separate.tif", // photometric RGB, planar 2: one gray JPEG per band
  "gdal/gdal__byte_ovr_jpeg_tablesmode0.tif", // gray, no JPEGTables: tables inline in each strip
  "gdal/gdal__ycbcr_with_mask.tif",
  "cogeotiff/cogeotiff__be_cog.tiff", // big-endian file
  "image-tiff/image-tiff__quad-tile.jpg.tiff",
];

const WEBP_FILES: Array<{ path: string; lossless: boolean }> = [
  { path: "gdal/gdal__rgbsmall_WEBP_tiled.tif", lossless: true }, // VP8L, RGB
  { path: "cogeotiff/cogeotiff__rgba8_strip.tiff", lossless: false }, // VP8 strips, 4 bands, no ALPH chunk
  { path: "image-tiff/image-tiff__usda_naip_256_webp_z3.tif", lossless: false }, // VP8X+ALPH+VP8
  { path: "cogeotiff/cogeotiff__sparse.tiff", lossless: true }, // every block sparse: zeros, no decode
];

const report = (name: string, s: Stats) =>
  console.log(`${name.padEnd(56)} max |Δ| ${s.max}  mean |Δ| ${s.mean.toFixed(4)}  (${s.count} samples)`);

describe("JPEG against GDAL's oracle windows", () => {
  it.each(JPEG_FILES)("%s: default decoder within ±2 DN, mean ≤ 0.5", async (path) => {
    const stats = await compareWithOracle(path, decodeJpeg);
    report(`${path} [decodeJpeg]`, stats);
    expect(stats.count).toBeGreaterThan(0);
    expect(stats.max).toBeLessThanOrEqual(2);
    expect(stats.mean).toBeLessThanOrEqual(0.5);
  });

  // jpeg-js's integer IDCT is not libjpeg's islow one: Y, Cb and Cr each differ by up to 1, which
  // the YCbCr -> RGB conversion can add up to 3 in B (1 + 1.772). Chroma upsampling is exact.
  it.each(JPEG_FILES)("%s: jpeg-js fallback within ±3 DN, mean ≤ 0.5", async (path) => {
    const stats = await compareWithOracle(path, jpegCodec("jpeg-js"));
    report(`${path} [jpeg-js]`, stats);
    expect(stats.max).toBeLessThanOrEqual(3);
    expect(stats.mean).toBeLessThanOrEqual(0.5);
  });
});

describe("WebP against GDAL's oracle windows", () => {
  it.each(WEBP_FILES)("$path (lossless: $lossless)", async ({ path, lossless }) => {
    const stats = await compareWithOracle(path, decodeWebp);
    report(path, stats);
    expect(stats.count).toBeGreaterThan(0);
    expect(stats.max).toBeLessThanOrEqual(lossless ? 0 : 1);
  });
});

/** The first tile of level 0 of a corpus file, with its BlockInfo. */
async function firstTile(path: string): Promise<{ bytes: Uint8Array; block: BlockInfo }> {
  const cog = await COGReader.open(corpusFile(path));
  try {
    const file = new Uint8Array(readFileSync(corpusFile(path)));
    return { bytes: (await tileBytes(cog, file, 0, 0, 0))[0], block: blockInfo(cog, 0, 0, 0) };
  } finally {
    await cog.close();
  }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    if (isCogError(e)) return `${e.code}: ${e.message}`;
    // A module graph reloaded by vi.resetModules() has its own CogError class.
    if (e instanceof Error && e.name === "CogError") return `${(e as Error & { code: string }).code}: ${e.message}`;
    return `not a CogError: ${String(e)}`;
  }
  return "resolved";
}

describe("JPEG details and malformed input", () => {
  const backends: Array<[string, Codec]> = [
    ["libjpeg-turbo", jpegCodec("libjpeg-turbo")],
    ["jpeg-js", jpegCodec("jpeg-js")],
  ];

  it("the default decoder is libjpeg-turbo (identical output)", async () => {
    const { bytes, block } = await firstTile("rasterio/rasterio__cogeo.tif");
    const same = Buffer.compare(await decodeJpeg(bytes, block), await jpegCodec("libjpeg-turbo")(bytes, block));
    expect(same).toBe(0);
  });

  it("never falls back to jpeg-js: a libjpeg-turbo that cannot load is COG_UNSUPPORTED saying what to do", async () => {
    const { bytes, block } = await firstTile("rio-tiler/rio-tiler__cog_rgb.tif");
    vi.resetModules();
    vi.doMock("@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs", () => ({
      default: () => Promise.reject(new Error("WebAssembly.instantiate(): no WASM here")),
    }));
    try {
      const fresh = await import("../src/decode/jpeg.js");
      for (const codec of [fresh.decodeJpeg, fresh.jpegCodec("libjpeg-turbo")]) {
        expect(await codeOf(codec(bytes, block))).toMatch(
          /^COG_UNSUPPORTED: JPEG decoder libjpeg-turbo could not load: .*no WASM here; hand it its WASM with setCodecWasm\("jpeg", …\) or choose registerCodec\(7, \(\) => jpegCodec\("jpeg-js"\)\)/,
        );
      }
      // jpeg-js only when asked for, and then it works.
      expect(await codeOf(fresh.jpegCodec("jpeg-js")(bytes, block))).toBe("resolved");
    } finally {
      vi.doUnmock("@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs");
      vi.resetModules();
    }
  });

  it("a WASM that cannot compile is COG_UNSUPPORTED naming the codec, and a good one given later is used", async () => {
    const { bytes, block } = await firstTile("rio-tiler/rio-tiler__cog_rgb.tif");
    vi.resetModules();
    try {
      const wasm = await import("../src/decode/wasm.js");
      const fresh = await import("../src/decode/jpeg.js");
      wasm.setCodecWasm("jpeg", new Uint8Array([0, 1, 2, 3]));
      expect(await codeOf(fresh.decodeJpeg(bytes, block))).toMatch(
        /^COG_UNSUPPORTED: the JPEG \(libjpeg-turbo\) codec's WebAssembly \(given to setCodecWasm\) cannot load: .*magic word.*setCodecWasm\("jpeg", .*jpegCodec\("jpeg-js"\)/,
      );
      const { defaultWasm } = await import("../src/decode/wasm-default.js");
      const module = await WebAssembly.compile(new Uint8Array((await defaultWasm("jpeg")) as Uint8Array));
      wasm.setCodecWasm("jpeg", () => module);
      expect(Buffer.compare(await fresh.decodeJpeg(bytes, block), await jpegCodec("libjpeg-turbo")(bytes, block))).toBe(0);
      expect(() => wasm.setCodecWasm("jpg" as never, module)).toThrow(/unknown codec "jpg"/);
    } finally {
      vi.resetModules();
    }
  });

  it("photometric RGB returns the stored samples without a colour transform", async () => {
    // Decode a YCbCr stream as if the TIFF said RGB: we must get raw (upsampled) Y, Cb, Cr, and
    // converting those with libjpeg's fixed-point formula must give the photometric YCbCr result.
    const { bytes, block } = await firstTile("rasterio/rasterio__cogeo.tif");
    const rgb = await decodeJpeg(bytes, block);
    const ycc = await decodeJpeg(bytes, { ...block, photometric: 2 });
    expect(Buffer.compare(ycc, rgb)).not.toBe(0);
    const clamp = (v: number) => Math.min(255, Math.max(0, v));
    for (let i = 0; i < ycc.length; i += 3) {
      const [y, cb, cr] = [ycc[i], ycc[i + 1] - 128, ycc[i + 2] - 128];
      const want = [
        clamp(y + ((91881 * cr + 32768) >> 16)),
        clamp(y + ((-22554 * cb - 46802 * cr + 32768) >> 16)),
        clamp(y + ((116130 * cb + 32768) >> 16)),
      ];
      if (want[0] !== rgb[i] || want[1] !== rgb[i + 1] || want[2] !== rgb[i + 2]) expect([i, ...want]).toEqual([i, ...rgb.subarray(i, i + 3)]);
    }
  });

  // Its TileByteCounts run past the end of the file: what is there is not even a JPEG start.
  it.each(backends)("%s: the cut-off tile of rasterio corrupt.tif (1,1: 38232 of 47086 bytes) is COG_FORMAT", async (_, codec) => {
    const path = "rasterio/rasterio__corrupt.tif";
    const cog = await COGReader.open(corpusFile(path));
    const [bytes] = await tileBytes(cog, new Uint8Array(readFileSync(corpusFile(path))), 1, 1, 0);
    const block = blockInfo(cog, 0, 1, 1);
    await cog.close();
    expect(bytes.length).toBe(38232);
    expect(await codeOf(codec(bytes, block))).toMatch(/^COG_FORMAT: JPEG .*x=1, y=1/);
  });

  it.each(backends)("%s: cut, garbage and missing-SOI streams are COG_FORMAT, never a crash", async (_, codec) => {
    const { bytes, block } = await firstTile("rasterio/rasterio__cogeo.tif");
    for (const cut of [3, 10, 200, 600, Math.floor(bytes.length / 2), bytes.length - 1]) {
      expect(await codeOf(codec(bytes.subarray(0, cut), block))).toMatch(/^COG_FORMAT: JPEG/);
    }
    expect(await codeOf(codec(bytes.subarray(0, bytes.length >> 1), block))).toMatch(/truncated \(no EOI marker\)/);
    expect(await codeOf(codec(new Uint8Array(500).fill(7), block))).toMatch(/^COG_FORMAT: JPEG block does not start/);
    const flipped = bytes.slice();
    for (let i = 700; i < 760; i++) flipped[i] ^= 0x5a;
    expect(await codeOf(codec(flipped, block))).toMatch(/^(COG_FORMAT|resolved)/);
    // The decoder still works after all that.
    expect((await codec(bytes, block)).length).toBe(block.expectedBytes);
  });

  it("a frame larger than the block is COG_LIMIT before decoding; a component mismatch COG_FORMAT", async () => {
    const { bytes, block } = await firstTile("aiocogeo/aiocogeo__cog.tif");
    const small = { ...block, width: 8, height: 8, expectedBytes: 8 * 8 * 3 };
    expect(await codeOf(decodeJpeg(bytes, small))).toMatch(/^COG_LIMIT: JPEG is 16x16/);
    const four = { ...block, samples: 4, expectedBytes: 16 * 16 * 4 };
    expect(await codeOf(decodeJpeg(bytes, four))).toMatch(/^COG_FORMAT: JPEG has 3 components, the TIFF block 4/);
  });

  it("12-bit JPEG is COG_UNSUPPORTED (no decoder here handles it)", async () => {
    const { bytes, block } = await firstTile("gdal/gdal__mandrilmini_12bitjpeg.tif");
    expect(block.bitsPerSample).toBe(12);
    expect(await codeOf(decodeJpeg(bytes, block))).toMatch(/^COG_UNSUPPORTED: 12-bit JPEG/);
    expect(await codeOf(decodeJpeg(bytes, { ...block, bitsPerSample: 8 }))).toMatch(/^COG_UNSUPPORTED: 12-bit JPEG/);
  });
});

describe("WebP malformed input", () => {
  it("truncated, garbage and oversized WebP tiles are COG_FORMAT / COG_LIMIT", async () => {
    const { bytes, block } = await firstTile("image-tiff/image-tiff__usda_naip_256_webp_z3.tif");
    expect((await decodeWebp(bytes, block)).length).toBe(256 * 256 * 4);
    expect(await codeOf(decodeWebp(bytes.subarray(0, bytes.length >> 1), block))).toMatch(/^COG_FORMAT: corrupt WebP/);
    expect(await codeOf(decodeWebp(new Uint8Array(64), block))).toMatch(/^COG_FORMAT: WebP block does not start/);
    const small = { ...block, width: 128, height: 128, expectedBytes: 128 * 128 * 4 };
    expect(await codeOf(decodeWebp(bytes, small))).toMatch(/^COG_LIMIT: WebP is 256x256/);
    // The decoder still works afterwards; RGB when the block has 3 samples.
    const rgb = await decodeWebp(bytes, { ...block, samples: 3, expectedBytes: 256 * 256 * 3 });
    expect(rgb.length).toBe(256 * 256 * 3);
  });
});
