// cogread/render: every PNG is decoded here, by sharp (libvips) for the pixels and by a chunk
// reader below (node:zlib for IDAT, CRCs checked) for what the file holds; JPEGs by jpeg-js.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { crc32, inflateSync } from "node:zlib";
import jpeg from "jpeg-js";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { COGReader, isCogError, type Raster } from "../src/index.js";
import { colormap, COLORMAP_NAMES, render, type RenderOptions } from "../src/render.js";
import { encodePng } from "../src/render/png.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const MATPLOTLIB = JSON.parse(readFileSync(join(FIXTURES, "render/colormaps.json"), "utf8")) as { matplotlib: string; tables: Record<string, number[][]> };

/** A raster of `bands` bands of `width` × 1 pixels from band-sequential values. */
function raster(dtype: Raster["dtype"], bands: number, values: number[], extra: Partial<Raster> = {}): Raster {
  const Type = { uint8: Uint8Array, uint16: Uint16Array, int16: Int16Array, float32: Float32Array, float64: Float64Array }[dtype as "uint8"];
  const width = values.length / bands;
  return { width, height: 1, bands, dtype, data: Type.from(values), ...extra };
}

/** Chunks of a PNG, CRCs checked; the colour type; IDAT inflated (filter bytes and all). */
function chunks(png: Uint8Array): { types: string[]; colorType: number; plte?: Uint8Array; trns?: Uint8Array; rows: Uint8Array } {
  expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const types: string[] = [];
  const found: Record<string, Uint8Array> = {};
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    expect(view.getUint32(at + 8 + length), `CRC of ${type}`).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    types.push(type);
    found[type] = data;
    at += 12 + length;
  }
  return { types, colorType: found.IHDR[9], plte: found.PLTE, trns: found.tRNS, rows: new Uint8Array(inflateSync(found.IDAT)) };
}

/** The PNG's pixels as RGBA (sharp expands gray, gray + alpha, palettes and RGB). */
async function rgbaOf(png: Uint8Array): Promise<{ width: number; height: number; rgba: number[] }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(4);
  return { width: info.width, height: info.height, rgba: Array.from(data) };
}

/** Pixel i of an RGBA list. */
const px = (rgba: number[], i: number) => rgba.slice(i * 4, i * 4 + 4);

async function usage(r: Raster, options: RenderOptions, message: RegExp): Promise<void> {
  const error = await render(r, options).catch((e: unknown) => e);
  expect(isCogError(error, "COG_USAGE"), String(error)).toBe(true);
  expect((error as Error).message).toMatch(message);
}

/** Tile (0, 0, 0) of a fixture, its file closed again. */
async function firstTile(name: string): Promise<Raster> {
  const cog = await COGReader.open(join(FIXTURES, name));
  try {
    return await cog.getTile(0, 0, 0);
  } finally {
    await cog.close();
  }
}

