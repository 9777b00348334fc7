import { CogError, throwIfAborted } from "../errors.js";
import type { Raster } from "../raster/raster.js";
import { alphaOf } from "./alpha.js";
import { selectBands } from "./bands.js";
import { paletteOf, painterOf, type Painter } from "./colormap.js";
import { interleave, minAlpha, paint, type Pixels } from "./compose.js";
import type { RenderFormat, RenderOptions } from "./options.js";
import { bandValues, checkRescale, toBytes } from "./rescale.js";

const FORMATS: readonly RenderFormat[] = ["png", "jpeg", "webp"];

/**
 * Draws a raster (a tile, window or map tile that cogread read) as a PNG, JPEG or WebP image, the
 * way titiler's `bidx`, `rescale` and `colormap_name` do:
 * - `bands` (1-based): one band is gray (or a colormap), three are RGB; a second or fourth is alpha.
 *   Default: band 1 of a 1- or 2-band raster, else bands 1–3.
 * - `rescale`: `[min, max]` per band (or one for all) stretched to 0–255, clamped. Default: uint8 as
 *   it is, other dtypes over their whole dtype range (pass `rescale` for 16-bit and float data).
 * - `colormap`: a name (gray, viridis, magma, terrain, rdylgn, each also `_r`) or a table, for one band;
 *   a palette file's own colours by default.
 * - Alpha: the raster's mask (0 → transparent), `nodata` (default: the raster's), NaN. A PNG has an
 *   alpha channel only when some pixel needs it, and is gray when one band is drawn without a colormap.
 *
 * @example
 * ```ts
 * import { COGReader } from "cogread";
 * import { render } from "cogread/render";
 *
 * const cog = await COGReader.open("https://example.com/dem.tif");
 * const tile = await cog.tile(4402, 2686, 13);
 * const png = await render(tile, { rescale: [[0, 3000]], colormap: "terrain" });
 * return new Response(png, { headers: { "content-type": "image/png" } });
 * ```
 */
export async function render(raster: Raster, options: RenderOptions = {}): Promise<Uint8Array> {
  const format = options.format ?? "png";
  if (!FORMATS.includes(format)) throw new CogError("COG_USAGE", `render: format is one of ${FORMATS.join(", ")}, not ${JSON.stringify(format)}`);
  const quality = options.quality ?? 75;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new CogError("COG_USAGE", `render: quality is an integer from 1 to 100, not ${JSON.stringify(quality)}`);
  if (options.nodata !== undefined && typeof options.nodata !== "number") throw new CogError("COG_USAGE", `render: nodata is a number, not ${JSON.stringify(options.nodata)}`);
  checkRaster(raster);
  const bands = selectBands(raster, options.bands);
  const ranges = checkRescale(options.rescale, bands.length);
  const alphaBand = bands.length === 2 || bands.length === 4;
  const colour = alphaBand ? bands.slice(0, -1) : bands;
  if (options.colormap !== undefined && colour.length !== 1) {
    throw new CogError("COG_USAGE", `render: a colormap draws one band, not ${colour.length} (choose one: bands: [n])`);
  }
  let painter: Painter | undefined;
  if (options.colormap !== undefined) painter = await painterOf(options.colormap, options.rescale === undefined);
  else if (colour.length === 1 && raster.colormap !== undefined) painter = paletteOf(raster.colormap);
  throwIfAborted(options.signal);

  const values = bands.map((b) => bandValues(raster, b));
  const bytes = values.map((v, i) => toBytes(v, raster.dtype, ranges[i]));
  let alpha = alphaOf(raster, values.slice(0, colour.length), options.nodata ?? raster.nodata);
  if (alphaBand) alpha = minAlpha(alpha, bytes[bytes.length - 1]);
  const pixels: Pixels = painter ? paint(painter, bytes[0], values[0], alpha) : interleave(bytes.slice(0, colour.length), alpha);
  return encode(pixels, raster, format, { quality, smooth: painter !== undefined, signal: options.signal });
}

async function encode(
  pixels: Pixels,
  size: { width: number; height: number },
  format: RenderFormat,
  { quality, smooth, signal }: { quality: number; smooth: boolean; signal?: AbortSignal },
): Promise<Uint8Array> {
  const { width, height } = size;
  if (format === "png") {
    const { encodePng } = await import("./png.js");
    throwIfAborted(signal);
    return encodePng(pixels.data, { width, height, channels: pixels.channels }, { smooth });
  }
  if (format === "jpeg") {
    const { encodeJpeg } = await import("./jpeg.js");
    throwIfAborted(signal);
    return encodeJpeg(pixels, width, height, quality);
  }
  const { encodeWebp } = await import("./webp.js");
  throwIfAborted(signal);
  return encodeWebp(pixels, width, height, quality);
}

function checkRaster(raster: Raster): void {
  const { width, height, bands, data } = raster ?? {};
  const ok = [width, height, bands].every((v) => Number.isInteger(v) && v > 0) && data !== undefined && data.length >= width * height * bands;
  if (!ok) {
    throw new CogError("COG_USAGE", `render: not a raster of width × height × bands values (${width} × ${height} × ${bands}, ${data?.length} values)`);
  }
}
