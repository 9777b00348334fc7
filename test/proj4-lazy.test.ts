import { describe, expect, it, vi } from "vitest";
import { COGReader } from "../src/index.js";

// Files in EPSG:4326 and EPSG:3857 open, tell their bounds, serve map tiles and points without
// loading proj4 (42 KB gzipped in a browser: README, "Bundle sizes"); other CRSs load it. The
// mock counts the loads of the module itself, static or dynamic.
const loads = vi.hoisted(() => ({ proj4: 0 }));
vi.mock("proj4", async (importOriginal) => {
  loads.proj4++;
  return importOriginal();
});

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

describe("proj4 loads only for a CRS other than EPSG:4326 and EPSG:3857", () => {
  it.each(["uint8_1band_deflate_block256_epsg4326_ovr2.tif", "uint8_3band_webp_lossy_block256_epsg3857_ovr2.tif"])(
    "%s: open, bounds, zooms, tile(), point() in lon/lat, 3857 and image CRS: no proj4",
    async (name) => {
      const cog = await COGReader.open(fixture(name));
      try {
        const [w, s, e, n] = cog.geographicBounds!;
        expect(w).toBeLessThan(e);
        expect(s).toBeLessThan(n);
        const z = cog.maxzoom!;
        const lon = (w + e) / 2;
        const lat = (s + n) / 2;
        const x = Math.floor(((lon + 180) / 360) * 2 ** z);
        const y = Math.floor(((1 - Math.asinh(Math.tan((lat * Math.PI) / 180)) / Math.PI) / 2) * 2 ** z);
        expect(cog.tileExists(x, y, z)).toBe(true);
        expect((await cog.tile(x, y, z)).width).toBe(256);
        // A pixel centre, in the image's CRS, lon/lat and metres: the same pixel each time.
        const gt = cog.geoTransform!;
        const [cx, cy] = [gt[0] + (cog.width / 2 + 0.5) * gt[1], gt[3] + (cog.height / 2 + 0.5) * gt[5]];
        const R = 6378137;
        const geographic = cog.epsg === 4326;
        const [plon, plat] = geographic ? [cx, cy] : [(cx / R) * (180 / Math.PI), Math.atan(Math.sinh(cy / R)) * (180 / Math.PI)];
        const [px, py] = geographic ? [(cx * Math.PI * R) / 180, R * Math.asinh(Math.tan((cy * Math.PI) / 180))] : [cx, cy];
        const want = (await cog.point(cx, cy, { crs: "image" })).values;
        expect((await cog.point(plon, plat)).values).toEqual(want);
        expect((await cog.point(plon, plat, { crs: "EPSG:4326" })).values).toEqual(want);
        expect((await cog.point(px, py, { crs: "EPSG:3857" })).values).toEqual(want);
        expect(loads.proj4).toBe(0);
      } finally {
        await cog.close();
      }
    },
  );

  it("a UTM file loads it (this counter sees the load)", async () => {
    const cog = await COGReader.open(fixture("uint8_1band_deflate_block256_ovr2.tif"));
    try {
      expect(cog.epsg).not.toBe(4326);
      expect(loads.proj4).toBe(1);
    } finally {
      await cog.close();
    }
  });
});