describe("named colormaps: matplotlib's tables", () => {
  it(`every entry of each map equals matplotlib ${MATPLOTLIB.matplotlib}'s cmap(i, bytes=True) (colormaps.json)`, async () => {
    expect(COLORMAP_NAMES.sort()).toEqual(Object.keys(MATPLOTLIB.tables).sort());
    for (const name of COLORMAP_NAMES) expect(await colormap(name), name).toEqual(MATPLOTLIB.tables[name]);
  });

  it("entries as matplotlib gives them", async () => {
    // /usr/bin/python3 -c "import matplotlib; print(matplotlib.colormaps['viridis'](0, bytes=True))" and so on.
    const want: Array<[string, number, number[]]> = [
      ["gray", 0, [0, 0, 0, 255]], ["gray", 128, [128, 128, 128, 255]], ["gray", 255, [255, 255, 255, 255]],
      ["viridis", 0, [68, 1, 84, 255]], ["viridis", 128, [32, 144, 140, 255]], ["viridis", 255, [253, 231, 36, 255]],
      ["magma", 0, [0, 0, 3, 255]], ["magma", 128, [182, 54, 121, 255]], ["magma", 255, [251, 252, 191, 255]],
      ["terrain", 0, [51, 51, 153, 255]], ["terrain", 128, [254, 253, 152, 255]], ["terrain", 255, [255, 255, 255, 255]],
      ["rdylgn", 0, [165, 0, 38, 255]], ["rdylgn", 128, [254, 254, 189, 255]], ["rdylgn", 255, [0, 104, 55, 255]],
      ["viridis_r", 0, [253, 231, 36, 255]],
    ];
    for (const [name, i, rgba] of want) {
      expect(MATPLOTLIB.tables[name][i], `${name}[${i}] in colormaps.json`).toEqual(rgba);
      expect((await colormap(name as "gray"))[i], `${name}[${i}]`).toEqual(rgba);
    }
  });

  it("a colormap draws each 8-bit value as its entry (RdYlGn spelled as matplotlib does)", async () => {
    const values = Array.from({ length: 256 }, (_, i) => i);
    for (const name of ["viridis", "RdYlGn", "terrain_r"]) {
      const png = await render(raster("uint8", 1, values), { colormap: name as "viridis" });
      expect(chunks(png).colorType, "256 colours: a palette").toBe(3);
      const { rgba } = await rgbaOf(png);
      for (const i of [0, 1, 77, 128, 254, 255]) expect(px(rgba, i), `${name} ${i}`).toEqual(MATPLOTLIB.tables[name.toLowerCase()][i]);
    }
  });
});

