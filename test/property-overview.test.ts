import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCogError } from "../src/errors.js";
import { chooseOverview, type OverviewStrategy } from "../src/locate/overview.js";
import type { GeoTransform } from "../src/tiff/georef.js";

// Property tests of overview choice (src/locate/overview.ts). Two rules live there:
//
// GDAL (gcore/rasterio.cpp GDALBandGetBestOverviewLevel2), for overviews by decreasing size:
//   desired = full-resolution window / output size on the least reduced axis;
//   factor(z) = min(full width / width(z), full height / height(z));
//   limit = desired × threshold + 0.1 (threshold 1.2 nearest, 1.0 other resampling);
//   the walk takes every overview with factor < limit in turn and stops at the first within
//   0.1 of desired. So: the FINEST overview within 0.1 of desired if one is under the limit,
//   else the COARSEST overview under the limit, else full resolution.
// aiocogeo ZOOM_LEVEL_STRATEGY (AUTO/LOWER/UPPER/percentage): res(z) = |x size| × round(full
//   width / width(z)), target = bounds width / output width; between the two levels that bracket
//   the target the coarser is read when the target is more than (100 - p) % of the way from the
//   finer one to it; a target equal to a level's resolution reads that level.
//
// Fixed seeds: a failure reproduces as it is.

type Level = { width: number; height: number };

/** A GDAL-style pyramid: each overview ceil(previous / step), step 2 (GDAL's default) to 4. */
const pyramid: fc.Arbitrary<Level[]> = fc
  .record({
    width: fc.integer({ min: 64, max: 40_000 }),
    height: fc.integer({ min: 64, max: 40_000 }),
    steps: fc.array(fc.constantFrom(2, 2, 2, 3, 4), { maxLength: 9 }),
  })
  .map(({ width, height, steps }) => {
    const levels: Level[] = [{ width, height }];
    for (const s of steps) {
      const last = levels[levels.length - 1];
      if (last.width < 2 || last.height < 2) break;
      levels.push({ width: Math.ceil(last.width / s), height: Math.ceil(last.height / s) });
    }
    return levels;
  });

/** A north-up transform whose pixel size and origin are exact in binary (so bounds maths is exact). */
const transform: fc.Arbitrary<GeoTransform> = fc
  .record({ res: fc.integer({ min: 1, max: 4096 }).map((m) => m / 64), ox: fc.integer({ min: -1e5, max: 1e5 }), oy: fc.integer({ min: -1e5, max: 1e5 }) })
  .map(({ res, ox, oy }): GeoTransform => [ox * res, res, 0, oy * res, 0, -res]);

const fullBounds = (gt: GeoTransform, l: Level): [number, number, number, number] => [gt[0], gt[3] + l.height * gt[5], gt[0] + l.width * gt[1], gt[3]];

const factors = (levels: Level[]): number[] => levels.map((l) => Math.min(levels[0].width / l.width, levels[0].height / l.height));

/** The GDAL rule as stated above, for pyramids whose factors increase. */
function gdalRule(levels: Level[], desired: number, threshold: number): number {
  const f = factors(levels);
  const limit = desired * threshold + 0.1;
  const under = f.map((_, z) => z).filter((z) => z > 0 && f[z] < limit);
  if (under.length === 0) return 0;
  return under.find((z) => Math.abs(desired - f[z]) < 0.1) ?? under[under.length - 1];
}

const resampling = fc.constantFrom<[string | undefined, number]>([undefined, 1.2], ["nearest", 1.2], ["NEAR", 1.2], ["bilinear", 1.0], ["cubic", 1.0], ["average", 1.0]);

/** A read of part of the image (fractions of the extent, on the pixel grid) into some output size. */
const gdalRead = fc
  .record({ levels: pyramid, gt: transform, rs: resampling })
  .chain(({ levels, gt, rs }) =>
    fc.record({
      levels: fc.constant(levels),
      gt: fc.constant(gt),
      rs: fc.constant(rs),
      win: fc.record({
        x: fc.nat(levels[0].width - 1),
        y: fc.nat(levels[0].height - 1),
        w: fc.integer({ min: 1, max: levels[0].width }),
        h: fc.integer({ min: 1, max: levels[0].height }),
      }),
      out: fc.record({ width: fc.integer({ min: 1, max: 4096 }), height: fc.integer({ min: 1, max: 4096 }) }),
    }),
  )
  .map((r) => {
    const { gt, win } = r;
    const bounds: [number, number, number, number] = [gt[0] + win.x * gt[1], gt[3] + (win.y + win.h) * gt[5], gt[0] + (win.x + win.w) * gt[1], gt[3] + win.y * gt[5]];
    const rx = win.w / r.out.width;
    const ry = win.h / r.out.height;
    return { ...r, bounds, desired: rx < ry || r.out.height === 1 ? rx : ry };
  });

