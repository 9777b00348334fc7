import { describe, expect, it } from "vitest";
import {
  WEB_MERCATOR_ORIGIN,
  lonLatToMeters,
  metersToLonLat,
  tileBounds,
  tileBoundsLonLat,
  tileResolution,
  tilesForBounds,
  zoomForResolution,
  zoomRange,
  type Bounds,
  type ZoomOptions,
} from "../src/locate/web-mercator.js";

const close = (got: number[], want: number[], digits = 6): void => {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => expect(g).toBeCloseTo(want[i], digits));
};

describe("WebMercatorQuad tiles (pure)", () => {
  // Expected values: morecantile tests/test_morecantile.py (test_xy_bounds, test_bounds, which
  // replicate mercantile's), compared as they do: round(a - b, 6) == 0.
  it.each([
    ["z0 is the whole square", [0, 0, 0], [-WEB_MERCATOR_ORIGIN, -WEB_MERCATOR_ORIGIN, WEB_MERCATOR_ORIGIN, WEB_MERCATOR_ORIGIN]],
    ["z1 top-right", [1, 0, 1], [0, 0, WEB_MERCATOR_ORIGIN, WEB_MERCATOR_ORIGIN]],
    ["486/332/10 (morecantile test_xy_bounds)", [486, 332, 10], [-1017529.7205322663, 7005300.768279833, -978393.962050256, 7044436.526761846]],
  ] as Array<[string, [number, number, number], number[]]>)("tileBounds %s", (_, [x, y, z], want) => {
    close(tileBounds(x, y, z), want);
    close(tileBounds(x, y, z, 512), want); // a 512 px tile covers the same ground
  });

  it.each([
    ["486/332/10 (morecantile test_bounds)", [486, 332, 10], [-9.140625, 53.12040528310657, -8.7890625, 53.33087298301705]],
    ["z0", [0, 0, 0], [-180, -85.0511287798066, 180, 85.0511287798066]],
  ] as Array<[string, [number, number, number], number[]]>)("tileBoundsLonLat %s", (_, [x, y, z], want) => {
    close(tileBoundsLonLat(x, y, z), want);
  });

  it.each([
    [0, 256, 156543.03392804097],
    [7, 256, 1222.9924525628200],
    [8, 256, 611.49622628141],
    [8, 512, 305.748113140705],
    [24, 256, 0.009330691929342784],
  ])("tileResolution(z=%i, tileSize=%i) = %f", (z, size, want) => {
    expect(tileResolution(z, size)).toBeCloseTo(want, 9);
  });

  it("converts between lon/lat and metres", () => {
    close(lonLatToMeters(180, 0), [WEB_MERCATOR_ORIGIN, 0]);
    close(lonLatToMeters(0, 90), [0, WEB_MERCATOR_ORIGIN]); // clamped to the square
    close(metersToLonLat(...lonLatToMeters(-105.0844, 40.5853)), [-105.0844, 40.5853], 9);
  });

  // morecantile tests: test_tiles, test_tile_not_truncated, test_global_tiles_clamped,
  // test_tiles_roundtrip(_children) and the antimeridian case of test_tiles.
  const tiles: Array<[string, Bounds, number, Array<[number, number]>]> = [
    ["mercantile's Denver box at z14", [-105, 39.99, -104.99, 40], 14, [[3413, 6202], [3413, 6203]]],
    ["a point (morecantile tile(20.6852, 40.1222, 9))", [20.6852, 40.1222, 20.6852, 40.1222], 9, [[285, 193]]],
    ["the world at z0", [-180, -90, 180, 90], 0, [[0, 0]]],
    ["the world at z1, y clamped", [-180, -90, 180, 90], 1, [[0, 0], [1, 0], [0, 1], [1, 1]]],
    ["a tile's own bounds give that tile", tileBoundsLonLat(486, 332, 10), 10, [[486, 332]]],
    ["and its 4 children one zoom down", tileBoundsLonLat(486, 332, 10), 11, [[972, 664], [973, 664], [972, 665], [973, 665]]],
    ["across the antimeridian", [175, 5, -175, 10], 2, [[0, 1], [3, 1]]],
  ];
  it.each(tiles)("tilesForBounds: %s", (_, bounds, z, want) => {
    expect(tilesForBounds(bounds, z)).toEqual(want.map(([x, y]) => ({ x, y, z })));
  });

  it("tilesForBounds takes EPSG:3857 metres too", () => {
    expect(tilesForBounds(tileBounds(486, 332, 10), 10, { units: "meters" })).toEqual([{ x: 486, y: 332, z: 10 }]);
  });

  it("refuses to list more tiles than the world at z10", () => {
    expect(tilesForBounds([-180, -90, 180, 90], 10)).toHaveLength(4 ** 10);
    expect(() => tilesForBounds([-180, -90, 180, 90], 11)).toThrow(expect.objectContaining({ code: "COG_LIMIT" }));
  });

  it.each([
    ["tile outside the grid", () => tileBounds(2, 0, 1)],
    ["negative zoom", () => tileBounds(0, 0, -1)],
    ["fractional tile", () => tileBounds(0.5, 0, 1)],
    ["bad tile size", () => tileResolution(3, 0)],
    ["NaN bounds", () => tilesForBounds([-105, Number.NaN, -104.99, 40], 14)],
  ])("rejects %s", (_, call) => {
    expect(call).toThrow(expect.objectContaining({ code: "COG_USAGE" }));
  });
});