describe("render: bands, rescale and alpha", () => {
  it("one uint8 band: a gray PNG of the values as they are", async () => {
    const png = await render(raster("uint8", 1, [0, 1, 127, 255]));
    const c = chunks(png);
    expect(c.colorType).toBe(0);
    expect(c.types).toEqual(["IHDR", "IDAT", "IEND"]);
    expect((await rgbaOf(png)).rgba).toEqual([0, 0, 0, 255, 1, 1, 1, 255, 127, 127, 127, 255, 255, 255, 255, 255]);
  });

  it("rescale: linear to 0–255, clamped, truncated as rio-tiler's linear_rescale (uint16, int16, float32)", async () => {
    const cases: Array<[Raster, RenderOptions, number[]]> = [
      [raster("uint16", 1, [0, 1500, 2999, 3000, 4000]), { rescale: [[0, 3000]] }, [0, 127, 254, 255, 255]],
      [raster("int16", 1, [-200, -100, 0, 50, 100, 300]), { rescale: [[-100, 100]] }, [0, 0, 127, 191, 255, 255]],
      [raster("float32", 1, [0, 0.25, 0.5, 1, -1, 7]), { rescale: [[0, 1]] }, [0, 63, 127, 255, 0, 255]],
      // min > max inverts the ramp.
      [raster("uint16", 1, [0, 1000, 3000]), { rescale: [[3000, 0]] }, [255, 170, 0]],
      // No rescale: the dtype's range (rasterio's dtype_ranges), as titiler does.
      [raster("uint16", 1, [0, 257, 32768, 65535]), {}, [0, 1, 127, 255]],
      [raster("int16", 1, [-32768, 0, 32767]), {}, [0, 127, 255]],
    ];
    for (const [r, options, want] of cases) {
      const { rgba } = await rgbaOf(await render(r, options));
      expect(rgba.filter((_, i) => i % 4 === 0), `${r.dtype} ${JSON.stringify(options)}`).toEqual(want);
    }
  });

  it("three bands: RGB in the order asked; one rescale for all or one per band", async () => {
    const r = raster("uint16", 3, [100, 200, 1000, 2000, 3000, 0]); // R: 100 200, G: 1000 2000, B: 3000 0
    expect((await rgbaOf(await render(r, { rescale: [[0, 3000]] }))).rgba).toEqual([8, 85, 255, 255, 17, 170, 0, 255]);
    expect((await rgbaOf(await render(r, { bands: [3, 2, 1], rescale: [[0, 3000]] }))).rgba).toEqual([255, 85, 8, 255, 0, 170, 17, 255]);
    const perBand = await render(r, { rescale: [[0, 200], [0, 2000], [0, 3000]] });
    expect((await rgbaOf(perBand)).rgba).toEqual([127, 127, 255, 255, 255, 255, 0, 255]);
  });

  it("defaults: band 1 of a 2-band raster, bands 1–3 of a 4-band one; 2 and 4 bands asked are gray + alpha and RGBA", async () => {
    const two = raster("uint8", 2, [10, 20, 255, 0]);
    expect((await rgbaOf(await render(two))).rgba).toEqual([10, 10, 10, 255, 20, 20, 20, 255]);
    const ga = await render(two, { bands: [1, 2] });
    expect(chunks(ga).colorType).toBe(4);
    expect((await rgbaOf(ga)).rgba).toEqual([10, 10, 10, 255, 0, 0, 0, 0]);
    const four = raster("uint8", 4, [1, 2, 3, 4, 5, 6, 255, 128]);
    expect((await rgbaOf(await render(four))).rgba).toEqual([1, 3, 5, 255, 2, 4, 6, 255]);
    expect((await rgbaOf(await render(four, { bands: [1, 2, 3, 4] }))).rgba).toEqual([1, 3, 5, 255, 2, 4, 6, 128]);
  });

  it("alpha: the mask (0 transparent), nodata (option or the raster's, NaN too) and NaN pixels", async () => {
    const masked = raster("uint8", 1, [5, 6, 7], { mask: Uint8Array.from([255, 0, 255]) });
    const png = await render(masked);
    expect(chunks(png).colorType).toBe(4);
    expect((await rgbaOf(png)).rgba).toEqual([5, 5, 5, 255, 0, 0, 0, 0, 7, 7, 7, 255]);
    const nodata = raster("float32", 1, [-9999, 0, NaN, 10], { nodata: -9999 });
    const alpha = (rgba: number[]) => rgba.filter((_, i) => i % 4 === 3);
    expect(alpha((await rgbaOf(await render(nodata, { rescale: [[0, 10]] }))).rgba)).toEqual([0, 255, 0, 255]);
    expect(alpha((await rgbaOf(await render(nodata, { rescale: [[0, 10]], nodata: 10 }))).rgba)).toEqual([255, 255, 0, 0]);
    const nan = raster("float64", 1, [NaN, 1], { nodata: NaN });
    expect(alpha((await rgbaOf(await render(nan, { rescale: [[0, 1]] }))).rgba)).toEqual([0, 255]);
    // A pixel is nodata when every drawn band is.
    const rgb = raster("int16", 3, [-1, -1, -1, 5, -1, 5], { nodata: -1 });
    expect(alpha((await rgbaOf(await render(rgb, { rescale: [[0, 5]] }))).rgba)).toEqual([0, 255]);
    // Opaque output has no alpha channel: gray stays gray.
    expect(chunks(await render(raster("uint8", 1, [1, 2]), { nodata: 3 })).colorType).toBe(0);
  });

  it("colormap with a mask: masked pixels transparent, the others the colormap's", async () => {
    const r = raster("uint16", 1, [0, 1000, 2000, 3000], { mask: Uint8Array.from([255, 255, 0, 255]) });
    const png = await render(r, { rescale: [[0, 3000]], colormap: "magma" });
    const c = chunks(png);
    expect(c.colorType).toBe(3);
    expect(c.trns, "transparency of the palette").toBeDefined();
    const { rgba } = await rgbaOf(png);
    expect(px(rgba, 0)).toEqual(MATPLOTLIB.tables.magma[0]);
    expect(px(rgba, 1)).toEqual(MATPLOTLIB.tables.magma[85]);
    expect(px(rgba, 2)).toEqual([0, 0, 0, 0]);
    expect(px(rgba, 3)).toEqual(MATPLOTLIB.tables.magma[255]);
  });

  it("colormap over 256 colours (a partial-alpha mask): RGBA, every pixel its entry and alpha", async () => {
    const values = Array.from({ length: 1024 }, (_, i) => i % 256);
    const mask = Uint8Array.from({ length: 1024 }, (_, i) => [255, 128, 0, 64][i >> 8]);
    const r = { ...raster("uint8", 1, values, { mask }), width: 64, height: 16 };
    const png = await render(r, { colormap: "viridis" });
    expect(chunks(png).colorType).toBe(6);
    const { rgba } = await rgbaOf(png);
    for (let i = 0; i < 1024; i++) {
      const want = mask[i] === 0 ? [0, 0, 0, 0] : [...MATPLOTLIB.tables.viridis[values[i]].slice(0, 3), mask[i]];
      if (px(rgba, i).join() !== want.join()) expect(px(rgba, i), `pixel ${i}`).toEqual(want);
    }
  });

  it("user colormaps: { value: colour } on the band's values, intervals, and a 256-entry array on 0–255", async () => {
    const classes = raster("uint16", 1, [1, 2, 3, 1000]);
    const discrete = await render(classes, { colormap: { 1: [255, 0, 0], 2: [0, 255, 0, 128], 1000: [0, 0, 255, 255] } });
    expect((await rgbaOf(discrete)).rgba).toEqual([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 0, 0, 0, 0, 255, 255]);
    const depth = raster("float32", 1, [-5, 0, 50, 100, 150]);
    const intervals = await render(depth, { colormap: [[[-Infinity, 0], [0, 0, 255]], [[0, 100], [0, 200, 0]]] });
    expect((await rgbaOf(intervals)).rgba).toEqual([0, 0, 255, 255, 0, 200, 0, 255, 0, 200, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0]);
    const ramp = Array.from({ length: 256 }, (_, i) => [i, 0, 255 - i] as const);
    const table = await render(raster("uint16", 1, [0, 1500, 3000]), { rescale: [[0, 3000]], colormap: ramp });
    expect((await rgbaOf(table)).rgba).toEqual([0, 0, 255, 255, 127, 0, 128, 255, 255, 0, 0, 255]);
    // With rescale, value tables see 0–255.
    const rescaled = await render(raster("uint16", 1, [0, 3000]), { rescale: [[0, 3000]], colormap: { 255: [9, 9, 9] } });
    expect((await rgbaOf(rescaled)).rgba).toEqual([0, 0, 0, 0, 9, 9, 9, 255]);
  });

  it("a palette raster (TIFF ColorMap) draws its own colours unless a colormap is given", async () => {
    const map = new Uint16Array(3 * 256);
    map.set([65535, 0], 0); // reds of entries 0 and 1
    map.set([0, 32896], 256); // greens
    map.set([0, 257 * 7], 512); // blues
    const r = raster("uint8", 1, [0, 1, 1], { colormap: map });
    expect((await rgbaOf(await render(r))).rgba).toEqual([255, 0, 0, 255, 0, 128, 7, 255, 0, 128, 7, 255]);
    expect(px((await rgbaOf(await render(r, { colormap: "gray" }))).rgba, 1)).toEqual([1, 1, 1, 255]);
  });

  it("64-bit integers and uint8 over 256 colours: RGB without a palette", async () => {
    const n = 300;
    const values = [...Array.from({ length: n }, (_, i) => i % 256), ...Array.from({ length: n }, (_, i) => (i * 7) % 256), ...Array.from({ length: n }, (_, i) => i >> 1)];
    const png = await render(raster("uint8", 3, values));
    expect(chunks(png).colorType).toBe(2);
    const { rgba } = await rgbaOf(png);
    for (const i of [0, 17, 299]) expect(px(rgba, i)).toEqual([values[i], values[n + i], values[2 * n + i], 255]);
    const big: Raster = { width: 2, height: 1, bands: 1, dtype: "int64", data: BigInt64Array.from([-5n, 5n]) };
    expect((await rgbaOf(await render(big, { rescale: [[-5, 5]] }))).rgba).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });
});

