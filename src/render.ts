/**
 * `cogread/render`: rasters to PNG, JPEG or WebP images, as titiler draws them (`bidx`, `rescale`,
 * `colormap_name`), for tile servers and browser map apps.
 *
 * A subpath of its own so that the core bundle does not carry it; each encoder and each named
 * colormap loads on first use.
 *
 * @example
 * ```ts
 * import { COGReader } from "cogread";
 * import { render } from "cogread/render";
 *
 * const cog = await COGReader.open("https://example.com/dem.tif");
 * const png = await render(await cog.tile(4402, 2686, 13), { rescale: [[0, 3000]], colormap: "viridis" });
 * ```
 *
 * @module
 */
export { render } from "./render/render.js";
export { colormap, COLORMAP_NAMES } from "./render/colormap.js";
export type { ColormapName, ColormapTable, RenderColor, RenderFormat, RenderOptions } from "./render/options.js";
