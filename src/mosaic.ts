/**
 * `cogread/mosaic`: MosaicJSON mosaics of many COGs, as cogeo-mosaic makes and reads them, with
 * rio-tiler's pixel selection methods.
 *
 * A subpath of its own so that the core bundle does not carry it. It reads through `COGReader`,
 * so it runs wherever the core does (Node, browsers, workers).
 *
 * @example
 * ```ts
 * import { createMosaic, MosaicReader } from "cogread/mosaic";
 *
 * const doc = await createMosaic(["https://example.com/a.tif", "https://example.com/b.tif"]);
 * const mosaic = await MosaicReader.open(doc);
 * const tile = await mosaic.tile(8200, 5400, 14, { pixelSelection: "first" });
 * console.log(tile.assets.used, mosaic.requests.count);
 * await mosaic.close();
 * ```
 *
 * @module
 */
export { createMosaic, type CreateMosaicOptions } from "./mosaic/create.js";
export { MosaicReader } from "./mosaic/reader.js";
export type { MosaicInfo, MosaicReaderOptions, MosaicTileOptions } from "./mosaic/options.js";
export { checkMosaic } from "./mosaic/document.js";
export { tileToQuadkey, quadkeyToTile } from "./mosaic/quadkey.js";
export { PIXEL_SELECTION_METHODS, type MosaicJSON, type MosaicPoint, type MosaicTile, type PixelSelection } from "./mosaic/types.js";
