import type { OpenOptions } from "../options.js";
import type { HeaderSnapshot } from "../io/snapshot.js";
import type { WarpMethod } from "../raster/warp-kernels.js";
import type { COGReader } from "../reader.js";
import type { PixelSelection } from "./types.js";

/**
 * Options of {@link MosaicReader.open}.
 *
 * @example
 * ```ts
 * const opts: MosaicReaderOptions = { concurrency: 4, reader: { headers: { authorization: "Bearer …" } } };
 * ```
 */
export interface MosaicReaderOptions {
  /** Assets one tile or point reads at once (each call on its own), and the size of `first`'s batches (default 4). */
  concurrency?: number;
  /** Options of each asset's `COGReader.open`; their headers, http and s3 settings also read the document. */
  reader?: OpenOptions;
  /** Opens an asset (default `COGReader.open(url, options)`): to count requests or add auth. */
  openAsset?: (url: string, options: OpenOptions) => Promise<COGReader>;
  /** Header snapshots by asset URL (`cog.snapshot()`): such an asset opens with no request. */
  snapshots?: Record<string, HeaderSnapshot>;
  /** Largest document read (and inflated), in bytes: default 256 MiB, past it `COG_LIMIT`. */
  maxDocumentBytes?: number;
  /** Cancels loading the document. */
  signal?: AbortSignal;
}

/**
 * Options of {@link MosaicReader.tile}.
 *
 * @example
 * ```ts
 * const opts: MosaicTileOptions = { pixelSelection: "median", resampling: "bilinear", bands: [1, 2, 3] };
 * ```
 */
export interface MosaicTileOptions {
  /** How each pixel is picked from the assets (default `first`). */
  pixelSelection?: PixelSelection;
  /** Each asset's `tile()` resampling (gdalwarp's `-r`, default `nearest`). */
  resampling?: WarpMethod;
  /** 1-based bands of each asset. Default: all. */
  bands?: number[];
  /** Value of pixels no asset fills. Default: the first asset's nodata, else 0. */
  fillValue?: number;
  /** Output size in pixels (default 256). */
  tileSize?: number;
  signal?: AbortSignal;
}

/**
 * What {@link MosaicReader.info} tells of the mosaic.
 *
 * @example
 * ```ts
 * const { bounds, minzoom, maxzoom, assets } = mosaic.info;
 * ```
 */
export interface MosaicInfo {
  name?: string;
  description?: string;
  attribution?: string;
  /** `[west, south, east, north]` in degrees. */
  bounds: [number, number, number, number];
  /** `[lon, lat, zoom]`. */
  center: [number, number, number];
  minzoom: number;
  maxzoom: number;
  quadkeyZoom: number;
  /** Distinct assets in the index. */
  assets: number;
  /** Quadkeys in the index. */
  quadkeys: number;
  /** The document's `mosaicjson` spec version. */
  mosaicjson: string;
  /** Where the document came from, when it was read from a path or URL. */
  url?: string;
}