const gdal = (levels: Level[], bounds: readonly [number, number, number, number], gt: GeoTransform, out: Level, resampling?: string, oversamplingThreshold?: number): number =>
  chooseOverview(levels, { bounds, width: out.width, height: out.height, transform: gt, strategy: "GDAL", resampling, oversamplingThreshold });

describe("chooseOverview GDAL properties", () => {
  it("picks the finest overview within 0.1 of the desired factor, else the coarsest under desired × threshold + 0.1", () => {
    fc.assert(
      fc.property(gdalRead, ({ levels, gt, rs: [method, threshold], bounds, out, desired }) => {
        expect(gdal(levels, bounds, gt, out, method)).toBe(gdalRule(levels, desired, threshold));
      }),
      { seed: 0x0e7e01, numRuns: 1000 },
    );
  });

  it("never reads an overview coarser than the limit; the threshold override is honoured", () => {
    fc.assert(
      fc.property(gdalRead, fc.double({ min: 0.5, max: 3, noNaN: true }), ({ levels, gt, bounds, out, desired }, threshold) => {
        const z = gdal(levels, bounds, gt, out, "bilinear", threshold);
        expect(z).toBe(gdalRule(levels, desired, threshold));
        if (z > 0) expect(factors(levels)[z]).toBeLessThan(desired * threshold + 0.1);
      }),
      { seed: 0x0e7e02, numRuns: 500 },
    );
  });

  it("reading the whole image at a level's own size picks that level, whatever the resampling", () => {
    fc.assert(
      fc.property(pyramid.chain((l) => fc.tuple(fc.constant(l), fc.nat(l.length - 1))), transform, resampling, ([levels, z], gt, [method]) => {
        expect(gdal(levels, fullBounds(gt, levels[0]), gt, levels[z], method)).toBe(z);
      }),
      { seed: 0x0e7e03, numRuns: 500 },
    );
  });

  it("a request at or finer than full resolution reads full resolution", () => {
    fc.assert(
      fc.property(gdalRead, resampling, fc.integer({ min: 1, max: 4 }), ({ levels, gt, win, bounds }, [method], up) => {
        expect(gdal(levels, bounds, gt, { width: win.w * up, height: win.h * up }, method)).toBe(0);
      }),
      { seed: 0x0e7e04, numRuns: 500 },
    );
  });

  it("is monotonic for GDAL-style pyramids: a smaller output never reads a finer level", () => {
    fc.assert(
      fc.property(gdalRead, fc.double({ min: 1, max: 8, noNaN: true }), ({ levels, gt, rs: [method], bounds, out }, shrink) => {
        const small = { width: Math.max(1, Math.floor(out.width / shrink)), height: Math.max(1, Math.floor(out.height / shrink)) };
        // Both outputs one row high, or neither: that switches which axis counts.
        fc.pre((out.height === 1) === (small.height === 1));
        expect(gdal(levels, bounds, gt, small, method)).toBeGreaterThanOrEqual(gdal(levels, bounds, gt, out, method));
      }),
      { seed: 0x0e7e05, numRuns: 1000 },
    );
  });

  it("like GDAL, is not monotonic when two overview factors are within 20 % of each other", () => {
    // Factors 2.957 (6800 -> 2300) and 3.4 (6800 -> 2000). Output 2428 px (desired 2.8007): no
    // factor within 0.1, so the coarsest under 2.8007 × 1.2 + 0.1 = 3.46 (level 2). Output
    // 2378 px (desired 2.8595, coarser): 2.957 is within 0.1, so the walk stops at level 1.
    const levels = [6800, 2300, 2000].map((w) => ({ width: w, height: w }));
    const gt: GeoTransform = [0, 1, 0, 6800, 0, -1];
    const b = fullBounds(gt, levels[0]);
    expect(gdal(levels, b, gt, { width: 2428, height: 2428 })).toBe(2);
    expect(gdal(levels, b, gt, { width: 2378, height: 2378 })).toBe(1);
  });
});

/** aiocogeo's resolutions of a pyramid. */
const aioRes = (levels: Level[], gt: GeoTransform): number[] => levels.map((l, z) => (z === 0 ? gt[1] : gt[1] * Math.round(levels[0].width / l.width)));

const strategy = fc.oneof(fc.constantFrom<OverviewStrategy>("AUTO", "LOWER", "UPPER", "auto" as OverviewStrategy, "lower" as OverviewStrategy), fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 100, noNaN: true }));
const percent = (s: OverviewStrategy): number => (typeof s === "number" ? s : ({ AUTO: 50, LOWER: 100, UPPER: 0 } as Record<string, number>)[s.toUpperCase()]);

const aio = (levels: Level[], gt: GeoTransform, target: number, outW: number, s?: OverviewStrategy, outH = outW): number =>
  chooseOverview(levels, { bounds: [gt[0], gt[3] - 1000, gt[0] + target * outW, gt[3]], width: outW, height: outH, transform: gt, strategy: s });

