import { describe, expect, it } from "vitest";
import { isCogError, type CogErrorCode } from "../src/errors.js";
import { boundsToWindow, clipWindow, coveringPixels, windowInside, type PixelRect } from "../src/locate/window.js";
import type { GeoTransform } from "../src/tiff/georef.js";

type B = [number, number, number, number];
type S = { width: number; height: number };

describe("boundsToWindow (pure)", () => {
  const GT: GeoTransform = [1000, 10, 0, 5000, 0, -10]; // 100 x 100 px of 10 m, top-left (1000, 5000)
  const FULL = { width: 100, height: 100 };
  const cases: Array<[string, B, GeoTransform, S, PixelRect]> = [
    ["the whole image", [1000, 4000, 2000, 5000], GT, FULL, { x: 0, y: 0, width: 100, height: 100 }],
    ["one pixel", [1010, 4980, 1020, 4990], GT, FULL, { x: 1, y: 1, width: 1, height: 1 }],
    ["a sub-pixel window", [1005, 4985, 1025, 4995], GT, FULL, { x: 0.5, y: 0.5, width: 2, height: 1 }],
    ["past the edges (not clipped)", [900, 4900, 1100, 5100], GT, FULL, { x: -10, y: -10, width: 20, height: 20 }],
    ["the 2x overview (50 x 50)", [1000, 4000, 2000, 5000], GT, { width: 50, height: 50 }, { x: 0, y: 0, width: 50, height: 50 }],
    ["a window of the 4x overview", [1200, 4600, 1400, 4800], GT, { width: 25, height: 25 }, { x: 5, y: 5, width: 5, height: 5 }],
    ["south-up raster (positive y size)", [1000, 5000, 1100, 5200], [1000, 10, 0, 5000, 0, 10], FULL, { x: 0, y: 0, width: 10, height: 20 }],
  ];
  it.each(cases)("%s", (_, bounds, gt, level, want) => {
    const got = boundsToWindow(bounds, gt, level, FULL);
    for (const k of ["x", "y", "width", "height"] as const) expect(got[k]).toBeCloseTo(want[k], 9);
  });

  it("scales overview pixels by the unrounded size ratio per axis, as GDAL does", () => {
    // aiocogeo's image: 10280 x 12190 at 0.6 m; level 3 is 1285 x 1524 (4.8 m x 4.79921… m).
    const gt: GeoTransform = [367188, 0.6, 0, 3777102, 0, -0.6];
    const win = boundsToWindow([367188 + 480, 3777102 - 960, 367188 + 960, 3777102 - 480], gt, { width: 1285, height: 1524 }, { width: 10280, height: 12190 });
    expect(win.x).toBeCloseTo(100, 9);
    expect(win.width).toBeCloseTo(100, 9);
    expect(win.y).toBeCloseTo(480 / ((0.6 * 12190) / 1524), 9);
    expect(win.height).toBeCloseTo(480 / ((0.6 * 12190) / 1524), 9);
  });

  const bad: Array<[string, B, GeoTransform, CogErrorCode]> = [
    ["rotated transform", [0, 0, 1, 1], [0, 1, 0.1, 0, 0, -1], "COG_UNSUPPORTED"],
    ["sheared transform", [0, 0, 1, 1], [0, 1, 0, 0, 0.1, -1], "COG_UNSUPPORTED"],
    ["zero pixel size", [0, 0, 1, 1], [0, 0, 0, 0, 0, -1], "COG_USAGE"],
    ["minX > maxX", [2, 0, 1, 1], GT, "COG_USAGE"],
    ["NaN bound", [0, Number.NaN, 1, 1], GT, "COG_USAGE"],
  ];
  it.each(bad)("rejects %s", (_, bounds, gt, code) => {
    expect(() => boundsToWindow(bounds, gt, FULL, FULL)).toThrow(expect.objectContaining({ code }));
  });

  it("rejects an empty level", () => {
    let err: unknown;
    try {
      boundsToWindow([0, 0, 1, 1], GT, { width: 0, height: 10 }, FULL);
    } catch (e) {
      err = e;
    }
    expect(isCogError(err, "COG_USAGE")).toBe(true);
  });
});

