import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COGReader, type Raster } from "../src/index.js";
import { tilesForBounds } from "../src/locate/web-mercator.js";
import { MosaicReader, createMosaic, type PixelSelection } from "../src/mosaic.js";
import { mosaicFixture } from "./helpers/mosaic-fixtures.js";

// Mosaic tiles against tiles of the uncut file (pieces cut by make_mosaic.py with
// gdal_translate -srcwin), and every pixel selection method against values computed here from
// the per-asset tiles with rio-tiler's rules written out pixel by pixel.

const CUTS = [0, 1, 2, 3].map((i) => mosaicFixture(`cut_${i}.tif`));
const OVER = ["over_a.tif", "over_b.tif", "over_c.tif"].map(mosaicFixture);

const SETS = [
  { name: "EPSG:3857, four pieces", whole: "whole.tif", cuts: CUTS, cases: [[14, "nearest"], [15, "nearest"], [13, "nearest"], [15, "bilinear"]] },
  { name: "EPSG:4326 (warped), two pieces", whole: "whole_4326.tif", cuts: [0, 1].map((i) => mosaicFixture(`cut_4326_${i}.tif`)), cases: [[14, "nearest"], [15, "nearest"], [13, "nearest"], [15, "bilinear"], [14, "cubic"]] },
] as const;

for (const set of SETS) {
  describe(`MosaicReader first = the uncut file: ${set.name}`, () => {
    let whole: COGReader;
    let mosaic: MosaicReader;
    beforeAll(async () => {
      whole = await COGReader.open(mosaicFixture(set.whole));
      mosaic = await MosaicReader.open(await createMosaic(set.cuts));
    });
    afterAll(async () => {
      await whole.close();
      await mosaic.close();
    });

    for (const [z, resampling] of set.cases) {
      it(`every zoom-${z} ${resampling} tile over the cuts: ≥ 99% equal pixels, masks equal`, async () => {
        let equal = 0;
        let total = 0;
        let straddling = 0;
        for (const t of tilesForBounds(whole.geographicBounds!, z)) {
          const want = await whole.tile(t.x, t.y, z, { resampling });
          const got = await mosaic.tile(t.x, t.y, z, { resampling });
          if (got.assets.used.length > 1) straddling++;
          expect(got.assets.failed).toEqual([]);
          expect([got.width, got.height, got.bands, got.dtype]).toEqual([want.width, want.height, want.bands, want.dtype]);
          expect(Buffer.from(got.mask!).equals(Buffer.from(want.mask!)), `mask of ${z}/${t.x}/${t.y}`).toBe(true);
          for (let i = 0; i < want.data.length; i++) if (got.data[i] === want.data[i]) equal++;
          total += want.data.length;
        }
        const percent = (100 * equal) / total;
        console.log(`mosaic first vs uncut, ${set.name}, zoom ${z} ${resampling}: ${percent.toFixed(4)}% of ${total} values equal, ${straddling} tiles over a cut`);
        expect(straddling).toBeGreaterThan(0);
        expect(percent).toBeGreaterThanOrEqual(99);
      });
    }
  });
}

/** rio-tiler's methods, one pixel and one band at a time, from the per-asset tiles (in order). */
function expected(tiles: Raster[], method: PixelSelection, fill: number): { data: number[]; mask: number[]; bands: number } {
  const n = tiles[0].width * tiles[0].height;
  const bands = tiles[0].bands;
  const valid = (t: Raster, i: number) => t.mask![i] !== 0;
  const v = (t: Raster, b: number, i: number) => Number(t.data[b * n + i]);
  const data: number[] = [];
  const mask: number[] = [];
  if (method === "count") {
    for (let i = 0; i < n; i++) {
      data.push(tiles.filter((t) => valid(t, i)).length);
      mask.push(255);
    }
    return { data, mask, bands: 1 };
  }
  if (method === "mean" || method === "median" || method === "stdev") {
    const out = new Array<number>(n * bands).fill(fill);
    for (let i = 0; i < n; i++) {
      const holders = tiles.filter((t) => valid(t, i));
      mask.push(holders.length > 0 ? 255 : 0);
      for (let b = 0; b < bands && holders.length > 0; b++) {
        const xs = holders.map((t) => v(t, b, i)).sort((p, q) => p - q);
        const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
        const mid = Math.floor(xs.length / 2);
        const value = method === "mean" ? Math.trunc(mean)
          : method === "median" ? Math.trunc(xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2)
          : Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
        out[b * n + i] = value;
      }
    }
    return { data: out, mask, bands };
  }
  // first / highest / lowest / lastBand*: which tile each pixel (and band) comes from.
  const out: number[] = [];
  const outMask: number[] = [];
  const keep = method === "lastBandHigh" || method === "lastBandLow" ? bands - 1 : bands;
  for (let b = 0; b < keep; b++) for (let i = 0; i < n; i++) out.push(0);
  for (let i = 0; i < n; i++) {
    let from: Raster[] = tiles.slice(0, 1).concat(); // per band source
    const src = new Array<Raster>(bands).fill(tiles[0]);
    for (const t of tiles.slice(1)) {
      for (let b = 0; b < bands; b++) {
        const cur = src[b];
        const decide = method === "lastBandHigh" || method === "lastBandLow" ? bands - 1 : b;
        const tv = v(t, decide, i);
        const cv = v(cur, decide, i);
        const better = method === "highest" || method === "lastBandHigh" ? tv > cv : method === "lowest" || method === "lastBandLow" ? tv < cv : false;
        const take = method === "first" ? !valid(cur, i) && valid(t, i) : (valid(t, i) && better) || !valid(cur, i);
        if (take) src[b] = t;
      }
    }
    from = src;
    for (let b = 0; b < keep; b++) out[b * n + i] = v(from[b], b, i);
    outMask.push(from[0].mask![i]);
  }
  return { data: out, mask: outMask, bands: keep };
}

