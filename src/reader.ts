import { COGReaderCore } from "./reader-core.js";
import { CogError, loadPart } from "./errors.js";
import type { OpenOptions } from "./options.js";
import { openFile } from "./open.js";
import { mergeRequests } from "./io/prefetch.js";
import { envSettings } from "./env.js";
import type { OverviewStrategy } from "./locate/overview.js";
import { BlockCache, sharedBlockCache } from "./io/block-cache.js";
import { TileCache, sharedTileCache } from "./raster/tile-cache.js";
import type { SourceInput } from "./source/open.js";
import type { Raster } from "./raster/raster.js";
import type { BoundsReaderContext, ReadBoundsOptions } from "./raster/read-bounds.js";
import type { MapTileContext, MapTileOptions } from "./raster/map-tile.js";
import type { ReadPlanner } from "./plan-reads.js";
import { planTiles } from "./locate/plan.js";
import { tileBlockIndices } from "./locate/blocks.js";
import type { GeoExtent } from "./raster/geo-extent.js";
import type { PointTransform } from "./raster/projection.js";
import { tileBounds } from "./locate/web-mercator.js";

/**
 * Reads a Cloud-Optimized GeoTIFF (or any TIFF/BigTIFF) over byte ranges.
 *
 * @example
 * ```ts
 * import { COGReader } from "cogread";
 * const cog = await COGReader.open("https://example.com/dem.tif");
 * console.log(cog.profile, cog.ifds.length, cog.requests.count);
 * await cog.close();
 * ```
 */
export class COGReader extends COGReaderCore {
  /**
   * Opens a file: reads the first `initialBytes` (default 16 KiB) and, only if the header is
   * larger, more with doubling readahead. Block arrays (TileOffsets…) are not loaded.
   *
   * @example
   * ```ts
   * const cog = await COGReader.open("./examples/data/sample_cog.tif");
   * ```
   */
  static async open(input: SourceInput, options: OpenOptions = {}): Promise<COGReader> {
    const { source, dataset, extent, cacheKey } = await openFile(input, options);
    const env = envSettings();
    const blockCache = options.blockCache ?? env.blockCache;
    const cache = blockCache === false ? new BlockCache({ maxBytes: 0 }) : (blockCache ?? sharedBlockCache());
    // COGREAD_ENABLE_BLOCK_CACHE=FALSE turns off every cache of tiles, decoded ones too.
    const tileCache = options.tileCache ?? (env.blockCache === false ? false : undefined);
    const tiles = tileCache === false ? new TileCache({ maxBytes: 0 }) : (tileCache ?? sharedTileCache());
    return new COGReader(source, dataset, options, extent, { cache, key: cacheKey, tiles });
  }

  /**
   * Reads `bounds` (`[minx, miny, maxx, maxy]` in the image's CRS) into a `shape` raster, like
   * aiocogeo's `read`: picks the overview (`overviewStrategy`), reads only the tiles it needs, in
   * parallel, and resamples as GDAL's `gdal_translate -projwin … -outsize … -r …` does on that
   * level. Outside the image: `fillValue` (default nodata, else 0) with mask 0; wholly outside
   * (or partly, with `boundless: false`) is `COG_TILE_OUTSIDE`.
   *
   * @example
   * ```ts
   * const r = await cog.read([399960, 5892360, 410200, 5900040], { width: 512, height: 384 }, { resampling: "bilinear" });
   * ```
   */
  async read(bounds: readonly [number, number, number, number], shape: { width: number; height: number }, opts: ReadBoundsOptions = {}): Promise<Raster> {
    // Resampling (and, for tile(), warping) load on first use: a viewer that only calls getTile
    // keeps them out of its first download (README, "Bundle sizes"). The window assembly code that
    // readWindow loads comes in parallel.
    const [{ readBounds }] = await loadPart(Promise.all([import("./raster/read-bounds.js"), import("./raster/assemble-window.js")]));
    return readBounds(this.boundsContext(), bounds, shape, this.withEnvDefaults(opts));
  }

  /**
   * The XYZ map tile (x, y, z) of the WebMercatorQuad grid (EPSG:3857), rio-tiler style: images
   * in other CRSs are reprojected with proj4, like gdalwarp, with any of gdalwarp's resampling
   * methods but `sum` (`opts.resampling`, default `nearest`). A tile that misses the image is
   * `COG_TILE_OUTSIDE`; a CRS without a proj4 definition is `COG_UNSUPPORTED` (register one
   * with `proj4.defs`); an unknown method is `COG_USAGE`.
   *
   * @example
   * ```ts
   * const t = await cog.tile(4402, 2686, 13);
   * const smooth = await cog.tile(4402, 2686, 13, { resampling: "lanczos" });
   * ```
   */
  async tile(x: number, y: number, z: number, opts: MapTileOptions = {}): Promise<Raster> {
    const [{ readMapTile }] = await loadPart(Promise.all([import("./raster/map-tile.js"), import("./raster/assemble-window.js")]));
    return readMapTile(this.mapTileContext(), x, y, z, this.withEnvDefaults(opts));
  }