describe("render: files read by cogread", () => {
  it("an RGB WebP tile: the PNG holds the tile's pixels", async () => {
    const tile = await firstTile("uint8_3band_webp_lossy_block256_epsg3857_ovr2.tif");
    const png = await render(tile);
    expect(chunks(png).colorType).toBe(2);
    const { width, height, rgba } = await rgbaOf(png);
    expect([width, height]).toEqual([tile.width, tile.height]);
    const n = tile.width * tile.height;
    for (const i of [0, 1, 1000, n - 1]) expect(px(rgba, i)).toEqual([tile.data[i], tile.data[n + i], tile.data[2 * n + i], 255]);
  });

  it("an RGBA file (alpha band): bands 1–3 and the alpha band as alpha", async () => {
    const tile = await firstTile("uint8_4band_deflate_block256_predictor2_alpha_ovr1.tif");
    const n = tile.width * tile.height;
    const { rgba } = await rgbaOf(await render(tile));
    let transparent = 0;
    for (let i = 0; i < n; i++) {
      const a = tile.data[3 * n + i] as number;
      const want = a === 0 ? [0, 0, 0, 0] : [tile.data[i], tile.data[n + i], tile.data[2 * n + i], a];
      if (a === 0) transparent++;
      if (px(rgba, i).join() !== want.join()) expect(px(rgba, i), `pixel ${i}`).toEqual(want);
    }
    expect(transparent).toBeGreaterThan(0);
  });

  it("a float32 file with nodata through rescale and terrain: nodata transparent, the rest the colormap's", async () => {
    const tile = await firstTile("float32_1band_deflate_block256_predictor3_nodata-9999_ovr2.tif");
    const { rgba } = await rgbaOf(await render(tile, { rescale: [[-20, 28]], colormap: "terrain" }));
    const terrain = MATPLOTLIB.tables.terrain;
    let checked = 0;
    for (let i = 0; i < tile.width * tile.height; i += 97) {
      const v = tile.data[i] as number;
      const want = v === -9999 ? [0, 0, 0, 0] : terrain[Math.trunc(((Math.min(28, Math.max(-20, v)) + 20) / 48) * 255)];
      expect(px(rgba, i), `pixel ${i} (${v})`).toEqual(want);
      checked++;
    }
    expect(checked).toBeGreaterThan(600);
    expect((tile.data as Float32Array).includes(-9999)).toBe(true);
  });

  it("a uint16 3-band file with a rescale per band", async () => {
    const tile = await firstTile("uint16_3band_deflate_block256_predictor2_pixel_ovr1.tif");
    const n = tile.width * tile.height;
    const ranges = [[0, 4000], [500, 3000], [0, 65535]] as const;
    const { rgba } = await rgbaOf(await render(tile, { rescale: ranges }));
    const byte = (v: number, [lo, hi]: readonly [number, number]) => Math.trunc(((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * 255);
    for (const i of [0, 5, 4321, n - 1]) {
      expect(px(rgba, i)).toEqual([0, 1, 2].map((b) => byte(tile.data[b * n + i] as number, ranges[b])).concat(255));
    }
  });
});

describe("render: formats and errors", () => {
  it("JPEG: decodes (jpeg-js) to about the input; masked pixels black", async () => {
    const tile = await firstTile("uint8_3band_webp_lossy_block256_epsg3857_ovr2.tif");
    const n = tile.width * tile.height;
    const bytes = await render(tile, { format: "jpeg", quality: 90 });
    expect(Array.from(bytes.subarray(0, 3))).toEqual([0xff, 0xd8, 0xff]);
    const out = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    expect([out.width, out.height]).toEqual([tile.width, tile.height]);
    let sum = 0;
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) sum += Math.abs(out.data[i * 4 + c] - (tile.data[c * n + i] as number));
    expect(sum / (3 * n)).toBeLessThan(4);
    const masked = raster("uint8", 1, Array.from({ length: 64 }, () => 200), { mask: Uint8Array.from({ length: 64 }, (_, i) => (i < 32 ? 0 : 255)) });
    const m = jpeg.decode(await render({ ...masked, width: 8, height: 8 }, { format: "jpeg" }), { useTArray: true, formatAsRGBA: true });
    expect(m.data[0]).toBeLessThan(8);
    expect(Math.abs(m.data[63 * 4] - 200)).toBeLessThan(8);
  });

  it("WebP: lossy, decodes (sharp's libwebp) to about the input, with the mask as alpha", async () => {
    const tile = await firstTile("uint8_3band_webp_lossy_block256_epsg3857_ovr2.tif");
    const n = tile.width * tile.height;
    const mask = Uint8Array.from({ length: n }, (_, i) => (i % tile.width < 64 ? 0 : 255));
    const bytes = await render({ ...tile, mask }, { format: "webp", quality: 90 });
    expect(new TextDecoder().decode(bytes.subarray(0, 4)) + new TextDecoder().decode(bytes.subarray(8, 12))).toBe("RIFFWEBP");
    const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([tile.width, tile.height, 4]);
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      expect(data[i * 4 + 3], `alpha of pixel ${i}`).toBe(mask[i]);
      if (mask[i] === 0) continue;
      for (let c = 0; c < 3; c++) sum += Math.abs(data[i * 4 + c] - (tile.data[c * n + i] as number));
      count += 3;
    }
    expect(sum / count).toBeLessThan(4);
    const gray = await sharp(await render(raster("uint8", 1, Array.from({ length: 64 }, (_, i) => i * 4)), { format: "webp", quality: 100 })).raw().toBuffer();
    expect(Math.abs(gray[0] - 0) + Math.abs(gray[63 * 3] - 252)).toBeLessThan(12);
  });

  it("bad options are COG_USAGE naming the value", async () => {
    const one = raster("uint8", 1, [1, 2]);
    const three = raster("uint8", 3, [1, 2, 3, 4, 5, 6]);
    await usage(one, { colormap: "jet" as "gray" }, /unknown colormap "jet" \(one of gray, /);
    await usage(one, { colormap: 5 as unknown as "gray" }, /colormap is a name or a table/);
    await usage(three, { rescale: [[0, 1], [0, 2]] }, /one \[min, max\] for every band or one per band \(3\)/);
    await usage(one, { rescale: [[0, 1, 2]] as unknown as [number, number][] }, /\[0,1,2\]/);
    await usage(one, { rescale: [[5, 5]] }, /two different finite numbers/);
    await usage(three, { bands: [4] }, /band 4 is out of range: bands are 1-based and the raster has 3/);
    await usage(three, { bands: [0] }, /band 0 is out of range/);
    await usage(three, { bands: [1, 2, 3, 1, 2] }, /1 \(gray\), 2 \(gray, alpha\), 3 \(RGB\) or 4 \(RGBA\)/);
    await usage(three, { colormap: "viridis" }, /a colormap draws one band, not 3/);
    await usage(one, { colormap: { 1: [300, 0, 0] } }, /colour \["1"\] is \[r, g, b\]/);
    await usage(one, { colormap: { x: [3, 0, 0] } as never }, /key "x" is not a number/);
    await usage(one, { colormap: [[[5, 1], [0, 0, 0]]] }, /interval \[0\]/);
    await usage(one, { format: "gif" as "png" }, /format is one of png, jpeg, webp/);
    await usage(one, { quality: 0 }, /quality is an integer from 1 to 100/);
    await usage({ ...one, data: new Uint8Array(1) }, {}, /not a raster/);
  });

  it("an aborted signal is COG_ABORT", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await render(raster("uint8", 1, [1]), { signal: controller.signal }).catch((e: unknown) => e);
    expect(isCogError(error, "COG_ABORT")).toBe(true);
  });

  it("pako (browsers, workers) writes the same bytes as node:zlib", async () => {
    const tile = await firstTile("uint8_3band_webp_lossy_block256_epsg3857_ovr2.tif");
    const n = tile.width * tile.height;
    const rgb = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = tile.data[c * n + i] as number;
    const image = { width: tile.width, height: tile.height, channels: 3 };
    const node = await encodePng(rgb, image, { backend: "node" });
    expect(Buffer.from(await encodePng(rgb, image, { backend: "pako" })).equals(Buffer.from(node))).toBe(true);
    expect(Buffer.from(await render(tile)).equals(Buffer.from(node))).toBe(true);
  });
});