describe("chooseOverview aiocogeo (ZOOM_LEVEL_STRATEGY) properties", () => {
  const outW = fc.integer({ min: 1, max: 4096 });

  it("a target between two levels' resolutions reads one of the two, the coarser past (100 - p) % of the way", () => {
    fc.assert(
      fc.property(
        pyramid.filter((l) => l.length >= 2).chain((l) => fc.tuple(fc.constant(l), fc.integer({ min: 1, max: l.length - 1 }))),
        transform,
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        outW,
        strategy,
        ([levels, z], gt, t, w, s) => {
          const res = aioRes(levels, gt);
          const target = res[z - 1] + t * (res[z] - res[z - 1]);
          const got = aio(levels, gt, target, w, s);
          const actual = (gt[0] + target * w - gt[0]) / w; // the target the planner sees
          const frac = (actual - res[z - 1]) / (res[z] - res[z - 1]);
          const cut = 1 - percent(s) / 100;
          fc.pre(Math.abs(frac - cut) > 1e-9 && frac > 0 && frac < 1); // not on the boundary
          expect(got).toBe(frac > cut ? z : z - 1);
        },
      ),
      { seed: 0x0e7e06, numRuns: 1000 },
    );
  });

  it("a target equal to a level's resolution reads that level under every strategy", () => {
    fc.assert(
      fc.property(pyramid.chain((l) => fc.tuple(fc.constant(l), fc.nat(l.length - 1))), transform, outW, strategy, ([levels, z], gt, w, s) => {
        const target = aioRes(levels, gt)[z];
        fc.pre((gt[0] + target * w - gt[0]) / w === target); // exact in binary for these inputs
        expect(aio(levels, gt, target, w, s)).toBe(z);
      }),
      { seed: 0x0e7e07, numRuns: 500 },
    );
  });

  it("finer than full resolution reads level 0; coarser than the last level reads the last", () => {
    fc.assert(
      fc.property(pyramid, transform, outW, strategy, fc.double({ min: 1.0001, max: 50, noNaN: true }), (levels, gt, w, s, k) => {
        const res = aioRes(levels, gt);
        expect(aio(levels, gt, res[0] / k, w, s)).toBe(0);
        expect(aio(levels, gt, res[res.length - 1] * k, w, s)).toBe(levels.length - 1);
      }),
      { seed: 0x0e7e08, numRuns: 500 },
    );
  });

  it("is monotonic in the target resolution and in the percentage; heights are ignored", () => {
    fc.assert(
      fc.property(
        pyramid,
        transform,
        outW,
        fc.double({ min: 0.5, max: 300, noNaN: true }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 })),
        fc.integer({ min: 1, max: 5000 }),
        (levels, gt, w, k, coarser, [p1, p2], h) => {
          const target = gt[1] * k;
          const [lo, hi] = p1 <= p2 ? [p1, p2] : [p2, p1];
          const z = aio(levels, gt, target, w, lo);
          expect(aio(levels, gt, target * coarser, w, lo)).toBeGreaterThanOrEqual(z);
          expect(aio(levels, gt, target, w, hi)).toBeGreaterThanOrEqual(z);
          expect(aio(levels, gt, target, w, lo, h)).toBe(z);
          // UPPER <= AUTO <= LOWER.
          const [u, a, l] = (["UPPER", "AUTO", "LOWER"] as const).map((s) => aio(levels, gt, target, w, s));
          expect(u).toBeLessThanOrEqual(a);
          expect(a).toBeLessThanOrEqual(l);
          expect(l - u).toBeLessThanOrEqual(1);
        },
      ),
      { seed: 0x0e7e09, numRuns: 1000 },
    );
  });
});

describe("chooseOverview input checks", () => {
  const one = [{ width: 10, height: 10 }];
  const gt: GeoTransform = [0, 1, 0, 10, 0, -1];
  const code = (call: () => unknown): string | undefined => {
    try {
      call();
    } catch (e) {
      return isCogError(e) ? e.code : "not a CogError";
    }
    return undefined;
  };

  it("rejects a non-positive or non-finite output size and percentages outside 0-100 with COG_USAGE", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ width: fc.oneof(fc.integer({ max: 0 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY)), height: fc.constant(10), strategy: fc.constant<OverviewStrategy>("AUTO") }),
          fc.record({ width: fc.constant(10), height: fc.oneof(fc.integer({ max: 0 }), fc.constant(Number.NaN)), strategy: fc.constant<OverviewStrategy>("GDAL") }),
          fc.record({
            width: fc.constant(10),
            height: fc.constant(10),
            strategy: fc.oneof(fc.double({ max: -Number.MIN_VALUE, noNaN: true }), fc.double({ min: 100.000001, noNaN: true }), fc.constant(Number.NaN)),
          }),
        ),
        ({ width, height, strategy }) => {
          expect(code(() => chooseOverview(one, { bounds: [0, 0, 10, 10], width, height, transform: gt, strategy }))).toBe("COG_USAGE");
        },
      ),
      { seed: 0x0e7e0a, numRuns: 300 },
    );
  });
});
