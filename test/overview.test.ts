import { describe, expect, it } from "vitest";
import { isCogError } from "../src/errors.js";
import { chooseOverview, type OverviewStrategy } from "../src/locate/overview.js";
import { transformBounds, type GeoTransform } from "../src/tiff/georef.js";

// aiocogeo's test image (lzw_cog.tif in its README): 10280 x 12190 px at 0.6 m, EPSG:26911,
// overviews made by GDAL halving with ceil: decimations 2…64, resolutions 1.2 … 38.4 m.
const NAIP_GT: GeoTransform = [367188, 0.6, 0, 3777102, 0, -0.6];
const NAIP = [
  [10280, 12190],
  [5140, 6095],
  [2570, 3048],
  [1285, 1524],
  [643, 762],
  [322, 381],
  [161, 191],
].map(([width, height]) => ({ width, height }));
const NAIP_BOUNDS = transformBounds(NAIP_GT, 10280, 12190);

function naip(size: number, strategy?: OverviewStrategy): number {
  return chooseOverview(NAIP, { bounds: NAIP_BOUNDS, width: size, height: size, transform: NAIP_GT, strategy });
}

describe("chooseOverview: aiocogeo ZOOM_LEVEL_STRATEGY", () => {
  // Output 1285 px is exactly 4.8 m (level 3); 1284 is a little coarser, 1286 a little finer.
  const sizes = [100, 1284, 1285, 1286, 20000];
  const matrix: Array<[OverviewStrategy, number[]]> = [
    ["AUTO", [6, 3, 3, 3, 0]],
    ["LOWER", [6, 4, 3, 3, 0]],
    ["UPPER", [6, 3, 3, 2, 0]],
    [1, [6, 3, 3, 3, 0]],
  ];
  it.each(matrix)("%s over the full image at widths 100, 1284, 1285, 1286, 20000", (strategy, want) => {
    expect(sizes.map((s) => naip(s, strategy))).toEqual(want);
  });

  // aiocogeo tests/test_reads.py test_cog_get_overview_level (default strategy):
  // target resolutions 12.336, 6.168, 1.2336, 0.6168 m.
  it.each([
    [500, 4],
    [1000, 3],
    [5000, 1],
    [10000, 0],
  ])("AUTO (the default) at %i px gives level %i", (size, want) => {
    expect(naip(size)).toBe(want);
  });

  // Between 2.4 m (level 2) and 4.8 m (level 3): the percentage is how far from 4.8 toward 2.4
  // the target must be for level 2 to be kept. Output widths over the 6168 m wide image.
  const between: Array<[string, number, OverviewStrategy, number]> = [
    ["3.0 m, AUTO: nearer 2.4", 2056, "AUTO", 2],
    ["3.7 m, AUTO: nearer 4.8", 1667, "AUTO", 3],
    ["3.0 m, 30 %: under the 4.08 m threshold", 2056, 30, 2],
    ["4.199 m, 30 %: past the threshold", 1469, 30, 3],
    ["2.410 m, LOWER", 2559, "LOWER", 3],
    ["2.4 m exactly, LOWER", 2570, "LOWER", 2],
    ["4.789 m, UPPER", 1288, "UPPER", 2],
    ["0.610 m, LOWER reads level 1", 10112, "LOWER", 1],
    ["0.3 m, finer than full resolution", 20560, "LOWER", 0],
    ["99.5 m, coarser than every level", 62, "UPPER", 6],
    ["strategy names are case-insensitive", 2056, "auto" as OverviewStrategy, 2],
  ];
  it.each(between)("%s", (_, width, strategy, want) => {
    expect(naip(width, strategy)).toBe(want);
  });

  it("uses the measured decimation for pyramids that are not powers of two", () => {
    const levels = [900, 300, 100].map((w) => ({ width: w, height: w }));
    const gt: GeoTransform = [0, 1, 0, 900, 0, -1];
    const pick = (width: number): number => chooseOverview(levels, { bounds: [0, 0, 900, 900], width, height: width, transform: gt });
    // Resolutions 1, 3, 9: AUTO thresholds at 2 and 6.
    expect([900, 500, 400, 200, 120, 50].map(pick)).toEqual([0, 0, 1, 1, 2, 2]);
  });
});

