import { createHash } from "node:crypto";
import { CogError, isCogError } from "../index.js";
import type { Raster } from "../raster/raster.js";
import { render } from "../render.js";
import type { RenderFormat } from "../render/options.js";
import type { TileQuery } from "./query.js";
import type { OpenDataset } from "./registry.js";

/**
 * Content types of the formats tiles are drawn in.
 *
 * @example
 * ```ts
 * res.setHeader("content-type", CONTENT_TYPES.webp); // "image/webp"
 * ```
 */
export const CONTENT_TYPES: Record<RenderFormat, string> = { png: "image/png", jpeg: "image/jpeg", webp: "image/webp" };

/**
 * A map tile to draw: where, how big, in which format, with which query.
 *
 * @example
 * ```ts
 * const req: TileRequest = { x: 4402, y: 2686, z: 13, tileSize: 256, format: "png", query: { returnMask: true } };
 * ```
 */
export interface TileRequest {
  x: number;
  y: number;
  z: number;
  tileSize: number;
  format: RenderFormat;
  query: TileQuery;
  signal?: AbortSignal;
}

/**
 * The ETag of a tile: a hash of the dataset's identity (its location and size and mtime, or its
 * ETag), the tile's path and its query in a stable order. It is known before anything is read,
 * so `If-None-Match` is answered without a request to the file.
 *
 * @example
 * ```ts
 * const etag = tileEtag(ds.identity, "/tiles/dem/1/0/0.png", "rescale=0%2C3000");
 * ```
 */
export function tileEtag(identity: string, pathname: string, query: string): string {
  return `"${createHash("sha1").update(`${identity}\n${pathname}\n${query}`).digest("base64url").slice(0, 27)}"`;
}

/**
 * Reads and draws one map tile of a dataset; `undefined` when the tile lies outside the dataset
 * (the server answers 204). A `pixel_selection` on a COG is `COG_USAGE`.
 *
 * @example
 * ```ts
 * const png = await drawTile(ds, { x: 0, y: 0, z: 0, tileSize: 256, format: "png", query: { returnMask: true } });
 * ```
 */
export async function drawTile(ds: OpenDataset, req: TileRequest): Promise<Uint8Array | undefined> {
  const raster = await readTile(ds, req);
  return raster === undefined ? undefined : drawRaster(raster, req);
}

/**
 * Draws a raster with a tile query's render options (`rescale`, `colormap`, `nodata`,
 * `return_mask`); `bidx` has already chosen the raster's bands when it was read.
 *
 * @example
 * ```ts
 * const png = await drawRaster(await cog.read(bounds, { width: 512, height: 512 }), { format: "png", query: { returnMask: true } });
 * ```
 */
export function drawRaster(raster: Raster, req: { format: RenderFormat; query: TileQuery; signal?: AbortSignal }): Promise<Uint8Array> {
  const { query } = req;
  const drawn: Raster = query.returnMask ? raster : { ...raster, mask: undefined, nodata: undefined };
  return render(drawn, {
    rescale: query.rescale,
    colormap: query.colormap,
    nodata: query.returnMask ? query.nodata : undefined,
    format: req.format,
    signal: req.signal,
  });
}

/** The tile's raster, or undefined outside the dataset. */
async function readTile(ds: OpenDataset, req: TileRequest): Promise<Raster | undefined> {
  const { x, y, z, tileSize, query, signal } = req;
  try {
    if (ds.kind === "cog") {
      if (query.pixelSelection !== undefined) throw new CogError("COG_USAGE", `pixel_selection is for mosaics; ${ds.name} is one COG`);
      if (!ds.reader.tileExists(x, y, z, { tileSize })) return undefined;
      return await ds.reader.tile(x, y, z, { tileSize, resampling: query.resampling, bands: query.bands, signal });
    }
    const t = await ds.reader.tile(x, y, z, { tileSize, resampling: query.resampling, bands: query.bands, pixelSelection: query.pixelSelection, signal });
    return t.assets !== undefined && t.assets.used.length === 0 && t.assets.failed.length === 0 ? undefined : t;
  } catch (e) {
    if (isCogError(e, "COG_TILE_OUTSIDE")) return undefined;
    throw e;
  }
}
