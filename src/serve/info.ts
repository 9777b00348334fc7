import type { COGReader } from "../reader.js";
import type { RenderFormat } from "../render/options.js";
import type { OpenDataset } from "./registry.js";
import { tilePath } from "./routes.js";

/**
 * Where a dataset lies on the web map: what `/info` starts with, what TileJSON and the page use.
 *
 * @example
 * ```ts
 * const { bounds, minzoom, maxzoom, center } = summary(ds);
 * ```
 */
export interface DatasetSummary {
  name: string;
  type: "cog" | "mosaic";
  /** `[west, south, east, north]` in degrees. */
  bounds: [number, number, number, number];
  minzoom: number;
  maxzoom: number;
  /** `[longitude, latitude, zoom]`. */
  center: [number, number, number];
}

/**
 * The map facts of an open dataset. A COG without a known CRS has the whole world at zoom 0.
 *
 * @example
 * ```ts
 * summary(await registry.open("dem")).bounds; // [14.4, 53.2, 14.6, 53.3]
 * ```
 */
export function summary(ds: OpenDataset): DatasetSummary {
  if (ds.kind === "mosaic") {
    const { bounds, minzoom, maxzoom, center } = ds.reader.info;
    const c: [number, number, number] =
      center !== undefined && center.length >= 2 ? [center[0], center[1], center[2] ?? minzoom] : [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, minzoom];
    return { name: ds.name, type: "mosaic", bounds: [...bounds], minzoom, maxzoom, center: c };
  }
  const cog = ds.reader;
  const bounds = cog.geographicBounds ?? [-180, -85.0511287798066, 180, 85.0511287798066];
  const minzoom = cog.minzoom ?? 0;
  const maxzoom = cog.maxzoom ?? 0;
  return { name: ds.name, type: "cog", bounds, minzoom, maxzoom, center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, minzoom] };
}

/**
 * `/info/{name}`: the summary plus, for a COG, rio-tiler's info fields (`dtype`, `count`,
 * `width`, `height`, `overviews` as decimation factors, `nodata_type`, `nodata_value`,
 * `band_descriptions`) and the file's profile; for a mosaic, its summary.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(datasetInfo(ds));
 * ```
 */
export function datasetInfo(ds: OpenDataset): Record<string, unknown> {
  const base = summary(ds);
  if (ds.kind === "mosaic") return { ...base, name: ds.reader.info.name ?? ds.name };
  const cog = ds.reader;
  const p = cog.profile;
  return {
    ...base,
    crs: p.crs,
    dtype: p.dtype,
    count: p.count,
    width: p.width,
    height: p.height,
    overviews: cog.ifds.slice(1).map((l) => Math.round(cog.width / l.width)),
    nodata_type: nodataType(cog),
    nodata_value: jsonNumber(cog.nodata),
    band_descriptions: Array.from({ length: p.count }, (_, i) => [`b${i + 1}`, cog.metadata.bands[i]?.description ?? ""]),
    profile: { ...p, nodata: jsonNumber(cog.nodata) },
  };
}

/** rio-tiler's nodata_type: where the file says which pixels are empty. */
function nodataType(cog: COGReader): "Alpha" | "Mask" | "Nodata" | "None" {
  if (cog.ifds[0].hasAlpha) return "Alpha";
  if (cog.maskOf(0) !== undefined) return "Mask";
  return cog.nodata !== undefined ? "Nodata" : "None";
}

/** JSON has no NaN or Infinity: written as gdalinfo writes them. */
function jsonNumber(v: number | undefined): number | string | null {
  if (v === undefined) return null;
  if (Number.isNaN(v)) return "NaN";
  return Number.isFinite(v) ? v : v > 0 ? "Infinity" : "-Infinity";
}

/**
 * TileJSON 3.0.0 of a dataset: one tile URL template on `base` (the address the client used),
 * with the request's tile parameters passed through; `tile_format` (png, webp, jpg) and
 * `tile_scale` (1 or 2) pick the template's format and size, as in titiler.
 *
 * @example
 * ```ts
 * tileJson(summary(ds), { base: "http://127.0.0.1:8080", format: "png", scale: 1, query: "rescale=0%2C3000" });
 * ```
 */
export function tileJson(s: DatasetSummary, opts: { base: string; format: RenderFormat; scale: 1 | 2; query: string }): Record<string, unknown> {
  const url = `${opts.base}${tilePath(s.name, opts.format, opts.scale)}${opts.query ? `?${opts.query}` : ""}`;
  return {
    tilejson: "3.0.0",
    name: s.name,
    scheme: "xyz",
    tiles: [url],
    minzoom: s.minzoom,
    maxzoom: s.maxzoom,
    bounds: s.bounds,
    center: s.center,
    ...(opts.scale === 2 ? { tileSize: 512 } : {}),
  };
}
