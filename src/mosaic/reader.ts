import { CogError, isCogError, throwIfAborted } from "../errors.js";
import type { OpenOptions } from "../options.js";
import { COGReader } from "../reader.js";
import type { RequestStats } from "../io/stats.js";
import type { Raster } from "../raster/raster.js";
import { resolveAsset } from "./asset-url.js";
import { loadMosaicDocument } from "./document.js";
import { PixelSelector, checkPixelSelection } from "./pixel-selection.js";
import { lonLatToTile, quadkeysForTile } from "./quadkey.js";
import type { MosaicInfo, MosaicReaderOptions, MosaicTileOptions } from "./options.js";
import { PIXEL_SELECTION_METHODS, type MosaicJSON, type MosaicPoint, type MosaicTile } from "./types.js";

/**
 * Reads map tiles from a MosaicJSON document: for each tile, the assets the quadkey index lists
 * (cogeo-mosaic's lookup), each asset's `COGReader.tile()`, and one raster made with a pixel
 * selection method (rio-tiler's). Asset readers open on first use and stay open (and cached)
 * until {@link MosaicReader.close}.
 *
 * @example
 * ```ts
 * import { MosaicReader } from "cogread/mosaic";
 * const mosaic = await MosaicReader.open("https://example.com/mosaic.json");
 * const tile = await mosaic.tile(8200, 5400, 14, { pixelSelection: "first" });
 * console.log(tile.assets.used, mosaic.requests.count);
 * await mosaic.close();
 * ```
 */
export class MosaicReader {
  /**
   * The document, with cogeo-mosaic's defaults filled in.
   *
   * @example
   * ```ts
   * const keys = Object.keys(mosaic.mosaic.tiles);
   * ```
   */
  readonly mosaic: MosaicJSON;
  private readonly url: string | undefined;
  private readonly sortedKeys: string[];
  private readonly readers = new Map<string, Promise<COGReader>>();
  private readonly opened: COGReader[] = [];
  private readonly concurrency: number;

  private constructor(mosaic: MosaicJSON, url: string | undefined, private readonly options: MosaicReaderOptions) {
    this.mosaic = mosaic;
    this.url = url;
    this.sortedKeys = Object.keys(mosaic.tiles).sort();
    this.concurrency = options.concurrency ?? 4;
  }

  /**
   * Opens a mosaic from a MosaicJSON object, bytes, a path, or an `http(s)://`, `s3://`, `gs://`
   * or `file://` URL; gzip (`.json.gz`) is inflated. A document that is not MosaicJSON is
   * `COG_FORMAT` with its URL. No asset is opened yet.
   *
   * @example
   * ```ts
   * const mosaic = await MosaicReader.open("./mosaic.json.gz", { concurrency: 8 });
   * ```
   */
  static async open(input: string | URL | Uint8Array | MosaicJSON, options: MosaicReaderOptions = {}): Promise<MosaicReader> {
    const concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new CogError("COG_USAGE", `concurrency must be a positive integer, got ${concurrency}`);
    const { headers, http, s3 } = options.reader ?? {};
    const { mosaic, url } = await loadMosaicDocument(input, { headers, http, s3, signal: options.signal, maxDocumentBytes: options.maxDocumentBytes });
    return new MosaicReader(mosaic, url, options);
  }

  /**
   * Name, bounds, zooms and counts of the mosaic.
   *
   * @example
   * ```ts
   * const { minzoom, maxzoom, bounds, assets } = mosaic.info;
   * ```
   */
  get info(): MosaicInfo {
    const m = this.mosaic;
    const assets = new Set<string>();
    for (const list of Object.values(m.tiles)) for (const a of list) assets.add(a);
    const info: MosaicInfo = {
      bounds: m.bounds,
      center: m.center!,
      minzoom: m.minzoom,
      maxzoom: m.maxzoom,
      quadkeyZoom: this.quadkeyZoom,
      assets: assets.size,
      quadkeys: this.sortedKeys.length,
      mosaicjson: m.mosaicjson,
    };
    for (const k of ["name", "description", "attribution"] as const) if (typeof m[k] === "string") info[k] = m[k];
    if (this.url !== undefined) info.url = this.url;
    return info;
  }