describe("chooseOverview: GDAL (GDALBandGetBestOverviewLevel2)", () => {
  const SQ = [1024, 512, 256, 128, 64].map((w) => ({ width: w, height: w }));
  const GT: GeoTransform = [0, 1, 0, 1024, 0, -1];
  const FULL: [number, number, number, number] = [0, 0, 1024, 1024];
  const cases: Array<[string, [number, number, number, number], number, number, string | undefined, number]> = [
    ["1:1 reads full resolution", FULL, 1024, 1024, undefined, 0],
    ["factor 1.14: no overview fits", FULL, 900, 900, undefined, 0],
    ["factor 1.71, nearest: 2 < 1.71 x 1.2 + 0.1", FULL, 600, 600, "nearest", 1],
    ["factor 1.71, bilinear: 2 >= 1.71 x 1.0 + 0.1", FULL, 600, 600, "bilinear", 0],
    ["factor 2: exact match", FULL, 512, 512, "cubic", 1],
    ["factor 3.41, nearest takes the 4x overview", FULL, 300, 300, "NEAR", 2],
    ["factor 3.41, average takes the 2x overview", FULL, 300, 300, "average", 1],
    ["factor 10.24: 8x, 16x is too coarse", FULL, 100, 100, "bilinear", 3],
    ["factor 102.4: the last overview", FULL, 10, 10, undefined, 4],
    ["least reduced axis: x 2, y 10.24", FULL, 512, 100, undefined, 1],
    ["one output row: the x ratio counts", [0, 1023, 1024, 1024], 8, 1, undefined, 4],
    ["a quarter of the image at factor 4", [0, 768, 256, 1024], 64, 64, "bilinear", 2],
  ];
  it.each(cases)("%s", (_, bounds, width, height, resampling, want) => {
    expect(chooseOverview(SQ, { bounds, width, height, transform: GT, strategy: "GDAL", resampling })).toBe(want);
  });

  it("honours an oversampling threshold override", () => {
    const req = { bounds: FULL, width: 300, height: 300, transform: GT, strategy: "GDAL" as const };
    expect(chooseOverview(SQ, { ...req, oversamplingThreshold: 1.0 })).toBe(1);
    expect(chooseOverview(SQ, { ...req, resampling: "bilinear", oversamplingThreshold: 1.2 })).toBe(2);
  });

  it("uses the smaller of the x and y factors of a non-square overview", () => {
    // NAIP level 2 is 2570 x 3048: factors 4 and 3.9993; a 4x request still picks it.
    expect(chooseOverview(NAIP, { bounds: NAIP_BOUNDS, width: 2570, height: 3048, transform: NAIP_GT, strategy: "GDAL" })).toBe(2);
    expect([100, 1284, 1285, 1286, 20000].map((s) => naip(s, "GDAL"))).toEqual([6, 3, 3, 3, 0]);
  });
});

describe("chooseOverview: invalid input", () => {
  const ok = { bounds: [0, 0, 10, 10] as [number, number, number, number], width: 10, height: 10, transform: [0, 1, 0, 10, 0, -1] as GeoTransform };
  const bad: Array<[string, () => unknown, string]> = [
    ["no levels", () => chooseOverview([], ok), "COG_USAGE"],
    ["zero output width", () => chooseOverview([{ width: 10, height: 10 }], { ...ok, width: 0 }), "COG_USAGE"],
    ["negative output height", () => chooseOverview([{ width: 10, height: 10 }], { ...ok, height: -1 }), "COG_USAGE"],
    ["a zero-size level", () => chooseOverview([{ width: 10, height: 10 }, { width: 0, height: 5 }], ok), "COG_USAGE"],
    ["percentage over 100", () => chooseOverview([{ width: 10, height: 10 }], { ...ok, strategy: 101 }), "COG_USAGE"],
    ["unknown strategy", () => chooseOverview([{ width: 10, height: 10 }], { ...ok, strategy: "NEAREST" as OverviewStrategy }), "COG_USAGE"],
    ["inverted bounds", () => chooseOverview([{ width: 10, height: 10 }], { ...ok, bounds: [10, 0, 0, 10] }), "COG_USAGE"],
    ["rotated transform", () => chooseOverview([{ width: 10, height: 10 }], { ...ok, transform: [0, 1, 0.5, 10, 0, -1] }), "COG_UNSUPPORTED"],
    ["rotated transform, GDAL", () => chooseOverview([{ width: 10, height: 10 }], { ...ok, strategy: "GDAL", transform: [0, 1, 0, 10, 0.2, -1] }), "COG_UNSUPPORTED"],
  ];
  it.each(bad)("%s", (_, call, code) => {
    let err: unknown;
    try {
      call();
    } catch (e) {
      err = e;
    }
    expect(isCogError(err, code as "COG_USAGE")).toBe(true);
  });
});
