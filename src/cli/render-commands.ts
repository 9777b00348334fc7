import { CogError } from "../errors.js";
import { COGReader } from "../reader.js";
import { crsDefinition, pointTransform, transformBoundsDense } from "../raster/projection.js";
import type { Resampling } from "../raster/resample.js";
import type { RenderFormat } from "../render/options.js";
import { openMosaicReader } from "../serve/mosaic-adapter.js";
import { parseTileQuery, type TileQuery } from "../serve/query.js";
import type { OpenDataset } from "../serve/registry.js";
import { drawRaster, drawTile } from "../serve/tile.js";

/**
 * Options `tile` and `read` share: titiler's render parameters as CLI options, the output and
 * its format.
 *
 * @example
 * ```ts
 * const o: RenderCliOptions = { output: "t.png", rescale: ["0,3000"], colormap: "terrain" };
 * ```
 */
export interface RenderCliOptions {
  output: string;
  format?: string;
  rescale?: string[];
  bidx?: string[];
  colormap?: string;
  resampling?: string;
  nodata?: string;
  "pixel-selection"?: string;
}

/**
 * What a render command made: the image, and what reading it cost.
 *
 * @example
 * ```ts
 * const { image, requests } = await tileCommand("dem.tif", "13/4404/2660", { output: "-" });
 * ```
 */
export interface RenderResult {
  image: Uint8Array;
  format: RenderFormat;
  width: number;
  height: number;
  requests: { count: number; bytes: number };
}

const BY_EXTENSION: Record<string, RenderFormat> = { png: "png", jpg: "jpeg", jpeg: "jpeg", webp: "webp" };

/**
 * The render query of CLI options, checked as the server checks its query (`COG_USAGE`), and the
 * format: `--format`, else the output's extension, else PNG. `--colormap` is a name or, starting
 * with `{` or `[`, a JSON table.
 *
 * @example
 * ```ts
 * renderQuery({ output: "t.webp", rescale: ["0,100"] }); // { query: { rescale: [[0, 100]], … }, format: "webp" }
 * ```
 */
export function renderQuery(o: RenderCliOptions): { query: TileQuery; format: RenderFormat } {
  const params = new URLSearchParams();
  for (const v of o.bidx ?? []) params.append("bidx", v);
  for (const v of o.rescale ?? []) params.append("rescale", v);
  if (o.colormap !== undefined) params.append(/^\s*[[{]/.test(o.colormap) ? "colormap" : "colormap_name", o.colormap);
  if (o.resampling !== undefined) params.append("resampling", o.resampling);
  if (o.nodata !== undefined) params.append("nodata", o.nodata);
  if (o["pixel-selection"] !== undefined) params.append("pixel_selection", o["pixel-selection"]);
  const query = parseTileQuery(params);
  const ext = /\.(\w+)$/.exec(o.output)?.[1]?.toLowerCase();
  const name = o.format ?? (ext !== undefined && ext in BY_EXTENSION ? ext : "png");
  const format = BY_EXTENSION[name.toLowerCase()];
  if (format === undefined) throw new CogError("COG_USAGE", `--format is png, jpeg or webp, not ${JSON.stringify(name)}`);
  return { query, format };
}

/**
 * `cogread tile <src> <z>/<x>/<y>`: the XYZ map tile of a COG (or a MosaicJSON), drawn as the
 * server draws `/tiles/{name}/{z}/{x}/{y}`. A tile outside the data is `COG_TILE_OUTSIDE`.
 *
 * @example
 * ```ts
 * const { image } = await tileCommand("dem.tif", "13/4402/2686", { output: "t.png", colormap: "terrain", rescale: ["0,3000"] });
 * ```
 */
export async function tileCommand(src: string, zxy: string, o: RenderCliOptions & { tilesize?: string }): Promise<RenderResult> {
  const m = /^(\d+)\/(\d+)\/(\d+)$/.exec(zxy);
  if (m === null) throw new CogError("COG_USAGE", `the tile is given as Z/X/Y (e.g. 13/4402/2686), not ${JSON.stringify(zxy)}`);
  const [z, x, y] = [m[1], m[2], m[3]].map(Number);
  const { query, format } = renderQuery(o);
  const mosaic = /\.json(\.gz)?$/i.test(src);
  const reader = mosaic ? await openMosaicReader(src) : await COGReader.open(src);
  try {
    const ds = { name: src, identity: src, location: src, ...(mosaic ? { kind: "mosaic", reader } : { kind: "cog", reader }) } as OpenDataset;
    const image = await drawTile(ds, { x, y, z, tileSize: 256, format, query });
    if (image === undefined) throw new CogError("COG_TILE_OUTSIDE", `tile ${z}/${x}/${y} is outside ${src}`, { x, y, z });
    return { image, format, width: 256, height: 256, requests: costOf(reader) };
  } finally {
    await reader.close().catch(() => undefined);
  }
}

/**
 * `cogread read <src> --bounds minx,miny,maxx,maxy --size WxH`: `COGReader.read` of the bounds
 * (in the file's CRS, or in `--bounds-crs`, e.g. EPSG:4326, transformed with densified edges)
 * into a WxH raster, drawn with the render options. `read` resamples with nearest, bilinear,
 * cubic, average or mode (other methods are `COG_USAGE`).
 *
 * @example
 * ```ts
 * await readCommand("dem.tif", { bounds: "399960,5892360,410200,5900040", size: "512x384", output: "out.png" });
 * ```
 */
export async function readCommand(src: string, o: RenderCliOptions & { bounds?: string; size?: string; "bounds-crs"?: string }): Promise<RenderResult> {
  const bounds = numbers("--bounds", o.bounds, ",", 4) as [number, number, number, number];
  const [width, height] = numbers("--size", o.size, "x", 2);
  if (![width, height].every((n) => Number.isSafeInteger(n) && n > 0)) throw new CogError("COG_USAGE", `--size is WIDTHxHEIGHT in whole pixels, not ${o.size}`);
  const { query, format } = renderQuery(o);
  const cog = await COGReader.open(src);
  try {
    let box = bounds;
    const crs = o["bounds-crs"];
    if (crs !== undefined && crs !== "image") box = transformBoundsDense(await pointTransform(crs, await crsDefinition(cog.crs, cog.url)), bounds);
    if (!box.every(Number.isFinite)) throw new CogError("COG_USAGE", `--bounds ${o.bounds} in ${crs} has no place in the file's CRS`);
    const raster = await cog.read(box, { width, height }, { resampling: query.resampling as Resampling | undefined, bands: query.bands });
    const image = await drawRaster(raster, { format, query });
    return { image, format, width, height, requests: costOf(cog) };
  } finally {
    await cog.close().catch(() => undefined);
  }
}

function costOf(reader: { requests: { count: number; bytes: number } }): { count: number; bytes: number } {
  return { count: reader.requests.count, bytes: reader.requests.bytes };
}

function numbers(name: string, value: string | undefined, sep: string, count: number): number[] {
  if (value === undefined) throw new CogError("COG_USAGE", `read needs ${name}`);
  const parts = value.split(sep).map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.length !== count || parts.some((s) => s === "") || !nums.every(Number.isFinite)) {
    throw new CogError("COG_USAGE", `${name} takes ${count} numbers separated by "${sep}", not ${JSON.stringify(value)}`);
  }
  return nums;
}
