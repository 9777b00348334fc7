import { checkCogLayout, type CogLayoutReport } from "../cog-layout.js";
import type { COGReader } from "../reader.js";
import type { Profile } from "../profile.js";
import type { ImageInfo } from "../tiff/image.js";

/** Per-level facts in the info report: the level's image facts plus its block statistics. */
export type LevelReport = Pick<
  ImageInfo,
  "offset" | "width" | "height" | "tileWidth" | "tileHeight" | "tiled" | "bands" | "dtype" | "compression" | "predictor" | "photometric" | "planar"
> & {
  level: number;
  ifd: number;
  tiles: number;
  /** Compressed block sizes; `empty` counts sparse blocks. */
  tileBytes: { min: number; max: number; mean: number; total: number; empty: number };
};

/**
 * Everything `cogread info` prints; `--json` prints this object. Non-finite nodata is written
 * as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`, as gdalinfo does.
 *
 * @example
 * ```ts
 * const report = await infoReport(cog);
 * console.log(report.ifds.length, report.cog.valid);
 * ```
 */
export interface InfoReport {
  file: string;
  fileSize: number | null;
  byteOrder: "little-endian" | "big-endian";
  bigTiff: boolean;
  profile: Omit<Profile, "nodata"> & { nodata: number | string | null };
  crs: { epsg: number | null; proj4: string | null; name: string | null; rasterType: string };
  geoTransform: number[] | null;
  origin: [number, number] | null;
  resolution: [number, number] | null;
  bounds: [number, number, number, number] | null;
  gcps: number;
  compression: string;
  predictor: number;
  nodata: number | string | null;
  internalMask: boolean;
  alpha: boolean;
  headerSize: number;
  ifds: LevelReport[];
  maskIfds: LevelReport[];
  cog: CogLayoutReport & { ghost: Record<string, string> | null };
  metadata: COGReader["metadata"];
  warnings: string[];
  requests: { count: number; bytes: number };
}

/**
 * Collects the info report of an open reader. Loads each level's block byte counts (for the
 * tile size statistics and the layout check); the request line counts those reads too.
 *
 * @example
 * ```ts
 * const cog = await COGReader.open("a.tif");
 * console.log(JSON.stringify(await infoReport(cog), null, 2));
 * ```
 */
export async function infoReport(cog: COGReader, opts: { signal?: AbortSignal } = {}): Promise<InfoReport> {
  const main = cog.ifds[0];
  const gt = cog.geoTransform;
  const levels = await Promise.all(cog.ifds.map((img, level) => levelReport(cog, img, level, opts)));
  const masks = await Promise.all(cog.maskIfds.map((img, level) => levelReport(cog, img, level, opts)));
  const layout = await checkCogLayout(cog, opts);
  const nodata = jsonNumber(cog.nodata);
  return {
    file: cog.url,
    fileSize: cog.fileSize ?? null,
    byteOrder: cog.littleEndian ? "little-endian" : "big-endian",
    bigTiff: cog.bigTiff,
    profile: { ...cog.profile, nodata },
    crs: { epsg: cog.crs.epsg ?? null, proj4: cog.crs.proj4 ?? null, name: cog.crs.name ?? null, rasterType: cog.crs.rasterType },
    geoTransform: gt ?? null,
    origin: gt ? [gt[0], gt[3]] : null,
    resolution: cog.resolution ?? null,
    bounds: cog.bounds ?? null,
    gcps: cog.gcps.length,
    compression: main.compression,
    predictor: main.predictor,
    nodata,
    internalMask: cog.maskOf(0) !== undefined,
    alpha: main.hasAlpha,
    headerSize: cog.requests.headerSize,
    ifds: levels,
    maskIfds: masks,
    cog: { ...layout, ghost: cog.ghost?.entries ?? null },
    metadata: cog.metadata,
    warnings: cog.warnings,
    requests: { count: cog.requests.count, bytes: cog.requests.bytes },
  };
}

async function levelReport(cog: COGReader, img: ImageInfo, level: number, opts: { signal?: AbortSignal }): Promise<LevelReport> {
  const blocks = await cog.blockByteCounts(img, opts);
  const sizes = blocks.filter((b) => b.offset > 0 && b.length > 0).map((b) => b.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  return {
    level,
    ifd: img.ifdIndex,
    offset: img.offset,
    width: img.width,
    height: img.height,
    tileWidth: img.tileWidth,
    tileHeight: img.tileHeight,
    tiled: img.tiled,
    tiles: blocks.length,
    bands: img.bands,
    dtype: img.dtype,
    compression: img.compression,
    predictor: img.predictor,
    photometric: img.photometric,
    planar: img.planar,
    tileBytes: {
      min: sizes.length ? sizes.reduce((a, b) => Math.min(a, b)) : 0,
      max: sizes.length ? sizes.reduce((a, b) => Math.max(a, b)) : 0,
      mean: sizes.length ? total / sizes.length : 0,
      total,
      empty: blocks.length - sizes.length,
    },
  };
}

/** JSON has no NaN or Infinity: write them as gdalinfo does. */
function jsonNumber(v: number | undefined): number | string | null {
  if (v === undefined) return null;
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}
