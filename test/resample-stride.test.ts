import { describe, expect, it } from "vitest";
import { resample, resampleWindow, type Resampling } from "../src/raster/resample.js";
import type { Raster } from "../src/raster/raster.js";
import { mulberry32 } from "./helpers/seeded-random.js";

// read() hands resample() exactly the pixels GDAL reads (resampleWindow); a caller may hand it a
// larger source, whose rows are then longer than a kernel's chunk. The kernels read byte and
// uint16 chunks in place, so both must give the same pixels.
function level(dtype: "uint8" | "uint16", width: number, height: number, bands: number): Raster {
  const rnd = mulberry32(7);
  const max = dtype === "uint8" ? 256 : 65536;
  const data = dtype === "uint8" ? new Uint8Array(width * height * bands) : new Uint16Array(width * height * bands);
  for (let k = 0; k < data.length; k++) data[k] = Math.floor(rnd() * max);
  return { width, height, bands, dtype, data, mask: new Uint8Array(width * height).fill(255) };
}

function crop(src: Raster, w: { x: number; y: number; width: number; height: number }): Raster {
  const Ctor = src.data.constructor as new (n: number) => Uint8Array;
  const data = new Ctor(w.width * w.height * src.bands);
  for (let b = 0; b < src.bands; b++)
    for (let r = 0; r < w.height; r++) {
      const from = b * src.width * src.height + (w.y + r) * src.width + w.x;
      data.set((src.data as Uint8Array).subarray(from, from + w.width), b * w.width * w.height + r * w.width);
    }
  return { ...src, width: w.width, height: w.height, data, mask: new Uint8Array(w.width * w.height).fill(255) };
}

describe("resample() of a source larger than the pixels GDAL reads", () => {
  const size = { width: 300, height: 200 };
  const win = { x: 50.3, y: 40.7, width: 120.6, height: 90.2 };
  const out = { width: 70, height: 50 };
  for (const dtype of ["uint8", "uint16"] as const)
    for (const method of ["average", "mode", "bilinear", "cubic"] as Resampling[]) {
      it(`${dtype} ${method}: the whole level gives the exact window's pixels`, () => {
        const src = level(dtype, size.width, size.height, 2);
        const need = resampleWindow(win, out, method, size);
        expect(need.width).toBeLessThan(size.width - 100); // the chunk is far narrower than the level's rows
        const exact = resample(crop(src, need), { ...win, x: win.x - need.x, y: win.y - need.y }, out, { method, levelBounds: { x: -need.x, y: -need.y, ...size } });
        const whole = resample(src, win, out, { method });
        expect(Array.from(whole.data as Uint8Array)).toEqual(Array.from(exact.data as Uint8Array));
        expect(Array.from(whole.mask!)).toEqual(Array.from(exact.mask!));
        expect(new Set(exact.mask).has(0)).toBe(false);
      });
    }
});