  /**
   * The requests and bytes of every asset opened so far, summed (same shape as
   * `COGReader.requests`; the document's own read is not counted).
   *
   * @example
   * ```ts
   * const before = mosaic.requests.count;
   * await mosaic.tile(8200, 5400, 14);
   * console.log(`the tile cost ${mosaic.requests.count - before} requests`);
   * ```
   */
  get requests(): RequestStats {
    const sum: RequestStats = { count: 0, bytes: 0, ranges: [], headerSize: 0 };
    for (const r of this.opened) {
      const s = r.requests;
      sum.count += s.count;
      sum.bytes += s.bytes;
      sum.headerSize += s.headerSize;
      sum.ranges.push(...s.ranges);
    }
    return sum;
  }

  private get quadkeyZoom(): number {
    return this.mosaic.quadkey_zoom ?? this.mosaic.minzoom;
  }

  /**
   * The assets of map tile (x, y, z), as cogeo-mosaic's `assets_for_tile`: at zoom ≥ quadkey_zoom
   * those of the ancestor quadkey, below it the union of the descendants' (first seen first), with
   * `asset_prefix` prepended. Reads nothing.
   *
   * @example
   * ```ts
   * mosaic.assets(8200, 5400, 14); // ["s3://bucket/a.tif", "s3://bucket/b.tif"]
   * ```
   */
  assets(x: number, y: number, z: number): string[] {
    const keys = quadkeysForTile(x, y, z, this.quadkeyZoom, this.sortedKeys);
    const seen = new Set<string>();
    for (const k of keys) for (const a of this.mosaic.tiles[k] ?? []) seen.add(a);
    const prefix = this.mosaic.asset_prefix ?? "";
    return [...seen].map((a) => prefix + a);
  }

  /**
   * Map tile (x, y, z) of the mosaic: each asset's `tile()` (at most `concurrency` at once),
   * combined with `pixelSelection`. `first` reads the assets in order, in batches of
   * `concurrency`, and stops once every pixel is filled: later assets are not opened. An asset
   * the tile misses is skipped; one that fails is listed in `assets.failed` and the tile is made
   * from the others. No asset for the tile, or none overlapping it, is `COG_TILE_OUTSIDE`; every
   * asset failing is a `CogError` with the first failure's code, every failure in its message
   * and as its `cause` (an `AggregateError`).
   *
   * @example
   * ```ts
   * const t = await mosaic.tile(8200, 5400, 14, { pixelSelection: "highest", resampling: "bilinear" });
   * if (t.assets.failed.length > 0) console.warn(t.assets.failed[0].error.message);
   * ```
   */
  async tile(x: number, y: number, z: number, opts: MosaicTileOptions = {}): Promise<MosaicTile> {
    const method = opts.pixelSelection ?? "first";
    checkPixelSelection(method, PIXEL_SELECTION_METHODS, this.url);
    const urls = this.assets(x, y, z);
    const where = { url: this.url, x, y, z };
    if (urls.length === 0) throw new CogError("COG_TILE_OUTSIDE", `map tile ${z}/${x}/${y} has no asset in the mosaic`, where);
    const tileOpts = { resampling: opts.resampling, bands: opts.bands, fillValue: opts.fillValue, tileSize: opts.tileSize, signal: opts.signal };
    let selector: PixelSelector | undefined;
    const used: string[] = [];
    const failed: Array<{ url: string; error: CogError }> = [];
    for (let start = 0; start < urls.length && !selector?.done; start += this.concurrency) {
      const batch = urls.slice(start, start + this.concurrency);
      const results = await Promise.all(batch.map((url) => this.assetTile(url, x, y, z, tileOpts)));
      throwIfAborted(opts.signal, where);
      for (const [i, r] of results.entries()) {
        if (r === undefined) continue;
        if (r instanceof CogError) {
          failed.push({ url: batch[i], error: r });
          continue;
        }
        selector ??= new PixelSelector(method, { fill: opts.fillValue ?? r.nodata ?? 0, url: this.url });
        try {
          selector.feed(r);
        } catch (e) {
          failed.push({ url: batch[i], error: e as CogError });
          continue;
        }
        used.push(batch[i]);
        if (selector.done) break;
      }
    }
    const raster = selector?.result();
    if (raster === undefined) {
      if (failed.length === 0) throw new CogError("COG_TILE_OUTSIDE", `map tile ${z}/${x}/${y} does not overlap any of its ${urls.length} assets`, where);
      const list = failed.map((f) => `${f.url}: ${f.error.message}`).join("; ");
      throw new CogError(failed[0].error.code, `all ${failed.length} assets of map tile ${z}/${x}/${y} failed: ${list}`, where, {
        cause: new AggregateError(failed.map((f) => f.error), "asset errors"),
      });
    }
    return { ...raster, assets: { used, failed } };
  }

