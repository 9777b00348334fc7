import { tileBoundsLonLat, tilesForBounds, type Bounds } from "../locate/web-mercator.js";
import { tileToQuadkey } from "./quadkey.js";

/**
 * The quadkey index of assets with lon/lat footprints, as cogeo-mosaic's `_create_mosaic` builds
 * it: the tiles of `zoom` that some footprint overlaps (supermorecado's burn: a footprint's tiles,
 * its edges nudged inward so that a footprint ending on a tile edge does not burn the next tile),
 * row by row; under each, every asset whose footprint intersects the tile (shapely's
 * `intersects`: touching counts), in the assets' order. Pure.
 *
 * @example
 * ```ts
 * quadkeyIndex([{ url: "a.tif", bounds: [0.1, 0.1, 0.2, 0.2] }], 3); // { "122": ["a.tif"] }
 * ```
 */
export function quadkeyIndex(assets: ReadonlyArray<{ url: string; bounds: Bounds }>, zoom: number): Record<string, string[]> {
  const tiles = new Map<string, { x: number; y: number }>();
  for (const a of assets) {
    for (const t of tilesForBounds(a.bounds, zoom)) tiles.set(`${t.y},${t.x}`, t);
  }
  const ordered = [...tiles.values()].sort((p, q) => p.y - q.y || p.x - q.x);
  const index: Record<string, string[]> = {};
  for (const t of ordered) {
    const tb = tileBoundsLonLat(t.x, t.y, zoom);
    const urls = assets.filter((a) => intersects(a.bounds, tb)).map((a) => a.url);
    if (urls.length > 0) index[tileToQuadkey(t.x, t.y, zoom)] = urls;
  }
  return index;
}

/** Closed boxes intersect; a footprint with west > east crosses the antimeridian. */
function intersects(a: Bounds, t: Bounds): boolean {
  const boxes: Bounds[] = a[0] > a[2] ? [[a[0], a[1], 180, a[3]], [-180, a[1], a[2], a[3]]] : [a];
  return boxes.some((b) => b[0] <= t[2] && b[2] >= t[0] && b[1] <= t[3] && b[3] >= t[1]);
}