describe("zoomForResolution (morecantile zoom_for_res)", () => {
  // morecantile tests/test_models.py test_zoom_for_res; z7 = 1222.99 m, z8 = 611.50 m, z9 = 305.75 m.
  const cases: Array<[string, number, ZoomOptions, number]> = [
    ["612 m, auto", 612, {}, 8],
    ["612 m, lower", 612, { zoomLevelStrategy: "lower" }, 7],
    ["612 m, upper", 612, { zoomLevelStrategy: "upper" }, 8],
    ["610 m, auto", 610, {}, 8],
    ["610 m, lower", 610, { zoomLevelStrategy: "lower" }, 8],
    ["610 m, upper", 610, { zoomLevelStrategy: "upper" }, 9],
    ["exactly z8 under every strategy", tileResolution(8), { zoomLevelStrategy: "lower" }, 8],
    ["0.0001 m stops at maxzoom 24", 0.0001, {}, 24],
    ["0.0001 m with maxZ 25", 0.0001, { maxZ: 25 }, 25],
    ["0.0001 m, lower: morecantile's maxZ - 1", 0.0001, { zoomLevelStrategy: "lower" }, 23],
    ["coarser than z0", 1e6, {}, 0],
    ["10 m with minZ 6 (morecantile custom TMS)", 10, { minZ: 6 }, 14],
    ["5000 m with minZ 6", 5000, { minZ: 6 }, 6],
    ["612 m with 512 px tiles: z7 = 611.50 m", 612, { tileSize: 512 }, 7],
  ];
  it.each(cases)("%s", (_, res, opts, want) => {
    expect(zoomForResolution(res, opts)).toBe(want);
  });

  it.each([
    ["zero resolution", () => zoomForResolution(0)],
    ["maxZ below minZ", () => zoomForResolution(10, { minZ: 5, maxZ: 4 })],
    ["unknown strategy", () => zoomForResolution(10, { zoomLevelStrategy: "closest" as "auto" })],
  ])("rejects %s", (_, call) => {
    expect(call).toThrow(expect.objectContaining({ code: "COG_USAGE" }));
  });
});

describe("zoomRange (rio-tiler minzoom / maxzoom)", () => {
  // Worked by hand: 0.6 m lies between z17 (1.194 m) and z18 (0.597 m), closer to z18.
  // 10280 x 12190 halves 6 times before min(w, h) // 2^k <= 256 (160 px), so the smallest
  // overview is 0.6 x 64 = 38.4 m, between z11 (76.4 m) and z12 (38.2 m): z12.
  const cases: Array<[string, { resolution: number; width: number; height: number }, ZoomOptions, [number, number]]> = [
    ["aiocogeo's NAIP image", { resolution: 0.6, width: 10280, height: 12190 }, {}, [12, 18]],
    ["same, maxzoom with lower", { resolution: 0.6, width: 10280, height: 12190 }, { zoomLevelStrategy: "lower" }, [12, 17]],
    ["same, 512 px tiles", { resolution: 0.6, width: 10280, height: 12190 }, { tileSize: 512 }, [12, 17]],
    ["one z8 tile of 256 px", { resolution: tileResolution(8), width: 256, height: 256 }, {}, [8, 8]],
    ["a 257 px image halves once", { resolution: tileResolution(8), width: 257, height: 300 }, {}, [7, 8]],
    ["a strip: the short side decides", { resolution: tileResolution(10), width: 100000, height: 300 }, {}, [9, 10]],
  ];
  it.each(cases)("%s", (_, image, opts, [minzoom, maxzoom]) => {
    expect(zoomRange(image, opts)).toEqual({ minzoom, maxzoom });
  });
});
