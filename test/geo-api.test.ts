import { readdirSync, readFileSync } from "node:fs";
import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import { COGReader, isCogError } from "../src/index.js";
import { buildTiff, stripImageTags } from "./helpers/tiff-builder.js";

const dir = new URL("./fixtures/", import.meta.url);
const georeferenced = readdirSync(dir).filter((f) => f.endsWith(".tif") && !f.includes("nogeo") && !f.includes("rotated") && !f.includes("40000"));

describe("geographic bounds, points and zooms", () => {
  it.each(georeferenced)("geographicBounds hold gdalinfo's wgs84Extent corners: %s", async (name) => {
    const g = JSON.parse(readFileSync(new URL(name.replace(/\.tif$/, ".gdalinfo.json"), dir), "utf8"));
    const cog = await COGReader.open(new URL(name, dir).pathname);
    try {
      const [w, s, e, n] = cog.geographicBounds!;
      const ring: Array<[number, number]> = g.wgs84Extent.coordinates[0];
      // gdalinfo rounds to 1e-7 degrees; our bounds are the densified edges, so they hold the corners.
      for (const [lon, lat] of ring) {
        expect(lon).toBeGreaterThanOrEqual(w - 1e-6);
        expect(lon).toBeLessThanOrEqual(e + 1e-6);
        expect(lat).toBeGreaterThanOrEqual(s - 1e-6);
        expect(lat).toBeLessThanOrEqual(n + 1e-6);
      }
      expect(Math.min(...ring.map((p) => p[0]))).toBeCloseTo(w, 3);
      expect(Math.max(...ring.map((p) => p[1]))).toBeCloseTo(n, 3);
      expect(cog.minzoom!).toBeLessThanOrEqual(cog.maxzoom!);
    } finally {
      await cog.close();
    }
  });

  it.each(["uint8_1band_deflate_block256_ovr2.tif", "int16_1band_deflate_block256_predictor2_nodata-9999_ovr2.tif", "uint8_1band_deflate_block256_epsg4326_ovr2.tif"])(
    "point() returns GDAL's pixel values and masks: %s",
    async (name) => {
      const windows = JSON.parse(readFileSync(new URL(name.replace(/\.tif$/, ".windows.json"), dir), "utf8"));
      const cog = await COGReader.open(new URL(name, dir).pathname);
      try {
        const win = windows.levels[0].windows[1];
        const gt = cog.geoTransform!;
        const toLonLat = proj4(cog.crs.proj4!, "EPSG:4326");
        for (const [r, c] of [[0, 0], [3, 7], [15, 15]]) {
          const x = gt[0] + (win.xoff + c + 0.5) * gt[1];
          const y = gt[3] + (win.yoff + r + 0.5) * gt[5];
          const [lon, lat] = toLonLat.forward([x, y]);
          const p = await cog.point(lon, lat);
          expect(p.values).toEqual([win.values[0][r][c]]);
          expect(p.mask).toBe(win.masks[0][r][c]);
          expect((await cog.point(x, y, { crs: "image" })).values).toEqual(p.values);
        }
        await expect(cog.point(0, 0)).rejects.toMatchObject({ code: "COG_TILE_OUTSIDE" });
      } finally {
        await cog.close();
      }
    },
  );

  it("maxzoom is the web-map zoom of the native resolution; tileExists agrees with tile()", async () => {
    const utm = await COGReader.open(new URL("uint8_1band_deflate_block256_ovr2.tif", dir).pathname);
    // 10 m UTM pixels at 53.2°N are 10 / cos(53.2°) = 16.7 m in EPSG:3857; zoom 13 is 19.1 m and
    // zoom 14 is 9.55 m, so the closest (morecantile's "auto") is 13, the zoom gdalwarp's native
    // resolution gives in test/fixtures/tile/make_expected.py too.
    expect(utm.maxzoom).toBe(13);
    expect(utm.tileExists(0, 0, 0)).toBe(true);
    expect(utm.tileExists(0, 0, 10)).toBe(false);
    await expect(utm.tile(0, 0, 10)).rejects.toMatchObject({ code: "COG_TILE_OUTSIDE" });
    await utm.close();
  });

  it("a CRS without a proj4 definition fails with a message that says how to register one", async () => {
    // A geographic CRS with an EPSG code cogread's table does not hold.
    const tags = [
      ...stripImageTags(2, 2, 8),
      { tag: 33550, type: 12, values: [1, 1, 0] },
      { tag: 33922, type: 12, values: [0, 0, 0, 10, 50, 0] },
      { tag: 34735, type: 3, values: [1, 1, 0, 2, 1024, 0, 1, 2, 2048, 0, 1, 4818] },
    ];
    const cog = await COGReader.open(buildTiff({ ifds: [tags] }).bytes);
    expect(cog.epsg).toBe(4818);
    expect(cog.geographicBounds).toBeUndefined();
    const e = await cog.tile(0, 0, 0).catch((err: unknown) => err);
    expect(isCogError(e, "COG_UNSUPPORTED")).toBe(true);
    expect((e as Error).message).toMatch(/proj4\.defs\("EPSG:4818"/);
  });
});
