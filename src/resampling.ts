/**
 * `cogread/resampling`: GDAL-exact resampling of a raster you have read yourself, and the choice
 * of overview level `read()` and `tile()` make.
 *
 * A subpath of its own so that an app which only opens files and reads tiles does not carry the
 * kernels in its core bundle (`read()` and `tile()` load them on first use).
 *
 * @example
 * ```ts
 * import { COGReader } from "cogread";
 * import { resample, resampleWindow } from "cogread/resampling";
 *
 * const cog = await COGReader.open("https://example.com/a.tif");
 * const win = { x: 10.3, y: 5.7, width: 72.4, height: 60.1 };
 * const need = resampleWindow(win, { width: 24, height: 20 }, "bilinear", cog.ifds[0]);
 * const src = await cog.readWindow(need, 0);
 * const level = { x: -need.x, y: -need.y, width: cog.ifds[0].width, height: cog.ifds[0].height };
 * const out = resample(src, { ...win, x: win.x - need.x, y: win.y - need.y }, { width: 24, height: 20 }, { method: "bilinear", levelBounds: level });
 *
 * // Which level a 256×256 output of the whole image reads from, as read() picks it:
 * const z = chooseOverview(cog.ifds, { bounds: cog.bounds!, width: 256, height: 256, transform: cog.geoTransform! });
 * ```
 *
 * @module
 */
export { resample, resampleWindow, type FractionalWindow, type ResampleOptions, type Resampling } from "./raster/resample.js";
export { chooseOverview, type OverviewRequest } from "./locate/overview.js";
