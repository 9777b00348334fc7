// The `cogread/resampling` entry (src/resampling.ts): resampling a window you read yourself, the
// way its TSDoc shows, gives what read() gives for the same window, level and method.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COGReader } from "../src/index.js";
import { resample, resampleWindow, type Resampling } from "../src/resampling.js";

const FILE = join(import.meta.dirname, "fixtures/int16_1band_deflate_block256_predictor2_nodata-9999_ovr2.tif");

describe("cogread/resampling: resampleWindow + readWindow + resample", () => {
  for (const method of ["nearest", "bilinear", "cubic", "average", "mode"] as Resampling[]) {
    it(`${method}: the same raster as read() of that window on level 1`, async () => {
      const cog = await COGReader.open(FILE);
      try {
        const z = 1;
        const level = cog.ifds[z];
        const scale = cog.ifds[0].width / level.width;
        const win = { x: 40.25, y: 17.5, width: 72.5, height: 60.25 };
        const out = { width: 31, height: 23 };
        const need = resampleWindow(win, out, method, level);
        const src = await cog.readWindow(need, z);
        const mine = resample(src, { ...win, x: win.x - need.x, y: win.y - need.y }, out, {
          method,
          fill: cog.nodata ?? 0,
          levelBounds: { x: -need.x, y: -need.y, width: level.width, height: level.height },
        });
        // The same window as bounds: level pixels -> full-resolution pixels -> CRS.
        const [x0, dx, , y0, , dy] = cog.geoTransform!;
        const bounds = [
          x0 + win.x * scale * dx, y0 + (win.y + win.height) * scale * dy,
          x0 + (win.x + win.width) * scale * dx, y0 + win.y * scale * dy,
        ] as const;
        const theirs = await cog.read(bounds, out, { resampling: method, overviewLevel: z });
        expect([mine.width, mine.height, mine.bands, mine.dtype]).toEqual([theirs.width, theirs.height, theirs.bands, theirs.dtype]);
        expect(mine.data).toEqual(theirs.data);
        expect(mine.mask && Array.from(mine.mask)).toEqual(theirs.mask && Array.from(theirs.mask));
      } finally {
        await cog.close();
      }
    });
  }
});
