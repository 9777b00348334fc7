import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import { lonLatMercator } from "../src/raster/lonlat-mercator.js";
import { proj4FromEpsg } from "../src/tiff/crs.js";

// The built-in EPSG:4326 <-> EPSG:3857 transform against proj4 itself, on the definitions
// cogread uses ("table": its EPSG table's, as geo-extent.ts passes them) and on proj4's names.
const LONLAT = proj4FromEpsg(4326)!;
const MERCATOR = proj4FromEpsg(3857)!;
const HALF = 20037508.342789244;

/** Lon/lat: a 1.7° grid a little past the world, and rows and columns near ±85°, ±90° and ±180°. */
function lonLatGrid(): Array<[number, number]> {
  const pts: Array<[number, number]> = [];
  for (let lon = -190; lon <= 190; lon += 1.7) for (let lat = -95; lat <= 95; lat += 1.7) pts.push([lon, lat]);
  const lons = [-540, -360, -181, -180.0000001, -180, -179.9999999, -0, 0, 1e-12, 179.9999999, 180, 180.0000001, 181, 359, 540];
  const lats = [-91, -90, -89.99999999999, -89.9999, -85.0511287798066, -85.05, -85, 0, 85, 85.05, 85.0511287798066, 85.06, 89.9999, 89.99999999999, 90, 90.5];
  for (const lon of lons) for (const lat of lats) pts.push([lon, lat]);
  return pts;
}

/** Mercator metres: a grid past the square, and its edges. */
function mercatorGrid(): Array<[number, number]> {
  const pts: Array<[number, number]> = [];
  for (let i = -60; i <= 60; i++) for (let j = -60; j <= 60; j++) pts.push([(i * HALF) / 50 + i * 0.37, (j * HALF) / 50 - j * 0.11]);
  for (const x of [-3e7, -HALF, -HALF + 1e-6, 0, HALF - 1e-6, HALF, 3e7]) for (const y of [-1e9, -3e7, -HALF, 0, HALF, 3e7, 1e9]) pts.push([x, y]);
  return pts;
}

/** The largest difference, relative to max(1, |proj4's value|); Infinity when only one side is NaN. */
function worst(from: string, to: string, pts: Array<[number, number]>): number {
  const mine = lonLatMercator(from, to);
  expect(mine, `${from} -> ${to}`).toBeDefined();
  const theirs = proj4(from, to);
  let d = 0;
  for (const [x, y] of pts) {
    let want: number[];
    try {
      want = theirs.forward([x, y]);
    } catch {
      want = [NaN, NaN];
    }
    const got = mine!(x, y);
    for (let k = 0; k < 2; k++) {
      if (Number.isNaN(want[k]) && Number.isNaN(got[k])) continue;
      d = Math.max(d, Math.abs(got[k] - want[k]) / Math.max(1, Math.abs(want[k])));
      if (Number.isNaN(d)) return Infinity;
    }
  }
  return d;
}

describe("EPSG:4326 <-> EPSG:3857 without proj4", () => {
  it("knows cogread's table definitions of 4326 and 3857 (and the aliases 3785, 900913)", () => {
    for (const code of [4326, 3857, 3785, 900913]) expect(lonLatMercator(proj4FromEpsg(code)!, "EPSG:4326"), String(code)).toBeDefined();
    expect(lonLatMercator(proj4FromEpsg(32633)!, "EPSG:4326")).toBeUndefined();
    expect(lonLatMercator("EPSG:4326", "EPSG:3395")).toBeUndefined();
    expect(lonLatMercator("toString", "EPSG:4326")).toBeUndefined();
  });

  it.each([
    ["table -> table", LONLAT, MERCATOR], ["table -> name", LONLAT, "EPSG:3857"], ["name -> table", "EPSG:4326", MERCATOR], ["name -> name", "EPSG:4326", "EPSG:3857"],
  ])("lon/lat -> mercator: proj4's values, incl. near ±85°, ±90° and ±180° (%s)", (_, from, to) => {
    // With proj4 2.22 they are equal to the bit; the bound is what a proj4 upgrade may move.
    expect(worst(from, to, lonLatGrid())).toBeLessThanOrEqual(1e-9);
  });

  it.each([
    ["table -> table", MERCATOR, LONLAT], ["table -> name", MERCATOR, "EPSG:4326"], ["name -> table", "EPSG:3857", LONLAT], ["name -> name", "EPSG:3857", "EPSG:4326"],
  ])("mercator -> lon/lat: proj4's values, incl. past the square (%s)", (_, from, to) => {
    expect(worst(from, to, mercatorGrid())).toBeLessThanOrEqual(1e-9);
  });

  it("today's proj4 gives exactly the same numbers", () => {
    expect(worst(LONLAT, "EPSG:3857", lonLatGrid())).toBe(0);
    expect(worst(MERCATOR, "EPSG:4326", mercatorGrid())).toBe(0);
  });

  it("between the same CRS: the identity, within 1e-9 of proj4's round trip inside the world", () => {
    const inside = (pts: Array<[number, number]>, lim: [number, number]) => pts.filter(([x, y]) => Math.abs(x) < lim[0] && Math.abs(y) < lim[1]);
    expect(lonLatMercator(LONLAT, "EPSG:4326")!(12.5, -45.25)).toEqual([12.5, -45.25]);
    expect(lonLatMercator(MERCATOR, "EPSG:3857")!(3e7, -1e9)).toEqual([3e7, -1e9]);
    expect(worst(LONLAT, "EPSG:4326", inside(lonLatGrid(), [180, 90]))).toBeLessThanOrEqual(1e-9);
    expect(worst(MERCATOR, "EPSG:3857", inside(mercatorGrid(), [HALF, HALF]))).toBeLessThanOrEqual(1e-9);
  });

  it("non-finite input and the poles are NaN, as pointTransform gives for proj4's failures", () => {
    const toMercator = lonLatMercator("EPSG:4326", "EPSG:3857")!;
    expect(toMercator(Infinity, 0)).toEqual([NaN, NaN]);
    expect(toMercator(0, NaN)).toEqual([NaN, NaN]);
    expect(toMercator(10, 90)).toEqual([NaN, NaN]);
    expect(lonLatMercator("EPSG:3857", "EPSG:3857")!(NaN, 0)).toEqual([NaN, NaN]);
  });
});
