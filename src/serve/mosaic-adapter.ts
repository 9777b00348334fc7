import { CogError } from "../errors.js";
import type { RequestStats } from "../io/stats.js";
import type { WarpMethod } from "../raster/warp-kernels.js";
import type { Raster } from "../raster/raster.js";

/**
 * How a mosaic tile picks each pixel among its assets, as rio-tiler names the methods.
 *
 * @example
 * ```ts
 * const method: PixelSelection = "highest";
 * ```
 */
export type PixelSelection = "first" | "highest" | "lowest" | "mean" | "median" | "stdev" | "count" | "lastBandHigh" | "lastBandLow";

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
  readonly requests: RequestStats;
  close(): Promise<void>;
}

/**
 * Opens a MosaicJSON document (a path or URL, `.json` or `.json.gz`).
 *
 * @example
 * ```ts
 * const open: OpenMosaic = (p) => MosaicReader.open(p);
 * ```
 */
export type OpenMosaic = (pathOrUrl: string) => Promise<MosaicSource>;

/**
 * The module that provides `MosaicReader`: the one place the server and the CLI name it. As a
 * package name, the built CLI finds it through the package's own `exports` once `./mosaic` is
 * there. With src/mosaic.ts in the tree, `import("../mosaic.js")` (a literal, so that Vite and
 * esbuild resolve it; tsup.config.ts already maps it to the built `../mosaic.js`) is the better
 * link: `openMosaicReader` below is all that changes.
 */
const MOSAIC_MODULE: string = "cogread/mosaic";

/**
 * The default {@link OpenMosaic}: `MosaicReader.open` of `cogread/mosaic`, loaded on the first
 * mosaic opened. Without that module, opening a mosaic is `COG_UNSUPPORTED`.
 *
 * @example
 * ```ts
 * const mosaic = await openMosaicReader("mosaic.json");
 * ```
 */
export const openMosaicReader: OpenMosaic = async (pathOrUrl) => {
  let mod: { MosaicReader?: { open(p: string): Promise<MosaicSource> } };
  try {
    mod = (await import(/* @vite-ignore */ MOSAIC_MODULE)) as typeof mod;
  } catch (e) {
    throw new CogError("COG_UNSUPPORTED", `mosaics need ${MOSAIC_MODULE}, which did not load: ${(e as Error).message}`, { url: pathOrUrl }, { cause: e });
  }
  if (mod.MosaicReader === undefined) throw new CogError("COG_UNSUPPORTED", `${MOSAIC_MODULE} exports no MosaicReader`, { url: pathOrUrl });
  return mod.MosaicReader.open(pathOrUrl);
};
