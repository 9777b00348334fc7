import { CogError } from "../errors.js";
import type { CrsInfo } from "../tiff/crs.js";
import { lonLatMercator } from "./lonlat-mercator.js";

/**
 * Transforms a point between two CRSs.
 *
 * @example
 * ```ts
 * const shift: PointTransform = (x, y) => [x + 100, y];
 * shift.separable = true; // x from x alone, y from y alone
 * const [x, y] = shift(500000, 4000000);
 * ```
 */
export interface PointTransform {
  (x: number, y: number): [number, number];
  /**
   * True when the output x depends on the input x alone and the output y on the input y alone
   * (EPSG:3857 to itself or to EPSG:4326): a map tile's source coordinates are then one row of
   * x and one column of y.
   */
  separable?: boolean;
}

type Proj4 = typeof import("proj4");
let proj4Module: Promise<Proj4> | undefined;

/** proj4, loaded on first use only: files in EPSG:4326 or EPSG:3857 never load it. */
async function loadProj4(): Promise<Proj4> {
  // A failed load is COG_UNSUPPORTED, as a codec's, and is tried again on the next call. (Not
  // loadPart of errors.ts: the CLI bundles this module and takes errors.ts from the public index.)
  proj4Module ??= import("proj4").then(
    (m) => (m as unknown as { default: Proj4 }).default ?? (m as unknown as Proj4),
    (e: unknown) => {
      proj4Module = undefined;
      throw new CogError("COG_UNSUPPORTED", `cannot load proj4: ${e}`, {}, { cause: e });
    },
  );
  return proj4Module;
}

/**
 * The proj4 definition of the file's CRS: the one cogread derived (EPSG table or user-defined
 * GeoKeys), else one the application registered with `proj4.defs("EPSG:<code>", "…")`. A CRS
 * neither knows is `COG_UNSUPPORTED`, saying how to register it.
 *
 * @example
 * ```ts
 * const def = await crsDefinition(cog.crs, cog.url); // "+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs"
 * ```
 */
export async function crsDefinition(crs: CrsInfo, url?: string): Promise<string> {
  if (crs.proj4 !== undefined) return crs.proj4;
  const proj4 = await loadProj4();
  if (crs.epsg !== undefined && proj4.defs(`EPSG:${crs.epsg}`) !== undefined) return `EPSG:${crs.epsg}`;
  const name = crs.epsg !== undefined ? `EPSG:${crs.epsg}` : "the file's CRS";
  throw new CogError(
    "COG_UNSUPPORTED",
    `no proj4 definition for ${name}: register one first, e.g. import proj4 from "proj4"; proj4.defs("EPSG:${crs.epsg ?? "<code>"}", "+proj=…")`,
    { url },
  );
}

/**
 * A point transform between two proj4 definitions (or registered names such as "EPSG:3857").
 * Between EPSG:4326 and EPSG:3857 it is built in (proj4's formulas, proj4's results) and proj4
 * does not load; other CRSs load proj4 on first use.
 *
 * @example
 * ```ts
 * const toLonLat = await pointTransform("EPSG:3857", "EPSG:4326");
 * toLonLat(0, 0); // [0, 0]
 * ```
 */
export async function pointTransform(from: string, to: string): Promise<PointTransform> {
  const builtIn = lonLatMercator(from, to);
  if (builtIn !== undefined) return builtIn;
  const proj4 = await loadProj4();
  const converter = proj4(from, to);
  // proj4 throws on non-finite input and on some points outside a projection's domain: such a
  // point has no place in the target CRS, so it becomes NaN (outside every image) instead.
  return (x, y) => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return [NaN, NaN];
    try {
      return converter.forward([x, y]) as [number, number];
    } catch {
      return [NaN, NaN];
    }
  };
}

/**
 * The bounding box of `bounds` after transforming its edges, each densified to `points` points
 * (as rasterio's transform_bounds does, so curved edges are covered). Non-finite results (points
 * outside the target projection's domain) are skipped.
 *
 * @example
 * ```ts
 * const lonlat = transformBoundsDense(toLonLat, [399960, 5892360, 410200, 5900040]);
 * ```
 */
export function transformBoundsDense(
  transform: PointTransform,
  bounds: readonly [number, number, number, number],
  points = 21,
): [number, number, number, number] {
  const [minx, miny, maxx, maxy] = bounds;
  let out: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < points; i++) {
    const t = i / (points - 1);
    const x = minx + (maxx - minx) * t;
    const y = miny + (maxy - miny) * t;
    for (const [px, py] of [[x, miny], [x, maxy], [minx, y], [maxx, y]]) {
      const [tx, ty] = transform(px, py);
      if (!Number.isFinite(tx) || !Number.isFinite(ty)) continue;
      out = [Math.min(out[0], tx), Math.min(out[1], ty), Math.max(out[2], tx), Math.max(out[3], ty)];
    }
  }
  return out;
}