describe("coveringPixels (pure)", () => {
  const cases: Array<[string, PixelRect, number, PixelRect]> = [
    ["integer window is unchanged", { x: 2, y: 3, width: 4, height: 5 }, 0, { x: 2, y: 3, width: 4, height: 5 }],
    ["fractional edges grow outward", { x: 2.5, y: 3, width: 4, height: 1.2 }, 0, { x: 2, y: 3, width: 5, height: 2 }],
    ["margin on every side", { x: 2.5, y: 3, width: 4, height: 1.2 }, 1, { x: 1, y: 2, width: 7, height: 4 }],
    ["margin 2 for cubic", { x: 0, y: 0, width: 1, height: 1 }, 2, { x: -2, y: -2, width: 5, height: 5 }],
    ["negative offsets floor down", { x: -0.5, y: -1.5, width: 1, height: 1 }, 0, { x: -1, y: -2, width: 2, height: 2 }],
    ["float noise on an edge snaps (0.3 / 0.1)", { x: 0.3 / 0.1, y: 0, width: 0.6 / 0.1 - 0.3 / 0.1, height: 1 }, 0, { x: 3, y: 0, width: 3, height: 1 }],
    ["noise just over an edge snaps", { x: 1 - 1e-9, y: 0, width: 2 + 2e-9, height: 1 }, 0, { x: 1, y: 0, width: 2, height: 1 }],
    ["a real sliver is kept", { x: 1, y: 0, width: 2.001, height: 1 }, 0, { x: 1, y: 0, width: 3, height: 1 }],
    ["an empty window at a fraction", { x: 2.5, y: 2.5, width: 0, height: 0 }, 0, { x: 2, y: 2, width: 1, height: 1 }],
  ];
  it.each(cases)("%s", (_, win, margin, want) => {
    expect(coveringPixels(win, margin)).toEqual(want);
  });

  it.each([
    ["negative margin", { x: 0, y: 0, width: 1, height: 1 }, -1],
    ["fractional margin", { x: 0, y: 0, width: 1, height: 1 }, 0.5],
    ["negative width", { x: 0, y: 0, width: -1, height: 1 }, 0],
    ["infinite offset", { x: Infinity, y: 0, width: 1, height: 1 }, 0],
  ])("rejects %s", (_, win, margin) => {
    expect(() => coveringPixels(win, margin)).toThrow(expect.objectContaining({ code: "COG_USAGE" }));
  });
});

describe("windowInside / clipWindow (pure)", () => {
  const LEVEL = { width: 8, height: 8 };
  const cases: Array<[string, PixelRect, boolean, PixelRect | undefined]> = [
    ["the whole level", { x: 0, y: 0, width: 8, height: 8 }, true, { x: 0, y: 0, width: 8, height: 8 }],
    ["inside", { x: 1.5, y: 2, width: 3, height: 3 }, true, { x: 1.5, y: 2, width: 3, height: 3 }],
    ["over the left edge", { x: -5, y: 2, width: 10, height: 10 }, false, { x: 0, y: 2, width: 5, height: 6 }],
    ["over the bottom-right corner", { x: 6, y: 7, width: 4, height: 4 }, false, { x: 6, y: 7, width: 2, height: 1 }],
    ["touching the right edge only", { x: 8, y: 0, width: 2, height: 2 }, false, undefined],
    ["far outside", { x: -20, y: -20, width: 5, height: 5 }, false, undefined],
  ];
  it.each(cases)("%s", (_, win, inside, clipped) => {
    expect(windowInside(win, LEVEL)).toBe(inside);
    expect(clipWindow(win, LEVEL)).toEqual(clipped);
  });
});