  /**
   * The values of every asset at a longitude/latitude, in the order of the index (the assets of
   * the quadkey under the point). An asset that cannot say (outside its image, unreadable) has
   * `error` instead of `values`; no asset under the point is `COG_TILE_OUTSIDE`, as in `tile()`.
   *
   * @example
   * ```ts
   * for (const p of await mosaic.point(-8.9, 51.2)) console.log(p.url, p.values ?? p.error?.code);
   * ```
   */
  async point(lon: number, lat: number, opts: { signal?: AbortSignal } = {}): Promise<MosaicPoint[]> {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new CogError("COG_USAGE", `point(${lon}, ${lat}): coordinates must be finite numbers`, { url: this.url });
    const t = lonLatToTile(lon, lat, this.quadkeyZoom);
    const urls = this.assets(t.x, t.y, t.z);
    if (urls.length === 0) throw new CogError("COG_TILE_OUTSIDE", `point ${lon}, ${lat} has no asset in the mosaic`, { url: this.url });
    const out: MosaicPoint[] = [];
    for (let start = 0; start < urls.length; start += this.concurrency) {
      const batch = urls.slice(start, start + this.concurrency);
      out.push(...(await Promise.all(batch.map(async (url): Promise<MosaicPoint> => {
        try {
          const p = await (await this.reader(url)).point(lon, lat, { signal: opts.signal });
          return { url, values: p.values.map(Number), mask: p.mask };
        } catch (e) {
          if (isCogError(e, "COG_ABORT")) throw e;
          return { url, error: asCogError(e, url) };
        }
      }))));
    }
    return out;
  }

  /**
   * Closes every asset reader opened. The document stays readable; a later read reopens assets.
   *
   * @example
   * ```ts
   * await mosaic.close();
   * ```
   */
  async close(): Promise<void> {
    const readers = [...this.readers.values()];
    this.readers.clear();
    await Promise.all(readers.map((p) => p.then((r) => r.close(), () => undefined).catch(() => undefined)));
  }

  /** One asset's tile: the raster, undefined when the tile misses it, or its error. */
  private async assetTile(url: string, x: number, y: number, z: number, opts: Parameters<COGReader["tile"]>[3]): Promise<Raster | CogError | undefined> {
    try {
      const cog = await this.reader(url);
      if (!cog.tileExists(x, y, z, { tileSize: opts?.tileSize })) return undefined;
      return await cog.tile(x, y, z, opts);
    } catch (e) {
      if (isCogError(e, "COG_TILE_OUTSIDE")) return undefined;
      if (isCogError(e, "COG_ABORT")) throw e;
      return asCogError(e, url);
    }
  }

  /**
   * The asset's reader, opened once (a relative path against the document's folder); a failed
   * open is forgotten so that a later read retries.
   */
  private reader(url: string): Promise<COGReader> {
    let p = this.readers.get(url);
    if (p === undefined) {
      const open = this.options.openAsset ?? ((u: string, o: OpenOptions) => COGReader.open(u, o));
      const snapshot = this.options.snapshots?.[url];
      p = open(resolveAsset(url, this.url), { ...this.options.reader, ...(snapshot ? { snapshot } : {}) }).then((r) => {
        this.opened.push(r);
        return r;
      });
      this.readers.set(url, p);
      p.catch(() => {
        if (this.readers.get(url) === p) this.readers.delete(url);
      });
    }
    return p;
  }
}

function asCogError(e: unknown, url: string): CogError {
  return isCogError(e) ? e : new CogError("COG_SOURCE", `cannot read asset: ${(e as Error)?.message ?? e}`, { url }, { cause: e });
}
