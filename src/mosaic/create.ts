import { CogError, isCogError } from "../errors.js";
import type { OpenOptions } from "../options.js";
import { COGReader } from "../reader.js";
import type { Bounds } from "../locate/web-mercator.js";
import { quadkeyIndex } from "./footprints.js";
import { mapLimit } from "./limit.js";
import type { MosaicJSON } from "./types.js";

/**
 * Options of {@link createMosaic}.
 *
 * @example
 * ```ts
 * const opts: CreateMosaicOptions = { minzoom: 12, maxzoom: 16, concurrency: 8, name: "dem" };
 * ```
 */
export interface CreateMosaicOptions {
  /** Default: the largest of the files' minzooms (cogeo-mosaic's `from_urls`). */
  minzoom?: number;
  /** Default: the largest of the files' maxzooms. */
  maxzoom?: number;
  /** Zoom of the quadkey index. Default: `minzoom`. */
  quadkeyZoom?: number;
  /** Headers read at once (default 8). */
  concurrency?: number;
  /** Called after each file's header is read, in completion order. */
  onProgress?: (progress: { done: number; total: number; url: string }) => void;
  name?: string;
  description?: string;
  attribution?: string;
  /** Options of each `COGReader.open` (headers, http, s3, limits…). */
  reader?: OpenOptions;
  /** Opens an asset (default `COGReader.open(url, options)`): to count requests or add auth. */
  openAsset?: (url: string, options: OpenOptions) => Promise<COGReader>;
  signal?: AbortSignal;
}

/** What {@link createMosaic} learns from one file's header. */
interface Footprint {
  url: string;
  bounds: Bounds;
  minzoom: number;
  maxzoom: number;
  dtype: string;
}

/**
 * Makes a MosaicJSON 0.0.3 document from COGs, as cogeo-mosaic's `MosaicJSON.from_urls` does:
 * reads each file's header only (one request for a header that fits `initialBytes`, none for a
 * remote URL already in the header cache), takes its footprint from its geographic bounds
 * (the image's bounds reprojected to lon/lat) and its zooms from its resolution, and indexes the
 * assets by the quadkeys of zoom `quadkeyZoom` they touch, in the order given. Files of
 * different dtypes, an empty list, a file without a known CRS and bad zooms are `COG_USAGE`;
 * a file that cannot be read fails the whole call with its own error.
 *
 * @example
 * ```ts
 * import { createMosaic } from "cogread/mosaic";
 * const doc = await createMosaic(["https://example.com/a.tif", "https://example.com/b.tif"], { name: "dem" });
 * console.log(doc.minzoom, Object.keys(doc.tiles).length);
 * ```
 */
export async function createMosaic(inputs: ReadonlyArray<string | URL>, options: CreateMosaicOptions = {}): Promise<MosaicJSON> {
  if (!Array.isArray(inputs) || inputs.length === 0) throw new CogError("COG_USAGE", "createMosaic needs at least one file");
  const urls = inputs.map((u) => {
    if (u instanceof URL) return u.href;
    if (typeof u !== "string" || u.length === 0) throw new CogError("COG_USAGE", `createMosaic inputs must be paths or URLs, got ${JSON.stringify(u)}`);
    return u;
  });
  for (const name of ["minzoom", "maxzoom", "quadkeyZoom"] as const) checkZoom(options[name], name);
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new CogError("COG_USAGE", `concurrency must be a positive integer, got ${concurrency}`);
  const open = options.openAsset ?? ((url: string, o: OpenOptions) => COGReader.open(url, o));
  let done = 0;
  const footprints = await mapLimit(urls, concurrency, async (url): Promise<Footprint> => {
    const cog = await open(url, { ...options.reader, signal: options.signal ?? options.reader?.signal });
    try {
      const bounds = cog.geographicBounds;
      if (bounds === undefined || cog.minzoom === undefined || cog.maxzoom === undefined) {
        throw new CogError("COG_USAGE", "the file has no north-up geotransform in a known CRS: it cannot be placed on the map", { url });
      }
      return { url, bounds, minzoom: cog.minzoom, maxzoom: cog.maxzoom, dtype: cog.ifds[0].dtype };
    } finally {
      await cog.close().catch(() => undefined);
      options.onProgress?.({ done: ++done, total: urls.length, url });
    }
  });
  const dtypes = [...new Set(footprints.map((f) => f.dtype))];
  if (dtypes.length > 1) {
    const example = (t: string) => footprints.find((f) => f.dtype === t)!.url;
    throw new CogError("COG_USAGE", `files must have the same data type, got ${dtypes.map((t) => `${t} (${example(t)})`).join(", ")}`);
  }
  const minzoom = options.minzoom ?? Math.max(...footprints.map((f) => f.minzoom));
  const maxzoom = options.maxzoom ?? Math.max(...footprints.map((f) => f.maxzoom));
  if (minzoom > maxzoom) throw new CogError("COG_USAGE", `minzoom ${minzoom} is above maxzoom ${maxzoom}`);
  const quadkeyZoom = options.quadkeyZoom ?? minzoom;
  const bounds: Bounds = [
    Math.min(...footprints.map((f) => f.bounds[0])),
    Math.min(...footprints.map((f) => f.bounds[1])),
    Math.max(...footprints.map((f) => f.bounds[2])),
    Math.max(...footprints.map((f) => f.bounds[3])),
  ];
  const doc: MosaicJSON = {
    mosaicjson: "0.0.3",
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    version: "1.0.0",
    ...(options.attribution !== undefined ? { attribution: options.attribution } : {}),
    minzoom,
    maxzoom,
    quadkey_zoom: quadkeyZoom,
    bounds,
    center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, minzoom],
    tiles: {},
  };
  try {
    doc.tiles = quadkeyIndex(footprints, quadkeyZoom);
  } catch (e) {
    if (isCogError(e, "COG_LIMIT")) throw new CogError("COG_LIMIT", `quadkey zoom ${quadkeyZoom} gives too many tiles: choose a lower quadkeyZoom (${e.message})`, {}, { cause: e });
    throw e;
  }
  return doc;
}

function checkZoom(z: number | undefined, name: string): void {
  if (z !== undefined && (!Number.isInteger(z) || z < 0 || z > 30)) throw new CogError("COG_USAGE", `${name} must be an integer 0-30, got ${z}`);
}
