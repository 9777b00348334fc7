import type { PointTransform } from "./projection.js";

// EPSG:4326 ↔ EPSG:3857 without proj4: the spherical Mercator of proj4's `merc` projection
// (lib/projections/merc.js, `this.sphere` branch) and the steps around it in lib/transform.js,
// in the same order and with the same constants, so that results are proj4's to the bit (test/
// lonlat-mercator.test.ts compares them on a grid). WGS84 → the 3857 sphere is no datum shift in
// proj4 either: +nadgrids=@null leaves the angles as they are.

/** Names of the two CRSs: proj4's own, and the definitions cogread's EPSG table gives 4326 and 3857 (also 3785, 900913). */
const KNOWN = new Map<string, "lonlat" | "mercator">([
  ["EPSG:4326", "lonlat"],
  ["WGS84", "lonlat"],
  ["+proj=longlat +datum=WGS84 +no_defs", "lonlat"],
  ["EPSG:3857", "mercator"],
  ["+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs", "mercator"],
]);

/** proj4's constants (lib/constants/values.js): D2R and R2D are literals, not π / 180. */
const D2R = 0.01745329251994329577;
const R2D = 57.29577951308232088;
const HALF_PI = Math.PI / 2;
const FORTPI = Math.PI / 4;
/** Slightly more than π, so that a longitude a rounding error past ±180° is not wrapped. */
const SPI = 3.14159265359;
const EPSLN = 1e-10;
/** The sphere's radius (`+a`) times `+k`; the false easting and northing are 0 (kept: 0 + -0 is 0, as in proj4). */
const R = 6378137;
const X0 = 0;

/** proj4's adjust_lon: into [-π, π] by one turn. */
const adjustLon = (lam: number): number => (Math.abs(lam) <= SPI ? lam : lam - Math.sign(lam) * 2 * Math.PI);

const toMercator: PointTransform = (lon, lat) => {
  const lam = lon * D2R;
  const phi = lat * D2R;
  // A pole has no place on the map (proj4's forward returns null there).
  if (Math.abs(Math.abs(phi) - HALF_PI) <= EPSLN) return [NaN, NaN];
  return [X0 + R * adjustLon(lam), X0 + R * Math.log(Math.tan(FORTPI + 0.5 * phi))];
};

const toLonLat: PointTransform = (x, y) => {
  const phi = HALF_PI - 2 * Math.atan(Math.exp(-(y - X0) / R));
  const lam = adjustLon(X0 + (x - X0) / R);
  return [lam * R2D, phi * R2D];
};

const identity: PointTransform = (x, y) => [x, y];

/**
 * The transform between two CRSs when both are EPSG:4326 or EPSG:3857 (by name or by the
 * definition cogread's EPSG table gives them), else `undefined` (proj4's business). Between
 * the same CRS it is the identity, where proj4 would round-trip through radians (and wrap
 * easting past the antimeridian). Non-finite input gives NaN, as `pointTransform` does.
 *
 * @example
 * ```ts
 * const toMercator = lonLatMercator("EPSG:4326", "EPSG:3857")!;
 * toMercator(10, 50); // [1113194.9079327357, 6446275.841017158]
 * ```
 */
export function lonLatMercator(from: string, to: string): PointTransform | undefined {
  const a = KNOWN.get(from);
  const b = KNOWN.get(to);
  if (a === undefined || b === undefined) return undefined;
  const f = a === b ? identity : a === "lonlat" ? toMercator : toLonLat;
  const t: PointTransform = (x, y) => (Number.isFinite(x) && Number.isFinite(y) ? f(x, y) : [NaN, NaN]);
  // Not toMercator: a pole's x is NaN, whatever its longitude.
  t.separable = f !== toMercator;
  return t;
}
