import { CogError, loadPart } from "./errors.js";
import type { CountingSource, RequestStats } from "./io/stats.js";
import { locateBlocks, tileBlockIndices, type BlockRange } from "./locate/blocks.js";
import type { OpenOptions } from "./options.js";
import type { PlanCaches } from "./locate/plan.js";
import { prefetchTiles } from "./raster/prefetch-tiles.js";
import { DEFAULT_LIMITS, DEFAULT_MAX_MERGED_BYTES, DEFAULT_MERGE_GAP, type CogLimits } from "./options.js";
import { checkRasterSize, checkTileSize } from "./limits.js";
import { envSettings } from "./env.js";
import { encodeSnapshot, type HeaderSnapshot } from "./io/snapshot.js";
import { BlockCache } from "./io/block-cache.js";
import { copyRaster, type TileCache } from "./raster/tile-cache.js";
import { buildProfile, type Profile } from "./profile.js";
import type { CrsInfo } from "./tiff/crs.js";
import type { TiffDataset } from "./tiff/dataset.js";
import type { GdalMetadata } from "./tiff/gdal-metadata.js";
import { transformBounds, type Gcp, type GeoTransform } from "./tiff/georef.js";
import type { GhostArea } from "./tiff/ghost.js";
import type { ImageInfo } from "./tiff/image.js";
import { decodeTile, rowsInImage } from "./raster/decode-tile.js";
import { emptyTile } from "./raster/empty-tile.js";
import { fetchTile } from "./raster/fetch-tile.js";
import type { Raster } from "./raster/raster.js";
import type { WindowTarget, PixelWindow } from "./raster/assemble-window.js";
import type { GeoExtent } from "./raster/geo-extent.js";

/**
 * The file-level half of {@link COGReader}: levels, metadata, tiles, pixel windows, snapshots.
 * Use {@link COGReader}, which adds reads by bounds, map tiles and points.
 *
 * @example
 * ```ts
 * const cog = await COGReader.open("a.tif"); // a COGReaderCore too
 * const tile = await cog.getTile(0, 0, 0);
 * ```
 */
export class COGReaderCore {
  protected constructor(
    protected readonly source: CountingSource,
    /** Parsed header: IFDs, levels, masks, geo metadata. Advanced use. */
    readonly dataset: TiffDataset,
    protected readonly options: OpenOptions,
    protected readonly extent: GeoExtent | Error | undefined,
    /** Compressed blocks (`cache`) and decoded tiles (`tiles`), keyed under `key`. */
    protected readonly blocks: { cache: BlockCache; key: string; tiles: TileCache },
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  /** Parsing and size limits: the defaults completed by `options.limits`. */
  protected readonly limits: CogLimits;

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
    // The caller owns what it gets: never the cached tile itself.
    return copyRaster(await this.decodedTile(x, y, z, opts));
  }

  /** Key of a decoded tile in the tile cache; with `rows`, of its top rows only (a window read's). */
  private tileKey(x: number, y: number, z: number, rows?: number): string {
    return `${this.blocks.key}|${z}|${x}|${y}|${rows ?? ""}`;
  }

  /**
   * A tile through the decoded-tile cache (one decode however many ask); outside the grid,
   * uncached. A `window` read never looks at the padding rows below the image: it takes the
   * whole tile when cached, else decodes and caches only the rows inside the image.
   */
  private decodedTile(x: number, y: number, z: number, opts: { signal?: AbortSignal; boundless?: boolean }, prefetched?: Map<string, Uint8Array>, window = false): Promise<Raster> {
    const image = this.ifds[z];
    const inside = image !== undefined && Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < image.tilesAcross && y < image.tilesDown;
    if (!inside) return this.tileWith(x, y, z, opts, prefetched);
    const rows = window && !this.blocks.tiles.has(this.tileKey(x, y, z)) ? rowsInImage(image, y) : undefined;
    return this.blocks.tiles.get(this.tileKey(x, y, z, rows), (signal) => this.tileWith(x, y, z, { signal, rowsNeeded: rows }, prefetched), opts.signal);
  }

  /** What the caches hold, for plans: for a `window` read, a tile's top rows serve as well as all of it. */
  protected planCaches(window = false): PlanCaches {
    const { cache, key, tiles } = this.blocks;
    const tile = (x: number, y: number, z: number) => tiles.has(this.tileKey(x, y, z)) || (window && tiles.has(this.tileKey(x, y, z, rowsInImage(this.ifds[z], y))));
    return { block: (o, n) => cache.has(`${key}|${o}|${n}`), tile };
  }

