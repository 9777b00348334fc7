import { CogError } from "./errors.js";
import type { CountingSource, RequestStats } from "./io/stats.js";
import { locateBlocks, tileBlockIndices, type BlockRange } from "./locate/blocks.js";
import type { OpenOptions } from "./options.js";
import { openFile } from "./open.js";
import { planTiles } from "./locate/plan.js";
import { fetchMerged, mergeRequests } from "./io/prefetch.js";
import { DEFAULT_MAX_MERGED_BYTES, DEFAULT_MERGE_GAP } from "./options.js";
import { envSettings } from "./env.js";
import type { OverviewStrategy } from "./locate/overview.js";
import { encodeSnapshot, type HeaderSnapshot } from "./io/snapshot.js";
import { BlockCache, sharedBlockCache } from "./io/block-cache.js";
import { readPoint } from "./raster/point.js";
import { buildProfile, type Profile } from "./profile.js";
import type { SourceInput } from "./source/open.js";
import type { CrsInfo } from "./tiff/crs.js";
import type { TiffDataset } from "./tiff/dataset.js";
import type { GdalMetadata } from "./tiff/gdal-metadata.js";
import { transformBounds, type Gcp, type GeoTransform } from "./tiff/georef.js";
import type { GhostArea } from "./tiff/ghost.js";
import type { ImageInfo } from "./tiff/image.js";
import { decodeTile } from "./raster/decode-tile.js";
import { emptyTile } from "./raster/empty-tile.js";
import { fetchTile } from "./raster/fetch-tile.js";
import type { Raster } from "./raster/raster.js";
import { readPixelWindow, tilesForWindow, type PixelWindow } from "./raster/mosaic.js";
import { readBounds, type BoundsReaderContext, type ReadBoundsOptions } from "./raster/read-bounds.js";
import { readMapTile, type MapTileContext, type MapTileOptions } from "./raster/map-tile.js";
import { createPlanner, type ReadPlanner } from "./plan-reads.js";
import type { GeoExtent } from "./raster/geo-extent.js";
import { crsDefinition, pointTransform } from "./raster/projection.js";
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
export class COGReader {
  private constructor(
    private readonly source: CountingSource,
    /** Parsed header: IFDs, levels, masks, geo metadata. Advanced use. */
    readonly dataset: TiffDataset,
    private readonly options: OpenOptions,
    private readonly extent: GeoExtent | Error | undefined,
    private readonly blocks: { cache: BlockCache; key: string },
  ) {}

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
    return new COGReader(source, dataset, options, extent, { cache, key: cacheKey });
  }

  /** Header pages (block arrays) this reader loads go through its own source and counters. */
  private readonly fetchHeader = (offset: number, length: number, signal?: AbortSignal) => this.source.read(offset, length, { signal });

  /** URL or path of the file. */
  get url(): string {
    return this.source.url;
  }

  /** Image levels: full resolution first, then overviews by decreasing size. */
  get ifds(): ImageInfo[] {
    return this.dataset.images;
  }

  /** Mask IFDs (NewSubfileType bit 2), full resolution first. */
  get maskIfds(): ImageInfo[] {
    return this.dataset.masks;
  }

  /** The mask IFD of image level `z`, if the file has one. */
  maskOf(z: number): ImageInfo | undefined {
    const i = this.dataset.maskOf[z];
    return i === undefined ? undefined : this.dataset.masks[i];
  }

  /** Size of the file in bytes, once known (HTTP learns it from the first response). */
  get fileSize(): number | undefined {
    return this.source.size;
  }

  /** Width and height of the full-resolution image. */
  get width(): number {
    return this.ifds[0].width;
  }

  get height(): number {
    return this.ifds[0].height;
  }

  /** GDAL-order geotransform, when the file is georeferenced by transform. */
  get geoTransform(): GeoTransform | undefined {
    return this.dataset.transform ? [...this.dataset.transform] : undefined;
  }

  /** `[minX, minY, maxX, maxY]` in the file's CRS. */
  get bounds(): [number, number, number, number] | undefined {
    const gt = this.dataset.transform;
    return gt ? transformBounds(gt, this.width, this.height) : undefined;
  }

  /** Pixel size `[x, y]` in CRS units (both positive). */
  get resolution(): [number, number] | undefined {
    const gt = this.dataset.transform;
    return gt ? [Math.hypot(gt[1], gt[4]), Math.hypot(gt[2], gt[5])] : undefined;
  }

  /** Ground control points, when the file has tie points instead of a transform. */
  get gcps(): Gcp[] {
    return this.dataset.gcps;
  }

  /** The coordinate reference system read from the GeoKeys. */
  get crs(): CrsInfo {
    return this.dataset.crs;
  }

  /** EPSG code of the CRS, when the file names one. */
  get epsg(): number | undefined {
    return this.dataset.crs.epsg;
  }

  /** GDAL_NODATA, parsed (NaN and ±Infinity included). */
  get nodata(): number | undefined {
    return this.dataset.nodata;
  }

  /** GDAL_METADATA: dataset items, band scale/offset/description/statistics. */
  get metadata(): GdalMetadata {
    return this.dataset.metadata;
  }

  /** GDAL's structural metadata (ghost area), when present. */
  get ghost(): GhostArea | undefined {
    return this.dataset.ghost;
  }

  /** Byte order of the file. */
  get littleEndian(): boolean {
    return this.dataset.tiff.littleEndian;
  }

  /** True for BigTIFF. */
  get bigTiff(): boolean {
    return this.dataset.tiff.bigTiff;
  }

  /** Problems that did not stop opening (e.g. a broken overview IFD that was skipped). */
  get warnings(): string[] {
    return this.dataset.warnings;
  }

  /** rasterio-style profile of the full-resolution image. */
  get profile(): Profile {
    return buildProfile(this.dataset);
  }

  /** Requests and bytes this reader has cost so far. */
  get requests(): RequestStats {
    const s = this.source.stats;
    return { count: s.count, bytes: s.bytes, ranges: s.ranges.map(([o, l]) => [o, l]), headerSize: s.headerSize };
  }

  /**
   * Byte ranges of internal tile (x, y) of level z (0 = full resolution): one range, or one per
   * band for band-separate files. Loads only the block-array pages it needs; fetches no pixels.
   *
   * @example
   * ```ts
   * const [range] = await cog.locateTile(3, 5, 0);
   * console.log(range.offset, range.length);
   * ```
   */
  async locateTile(x: number, y: number, z: number, opts: { signal?: AbortSignal; mask?: boolean } = {}): Promise<BlockRange[]> {
    const image = opts.mask ? this.maskOf(z) : this.ifds[z];
    if (image === undefined) {
      throw new CogError("COG_TILE_OUTSIDE", `level ${z} has no ${opts.mask ? "mask" : "image"}`, { url: this.url, z });
    }
    const indices = tileBlockIndices(image, x, y, z);
    return locateBlocks(this.dataset.ifds[image.ifdIndex], image, indices, { signal: opts.signal, fetch: this.fetchHeader });
  }

  /**
   * Internal tile (x, y) of image level z (0 = full resolution, 1… = overviews by decreasing
   * size), decoded: a band-sequential {@link Raster} of the full tile size (edge tiles too; a
   * strip is a tile of width × RowsPerStrip and x is 0), with `mask` when the file has an internal
   * mask, alpha or nodata. A tile outside the grid is filled with nodata (or 0) with mask 0 when
   * `boundless` (the default), else `COG_TILE_OUTSIDE`. Sparse tiles cost no request.
   *
   * @example
   * ```ts
   * const tile = await cog.getTile(0, 0, 0);
   * console.log(tile.width, tile.height, tile.bands, tile.dtype, tile.data.length);
   * ```
   */
  async getTile(x: number, y: number, z: number, opts: { signal?: AbortSignal; boundless?: boolean } = {}): Promise<Raster> {
    return this.tileWith(x, y, z, opts);
  }

  /** getTile, taking block bytes from `prefetched` (a window's merged requests) when there. */
  private async tileWith(x: number, y: number, z: number, opts: { signal?: AbortSignal; boundless?: boolean }, prefetched?: Map<string, Uint8Array>): Promise<Raster> {
    const image = this.ifds[z];
    const inside = image !== undefined && x >= 0 && y >= 0 && x < image.tilesAcross && y < image.tilesDown;
    if (!inside && image !== undefined && (opts.boundless ?? envSettings().boundless ?? true) && Number.isInteger(x) && Number.isInteger(y)) {
      return emptyTile(this.dataset, image);
    }
    // Tile bytes go through the block cache: a repeated or concurrent read of a block costs one request.
    const { cache, key } = this.blocks;
    const read = async (offset: number, length: number, signal?: AbortSignal) =>
      prefetched?.get(`${offset}|${length}`) ?? cache.get(`${key}|${offset}|${length}`, (shared) => this.source.read(offset, length, { signal: shared }), signal);
    const fetched = await fetchTile(this.dataset, read, { x, y, z }, {
      signal: opts.signal,
      url: this.url,
      fetchHeader: this.fetchHeader,
      mergeGap: envSettings().mergeConsecutiveRanges === false ? -1 : undefined,
    });
    const pool = this.options.decodePool;
    return decodeTile(this.dataset, fetched, { url: this.url, decode: pool ? (b, i, d) => pool.decode(b, i, d) : undefined });
  }

  /**
   * An integer pixel window of level z, read from the tiles it touches (fetched in parallel) into
   * one band-sequential raster with a mask. Parts outside the level are nodata (or 0) with mask 0.
   *
   * @example
   * ```ts
   * const r = await cog.readWindow({ x: 100, y: 100, width: 512, height: 512 }, 0);
   * ```
   */
  async readWindow(win: PixelWindow, z = 0, opts: { signal?: AbortSignal } = {}): Promise<Raster> {
    const image = this.ifds[z];
    if (image === undefined) throw new CogError("COG_TILE_OUTSIDE", `level ${z} does not exist`, { url: this.url, z });
    const tiles = tilesForWindow(image, win).map(([x, y]) => [x, y, z] as const);
    const prefetched = tiles.length > 1 ? await this.prefetch(tiles, opts) : undefined;
    return readPixelWindow(image, win, { fill: this.nodata ?? 0, nodata: this.nodata, url: this.url }, (tx, ty) => this.tileWith(tx, ty, z, opts, prefetched));
  }


  /** Locates the tiles (loading array pages once), then fetches their blocks in merged requests. */
  private async prefetch(tiles: ReadonlyArray<readonly [number, number, number]>, opts: { signal?: AbortSignal }): Promise<Map<string, Uint8Array> | undefined> {
    await Promise.all(tiles.map(([x, y, z]) => Promise.all([this.locateTile(x, y, z, opts), this.maskOf(z) ? this.locateTile(x, y, z, { ...opts, mask: true }) : undefined])));
    const { cache, key } = this.blocks;
    const plan = await planTiles(this.dataset, tiles, (o, n) => cache.has(`${key}|${o}|${n}`));
    if (plan.data.length <= 1) return undefined;
    return fetchMerged(this.source, plan.data, { cache, key, ...this.mergeOptions(), signal: opts.signal });
  }

  private mergeOptions() {
    return { mergeGap: this.options.mergeGap ?? DEFAULT_MERGE_GAP, maxMergedBytes: this.options.maxMergedBytes ?? DEFAULT_MAX_MERGED_BYTES };
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
    return readBounds(this.boundsContext(), bounds, shape, this.withEnvDefaults(opts));
  }

  /**
   * The XYZ map tile (x, y, z) of the WebMercatorQuad grid (EPSG:3857), rio-tiler style: images
   * in other CRSs are reprojected with proj4, like gdalwarp. A tile that misses the image is
   * `COG_TILE_OUTSIDE`; a CRS without a proj4 definition is `COG_UNSUPPORTED` (register one
   * with `proj4.defs`).
   *
   * @example
   * ```ts
   * const t = await cog.tile(4402, 2686, 13);
   * ```
   */
  async tile(x: number, y: number, z: number, opts: MapTileOptions = {}): Promise<Raster> {
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
    const { cache, key } = this.blocks;
    return createPlanner({
      dataset: this.dataset,
      isCached: (offset, length) => cache.has(`${key}|${offset}|${length}`),
      boundsContext: () => this.boundsContext(),
      mapTileContext: () => this.mapTileContext(),
      merge: (data) => mergeRequests(data, this.mergeOptions()).map((g) => [g.offset, g.length]),
    });
  }

  /** Options the caller left out take their COGREAD_* environment values. */
  private withEnvDefaults<T extends { boundless?: boolean; fillValue?: number; overviewStrategy?: OverviewStrategy }>(opts: T): T {
    const env = envSettings();
    return {
      ...(env.boundless !== undefined ? { boundless: env.boundless } : {}),
      ...(env.fillValue !== undefined ? { fillValue: env.fillValue } : {}),
      ...(env.overviewStrategy !== undefined ? { overviewStrategy: env.overviewStrategy } : {}),
      ...opts,
    };
  }

  private mapTileContext(): MapTileContext {
    const extent = this.requireExtent();
    return { ...this.boundsContext(), transform: this.dataset.transform!, mercatorBounds: extent.mercatorBounds, fromMercator: extent.fromMercator };
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
    const gt = this.dataset.transform;
    if (gt === undefined) throw new CogError("COG_UNSUPPORTED", "the file has no geotransform", { url: this.url });
    const crs = opts.crs ?? "EPSG:4326";
    const toImage = crs === "image" ? undefined : crs === "EPSG:4326" ? this.requireExtent().fromLonLat : await pointTransform(crs, await crsDefinition(this.crs, this.url));
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
    };
  }

  /**
   * Byte counts of every block of an image level (loads the whole TileByteCounts array).
   *
   * @example
   * ```ts
   * const sizes = await cog.blockByteCounts(cog.ifds[0]);
   * ```
   */
  async blockByteCounts(image: ImageInfo, opts: { signal?: AbortSignal } = {}): Promise<BlockRange[]> {
    const count = image.tilesAcross * image.tilesDown * (image.planar === 2 ? image.bands : 1);
    const indices = Array.from({ length: count }, (_, i) => i);
    return locateBlocks(this.dataset.ifds[image.ifdIndex], image, indices, { ...opts, fetch: this.fetchHeader });
  }

  /**
   * The header bytes read so far (plus size and ETag) as JSON-ready data, for
   * `COGReader.open(url, { snapshot })` to open again with no request.
   *
   * @example
   * ```ts
   * const snap = cog.snapshot();
   * const again = await COGReader.open(cog.url, { snapshot: snap }); // 0 requests
   * ```
   */
  snapshot(): HeaderSnapshot {
    const etag = (this.source.inner as { etag?: string }).etag;
    return encodeSnapshot(this.url, this.dataset.header.segmentsHeld(), { size: this.fileSize ?? this.dataset.header.fileSize, etag });
  }

  /** Closes the source (file handle). The reader must not be used afterwards. */
  async close(): Promise<void> {
    await this.source.close();
  }
}
