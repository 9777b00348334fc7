// tile() of a file in EPSG:3857 or EPSG:4326 takes the separable path (one row of x, one column
// of y: warp-grid.ts, nearestGrid, gridPoints). It must give the per-pixel path's numbers to the
// bit: each case runs readMapTile twice on the same reader, once with the reader's transform and
// once with the same transform not marked separable, and counts the transforms each makes.
import { describe, expect, it } from "vitest";
import { COGReader } from "../src/index.js";
import { readMapTile, type MapTileContext } from "../src/raster/map-tile.js";
import type { PointTransform } from "../src/raster/projection.js";
import type { WarpMethod } from "../src/raster/warp-job.js";

const FILES = [
  "uint8_3band_webp_lossy_block256_epsg3857_ovr2.tif",
  "uint8_1band_deflate_block256_epsg4326_ovr2.tif",
  "float32_1band_lerc_block256_maxzerror0.01_epsg4326_ovr1.tif",
  // EPSG:3857 with nodata 0: the kernels' per-pixel paths, on the separable coordinates.
  "mosaic/over_b.tif",
];
const METHODS: WarpMethod[] = ["nearest", "bilinear", "cubic", "lanczos", "average", "mode"];

/** The reader's map-tile context, with a transform that counts its calls (and is separable only if asked). */
function context(cog: COGReader, separable: boolean): { ctx: MapTileContext; calls: () => number } {
  const base = (cog as unknown as { mapTileContext(): MapTileContext }).mapTileContext();
  let n = 0;
  const fromMercator: PointTransform = (x, y) => {
    n++;
    return base.fromMercator(x, y);
  };
  if (separable) fromMercator.separable = true;
  return { ctx: { ...base, fromMercator }, calls: () => n };
}

/** The first index where two arrays differ (NaN equal to NaN, -0 not equal to 0), or -1. */
function firstDifference(a: ArrayLike<number | bigint>, b: ArrayLike<number | bigint>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Map tiles one zoom above the native zoom, at it (the third: its centre) and two below, at the centre and the top-left corner. */
function tiles(cog: COGReader): Array<[number, number, number]> {
  const [w, s, e, n] = cog.geographicBounds!;
  const out: Array<[number, number, number]> = [];
  for (const z of [cog.maxzoom! + 1, cog.maxzoom!, cog.maxzoom! - 2]) {
    const at = (lon: number, lat: number): [number, number, number] => {
      const k = 2 ** z;
      const r = (lat * Math.PI) / 180;
      return [Math.floor(((lon + 180) / 360) * k), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * k), z];
    };
    out.push(at((w + e) / 2, (s + n) / 2), at(w, n));
  }
  return out;
}

describe("tile() on a separable transform (EPSG:3857, EPSG:4326): the per-pixel path's pixels, from far fewer transforms", () => {
  it("the reader marks its transform separable for these files, and not for UTM", async () => {
    for (const file of FILES) {
      const cog = await COGReader.open(new URL(`./fixtures/${file}`, import.meta.url).pathname);
      expect((cog as unknown as { mapTileContext(): MapTileContext }).mapTileContext().fromMercator.separable, file).toBe(true);
      await cog.close();
    }
    const utm = await COGReader.open(new URL("./fixtures/uint8_1band_jpeg_block256_ovr2.tif", import.meta.url).pathname);
    expect(utm.epsg).toBe(32633);
    expect((utm as unknown as { mapTileContext(): MapTileContext }).mapTileContext().fromMercator.separable).toBeUndefined();
    await utm.close();
  });

  for (const file of FILES) {
    it(`${file}: every method, 6 tiles, bit for bit`, async () => {
      const cog = await COGReader.open(new URL(`./fixtures/${file}`, import.meta.url).pathname);
      try {
        let compared = 0;
        let full = 0;
        const all = tiles(cog);
        const [cx, cy] = all[2]; // the centre tile at the native zoom: one chunk, every row inside
        for (const [x, y, z] of all) {
          for (const resampling of METHODS) {
            const fast = context(cog, true);
            const slow = context(cog, false);
            const a = await readMapTile(fast.ctx, x, y, z, { resampling }).catch((e: { code?: string }) => String(e.code));
            const b = await readMapTile(slow.ctx, x, y, z, { resampling }).catch((e: { code?: string }) => String(e.code));
            if (typeof a === "string" || typeof b === "string") {
              expect(a, `${z}/${x}/${y} ${resampling}`).toEqual(b);
              continue;
            }
            const where = `${file} ${z}/${x}/${y} ${resampling}`;
            expect(firstDifference(a.mask!, b.mask!), `${where}: mask`).toBe(-1);
            expect(firstDifference(a.data, b.data), `${where}: values`).toBe(-1);
            // One transformed row per chunk and one point per row, against about three per row.
            // The per-pixel path transforms three points of each row (its ends and middle: the
            // middle lies on their line), the separable one the first row's three and one point
            // of each row: 2 × 256 − 3 fewer for a tile in one chunk, twice that for the area
            // methods (corners at 0 and 1). Chunks, footprints and source windows cost the same.
            if (z === cog.maxzoom && x === cx && y === cy) {
              const sets = resampling === "average" || resampling === "mode" ? 2 : 1;
              expect(slow.calls() - fast.calls(), where).toBe(sets * (2 * 256 - 3));
              full++;
            } else expect(fast.calls(), where).toBeLessThan(slow.calls());
            compared++;
          }
        }
        expect(compared).toBeGreaterThanOrEqual(24);
        expect(full).toBe(METHODS.length);
      } finally {
        await cog.close();
      }
    });
  }
});