  /** getTile without the tile cache, taking block bytes from `prefetched` (a window's merged requests) when there; only the top `rowsNeeded` rows when given. */
  private async tileWith(x: number, y: number, z: number, opts: { signal?: AbortSignal; boundless?: boolean; rowsNeeded?: number }, prefetched?: Map<string, Uint8Array>): Promise<Raster> {
    const image = this.ifds[z];
    const inside = image !== undefined && x >= 0 && y >= 0 && x < image.tilesAcross && y < image.tilesDown;
    if (image !== undefined) checkTileSize(image, this.limits, { url: this.url, x, y, z });
    if (!inside && image !== undefined && (opts.boundless ?? envSettings().boundless ?? true) && Number.isInteger(x) && Number.isInteger(y)) {
      return emptyTile(this.dataset, image);
    }
    // Tile bytes go through the block cache: a repeated or concurrent read of a block costs one request.
    const { cache, key } = this.blocks;
    const read = async (offset: number, length: number, signal?: AbortSignal, merged?: number) =>
      prefetched?.get(`${offset}|${length}`) ??
      cache.get(`${key}|${offset}|${length}`, (shared) => this.source.read(offset, length, { signal: shared, merged }), signal);
    const fetched = await fetchTile(this.dataset, read, { x, y, z }, { signal: opts.signal, url: this.url, fetchHeader: this.fetchHeader, mergeGap: this.blockMergeGap() });
    const pool = this.options.decodePool;
    return decodeTile(this.dataset, fetched, { url: this.url, decode: pool ? (b, i, d) => pool.decode(b, i, d) : undefined, rowsNeeded: opts.rowsNeeded });
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
    return (await this.fetchWindow(win, z, opts))();
  }

  /**
   * {@link readWindow} in two steps: fetches and decodes the window's tiles, then resolves to a
   * function that assembles the raster (into scratch buffers, when given and large enough), for
   * callers that consume the window at once.
   *
   * @example
   * ```ts
   * const assemble = await cog.fetchWindow({ x: 100, y: 100, width: 512, height: 512 }, 0);
   * const r = assemble();
   * ```
   */
  async fetchWindow(win: PixelWindow, z = 0, opts: { signal?: AbortSignal } = {}): Promise<(into?: WindowTarget) => Raster> {
    const image = this.ifds[z];
    if (image === undefined) throw new CogError("COG_TILE_OUTSIDE", `level ${z} does not exist`, { url: this.url, z });
    const { x, y, width, height } = win;
    if (![x, y, width, height].every(Number.isSafeInteger) || width <= 0 || height <= 0) {
      throw new CogError("COG_USAGE", `a pixel window has integer x, y and positive integer width, height; got ${x}, ${y}, ${width}x${height}`, { url: this.url, z });
    }
    checkRasterSize({ width, height, bands: image.bands, dtype: image.dtype }, this.limits, "maxWindowBytes", "window", { url: this.url, z });
    checkTileSize(image, this.limits, { url: this.url, z });
    // Windows load their assembly code on first use: getTile alone never needs it (README, "Bundle sizes").
    const { fetchPixelWindow, tilesForWindow } = await loadPart(import("./raster/assemble-window.js"));
    const tiles = tilesForWindow(image, win).map(([x, y]) => [x, y, z] as const);
    const { cache, key } = this.blocks;
    const prefetched =
      tiles.length > 1
        ? await prefetchTiles(this.dataset, tiles, { source: this.source, cache, key, cached: this.planCaches(true), fetchHeader: this.fetchHeader, blockMergeGap: this.blockMergeGap(), ...this.mergeOptions(), signal: opts.signal })
        : undefined;
    return fetchPixelWindow(image, win, { fill: this.nodata ?? 0, nodata: this.nodata, url: this.url }, (tx, ty) => this.decodedTile(tx, ty, z, opts, prefetched, true));
  }

  /** Gap up to which a tile's image and mask blocks come in one request; -1 (no merging) when COGREAD_HTTP_MERGE_CONSECUTIVE_RANGES is off. */
  protected blockMergeGap(): number | undefined {
    return envSettings().mergeConsecutiveRanges === false ? -1 : undefined;
  }

  protected mergeOptions() {
    return { mergeGap: this.options.mergeGap ?? DEFAULT_MERGE_GAP, maxMergedBytes: this.options.maxMergedBytes ?? DEFAULT_MAX_MERGED_BYTES };
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