describe("pixel selection on overlapping assets with other values", () => {
  let mosaic: MosaicReader;
  let assets: COGReader[];
  beforeAll(async () => {
    mosaic = await MosaicReader.open(await createMosaic(OVER));
    assets = await Promise.all(OVER.map((p) => COGReader.open(p)));
  });
  afterAll(async () => {
    await mosaic.close();
    for (const a of assets) await a.close();
  });

  const methods: PixelSelection[] = ["first", "highest", "lowest", "mean", "median", "stdev", "count", "lastBandHigh", "lastBandLow"];
  for (const method of methods) {
    it(`${method}: every zoom-15 tile equals rio-tiler's rule applied to the per-asset tiles`, async () => {
      let checked = 0;
      let overlapping = 0;
      const bounds = mosaic.info.bounds;
      for (const t of tilesForBounds(bounds, 15)) {
        const per: Raster[] = [];
        const urls: string[] = [];
        for (const [k, a] of assets.entries()) {
          if (!a.tileExists(t.x, t.y, 15)) continue;
          per.push(await a.tile(t.x, t.y, 15));
          urls.push(OVER[k]);
        }
        if (per.length === 0) continue;
        const got = await mosaic.tile(t.x, t.y, 15, { pixelSelection: method });
        const n = 256 * 256;
        // `first` stops at the first asset that fills the tile: compare with the assets it used.
        const used = method === "first" ? per.slice(0, got.assets.used.length) : per;
        expect(got.assets.used).toEqual(method === "first" ? urls.slice(0, used.length) : urls);
        const want = expected(used, method, per[0].nodata ?? 0);
        expect(got.bands).toBe(want.bands);
        expect(got.dtype).toBe(method === "stdev" ? "float64" : "uint8");
        expect(Array.from(got.mask!)).toEqual(want.mask);
        let diffs = 0;
        for (let i = 0; i < want.bands * n; i++) {
          // Masked pixels of the stack methods hold the fill value; others the picked value.
          const gv = Number(got.data[i]);
          const wv = method === "stdev" ? want.data[i] : want.data[i] & 0xff;
          if (Math.abs(gv - wv) > (method === "stdev" ? 1e-9 : 0)) diffs++;
        }
        expect(diffs, `${method} ${t.x}/${t.y}`).toBe(0);
        checked++;
        if (per.length >= 2) overlapping++;
      }
      expect(overlapping).toBeGreaterThan(2);
      expect(checked).toBeGreaterThan(overlapping - 1);
    });
  }

  it("the methods differ where assets overlap (the fixtures have other values), and count counts them", async () => {
    const [x, y, z] = [16402, 10801, 15];
    const tiles = await Promise.all(methods.map((m) => mosaic.tile(x, y, z, { pixelSelection: m })));
    const sums = tiles.map((t) => Array.from(t.data as ArrayLike<number>).reduce((s, v) => s + v, 0));
    expect(new Set(sums).size).toBe(methods.length);
    const count = tiles[methods.indexOf("count")];
    expect(new Set(count.data as Uint8Array)).toEqual(new Set([1, 2, 3]));
  });

  it("an unknown method is COG_USAGE; lastBandHigh of one band is an asset failure", async () => {
    await expect(mosaic.tile(16402, 10801, 15, { pixelSelection: "max" as PixelSelection })).rejects.toMatchObject({ code: "COG_USAGE" });
    await expect(mosaic.tile(16402, 10801, 15, { pixelSelection: "lastBandHigh", bands: [1] })).rejects.toMatchObject({ code: "COG_USAGE" });
  });
});