  /**
   * Dry runs of `getTile`, `readWindow`, `read` and `tile`: the exact requests each would send
   * now, given the caches, without sending them.
   *
   * @example
   * ```ts
   * const plan = await cog.plan.tile(4402, 2686, 13);
   * console.log(plan.data); // [[offset, length], …]
   * ```
   */
  get plan(): ReadPlanner {
    const { dataset } = this;
    // The planner loads on its first call; what it shares with the reads comes from here.
    const planner = async () => (await loadPart(import("./plan-reads.js"))).createPlanner({
      images: dataset.images,
      planTiles: (tiles, window) => {
        for (const [x, y, z] of tiles) tileBlockIndices(dataset.images[z] ?? dataset.images[0], x, y, z);
        return planTiles(dataset, tiles, this.planCaches(window), this.blockMergeGap());
      },
      boundsContext: () => this.boundsContext(),
      mapTileContext: () => this.mapTileContext(),
      merge: (data) => mergeRequests(data, this.mergeOptions()).map((g) => [g.offset, g.length]),
    });
    return {
      getTile: async (x, y, z) => (await planner()).getTile(x, y, z),
      readWindow: async (win, z) => (await planner()).readWindow(win, z),
      read: async (bounds, shape, opts) => (await planner()).read(bounds, shape, opts),
      tile: async (x, y, z, opts) => (await planner()).tile(x, y, z, opts),
    };
  }

  /** Options the caller left out take their COGREAD_* environment values. */
  private withEnvDefaults<T extends { boundless?: boolean; fillValue?: number; overviewStrategy?: OverviewStrategy }>(opts: T): T {
    const { boundless, fillValue, overviewStrategy } = envSettings();
    return { boundless, fillValue, overviewStrategy, ...opts };
  }

  private mapTileContext(): MapTileContext {
    const extent = this.requireExtent();
    return {
      ...this.boundsContext(),
      transform: this.dataset.transform!,
      mercatorBounds: extent.mercatorBounds,
      fromMercator: extent.fromMercator,
      tileBounds,
      fetchWindow: (win, z, o) => this.fetchWindow(win, z, o),
    };
  }

  /**
   * Whether map tile (x, y, z) overlaps the image.
   *
   * @example
   * ```ts
   * if (cog.tileExists(4402, 2686, 13)) await cog.tile(4402, 2686, 13);
   * ```
   */
  tileExists(x: number, y: number, z: number, opts: { tileSize?: number } = {}): boolean {
    const mb = this.requireExtent().mercatorBounds;
    const tb = tileBounds(x, y, z, opts.tileSize ?? 256);
    return tb[0] < mb[2] && tb[2] > mb[0] && tb[1] < mb[3] && tb[3] > mb[1];
  }

  /**
   * Band values and mask at a point: longitude/latitude by default, or `x, y` in `crs` (a proj4
   * definition, a name proj4 knows such as "EPSG:3857", or "image" for the file's own CRS).
   *
   * @example
   * ```ts
   * const { values, mask } = await cog.point(14.47, 53.2);
   * ```
   */
  async point(x: number, y: number, opts: { crs?: string; signal?: AbortSignal } = {}): Promise<{ values: Array<number | bigint>; mask: number }> {
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new CogError("COG_USAGE", `point(${x}, ${y}): coordinates must be finite numbers`, { url: this.url });
    const gt = this.dataset.transform;
    if (gt === undefined) throw new CogError("COG_UNSUPPORTED", "the file has no geotransform", { url: this.url });
    const crs = opts.crs ?? "EPSG:4326";
    let toImage: PointTransform | undefined;
    if (crs === "EPSG:4326") toImage = this.requireExtent().fromLonLat;
    else if (crs !== "image") {
      const { crsDefinition, pointTransform } = await loadPart(import("./raster/projection.js"));
      toImage = await pointTransform(crs, await crsDefinition(this.crs, this.url));
    }
    const { readPoint } = await loadPart(import("./raster/point.js"));
    return readPoint({ transform: gt, width: this.width, height: this.height, url: this.url, readWindow: (w, z, o) => this.readWindow(w, z, o) }, toImage ? toImage(x, y) : [x, y], opts);
  }

  /** `[west, south, east, north]` in degrees, when the CRS is known. */
  get geographicBounds(): [number, number, number, number] | undefined {
    return this.extent instanceof Error ? undefined : this.extent?.geographicBounds;
  }

  /** Lowest web-map zoom worth serving (rio-tiler's rule), when the CRS is known. */
  get minzoom(): number | undefined {
    return this.extent instanceof Error ? undefined : this.extent?.minzoom;
  }

  /** Web-map zoom matching the native resolution (morecantile's zoom_for_res), when the CRS is known. */
  get maxzoom(): number | undefined {
    return this.extent instanceof Error ? undefined : this.extent?.maxzoom;
  }

  private requireExtent(): GeoExtent {
    if (this.extent instanceof Error) throw this.extent;
    if (this.extent === undefined) throw new CogError("COG_UNSUPPORTED", "the file has no north-up geotransform", { url: this.url });
    return this.extent;
  }

  private boundsContext(): BoundsReaderContext {
    return {
      levels: this.ifds,
      transform: this.dataset.transform,
      nodata: this.nodata,
      url: this.url,
      readWindow: (win, z, o) => this.readWindow(win, z, o),
      limits: this.limits,
    };
  }

}
