import type { RequestStats } from "../io/stats.js";
import type { OpenOptions } from "../options.js";
import type { COGReader } from "../reader.js";
import type { WarpMethod } from "../raster/warp-kernels.js";
import type { Raster } from "../raster/raster.js";
import type { PixelSelection } from "../mosaic/types.js";

export type { PixelSelection } from "../mosaic/types.js";

/**
 * What the server needs of a MosaicJSON reader (`MosaicReader` of `cogread/mosaic`): its
 * summary, map tiles with the assets they used, request counts, and closing.
 *
 * @example
 * ```ts
 * const mosaic: MosaicSource = await MosaicReader.open("mosaic.json");
 * ```
 */
export interface MosaicSource {
  info: {
    bounds: [number, number, number, number];
    minzoom: number;
    maxzoom: number;
    center?: readonly number[];
    name?: string;
  };
  tile(
    x: number,
    y: number,
    z: number,
    options: { pixelSelection?: PixelSelection; resampling?: WarpMethod; bands?: number[]; tileSize?: number; signal?: AbortSignal },
  ): Promise<Raster & { assets?: { used: readonly unknown[]; failed: readonly unknown[] } }>;
  /** Each asset's values at a longitude/latitude (MosaicReader.point), for `/point`. */
  point?(lon: number, lat: number, options?: { signal?: AbortSignal }): Promise<Array<{ url: string; values?: number[]; mask?: number; error?: { code: string } }>>;
  readonly requests: RequestStats;
  close(): Promise<void>;
}

/**
 * Opens a MosaicJSON document (a path or URL, `.json` or `.json.gz`).
 *
 * @example
 * ```ts
 * const open: OpenMosaic = (p, options) => MosaicReader.open(p, options);
 * ```
 */
export type OpenMosaic = (pathOrUrl: string, options?: MosaicOpenOptions) => Promise<MosaicSource>;

/**
 * What the server hands a mosaic it opens: the options of each asset's `COGReader.open`, and how
 * to open an asset (through the snapshots file, as the server opens a COG dataset).
 *
 * @example
 * ```ts
 * const options: MosaicOpenOptions = { reader: { headerCache: false }, openAsset: (url, o) => COGReader.open(url, o) };
 * ```
 */
export interface MosaicOpenOptions {
  reader?: OpenOptions;
  openAsset?: (url: string, options: OpenOptions) => Promise<COGReader>;
}

/**
 * The default {@link OpenMosaic}: `MosaicReader.open` of `cogread/mosaic`, loaded on the first
 * mosaic opened (the CLI build imports the built `../mosaic.js`, tsup.config.ts).
 *
 * @example
 * ```ts
 * const mosaic = await openMosaicReader("mosaic.json");
 * ```
 */
export const openMosaicReader: OpenMosaic = async (pathOrUrl, options) => (await import("../mosaic.js")).MosaicReader.open(pathOrUrl, options);
