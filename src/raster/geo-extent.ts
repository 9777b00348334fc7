import { isCogError } from "../errors.js";
import type { zoomRange } from "../locate/web-mercator.js";
import type { CrsInfo } from "../tiff/crs.js";
import { crsDefinition, pointTransform, transformBoundsDense, type PointTransform } from "./projection.js";

/**
 * Where the image lies on the web map: its bounds in EPSG:3857 and in longitude/latitude, the
 * transforms between those and the image's CRS, and the zoom range rio-tiler would give it.
 *
 * @example
 * ```ts
 * const extent = await geoExtent({ crs: cog.crs, bounds: cog.bounds!, width: cog.width, height: cog.height });
 * ```
 */
export interface GeoExtent {
  mercatorBounds: [number, number, number, number];
  geographicBounds: [number, number, number, number];
  fromMercator: PointTransform;
  fromLonLat: PointTransform;
  minzoom: number;
  maxzoom: number;
}

const MERCATOR_MAX = 20037508.342789244;

/**
 * Computes the {@link GeoExtent} of an image of `width` × `height` pixels whose north-up
 * `bounds` are in `crs`; for a CRS with no known proj4 definition, returns the `COG_UNSUPPORTED`
 * error instead (thrown later by the calls that need it). `COGReader.open` imports this module
 * only for a north-up file; proj4 loads only for a CRS other than EPSG:4326 and EPSG:3857
 * (README, "Bundle sizes"). The zoom rule comes from the caller (`zoomRange` of
 * locate/web-mercator.ts): a module the root index exports and this lazy one imported would be
 * split into a chunk of its own that the core bundle loads.
 *
 * @example
 * ```ts
 * const extent = await geoExtent({ crs, bounds: transformBounds(transform, 1024, 768), width: 1024, height: 768 }, zoomRange);
 * if (!(extent instanceof Error)) console.log(extent.maxzoom);
 * ```
 */
export async function geoExtent(
  img: { crs: CrsInfo; bounds: [number, number, number, number]; width: number; height: number; url?: string },
  zooms: typeof zoomRange,
): Promise<GeoExtent | Error> {
  let def: string;
  try {
    def = await crsDefinition(img.crs, img.url);
  } catch (e) {
    if (isCogError(e)) return e;
    throw e;
  }
  const toMercator = await pointTransform(def, "EPSG:3857");
  const fromMercator = await pointTransform("EPSG:3857", def);
  const toLonLat = await pointTransform(def, "EPSG:4326");
  const fromLonLat = await pointTransform("EPSG:4326", def);
  const { bounds } = img;
  const clampMercator = ([x, y]: [number, number]): [number, number] => [
    Math.max(-MERCATOR_MAX, Math.min(MERCATOR_MAX, x)),
    Math.max(-MERCATOR_MAX, Math.min(MERCATOR_MAX, Number.isFinite(y) ? y : Math.sign(y) * MERCATOR_MAX)),
  ];
  const mercatorBounds = transformBoundsDense((x, y) => clampMercator(toMercator(x, y)), bounds);
  const geographicBounds = transformBoundsDense(toLonLat, bounds);
  const resolution = Math.max((mercatorBounds[2] - mercatorBounds[0]) / img.width, (mercatorBounds[3] - mercatorBounds[1]) / img.height);
  const { minzoom, maxzoom } = zooms({ resolution, width: img.width, height: img.height });
  return { mercatorBounds, geographicBounds, fromMercator, fromLonLat, minzoom, maxzoom };
}
