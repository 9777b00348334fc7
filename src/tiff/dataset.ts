import { CogError, isCogError, loadPart } from "../errors.js";
import type { HeaderReader } from "../io/header-reader.js";
import type { CogLimits } from "../options.js";
import type { CrsInfo } from "./crs.js";
import type { GdalMetadata } from "./gdal-metadata.js";
import type { GeoKeys } from "./geokeys.js";
import { readGeoreference, type Gcp, type GeoTransform } from "./georef.js";
import { parseGhostArea, type GhostArea } from "./ghost.js";
import { parseTiffHeader, type TiffHeader } from "./header.js";
import type { Ifd } from "./ifd.js";
import { buildImageInfo, type ImageInfo } from "./image.js";
import { parseNodata } from "./nodata.js";
import { TAG } from "./tags.js";
import { walkIfds } from "./walk.js";

/**
 * Everything parsed from a file's header: the image levels, masks and geo metadata.
 *
 * @example
 * ```ts
 * const dataset = await readTiffDataset(header, { limits: DEFAULT_LIMITS, url });
 * dataset.images[0].width;
 * ```
 */
export interface TiffDataset {
  /** The header bytes read so far (grows as block-array pages load). */
  header: HeaderReader;
  tiff: TiffHeader;
  ghost?: GhostArea;
  /** Every IFD of the main chain, in file order. */
  ifds: Ifd[];
  /** Full resolution first, then overviews by decreasing size. */
  images: ImageInfo[];
  /** Mask IFDs; `maskOf[level]` is the index here of the mask of image level `level`. */
  masks: ImageInfo[];
  maskOf: Array<number | undefined>;
  geoKeys: GeoKeys;
  crs: CrsInfo;
  transform?: GeoTransform;
  gcps: Gcp[];
  nodata?: number;
  /** GDAL_NODATA exactly as written (64-bit nodata keeps its digits here). */
  nodataText?: string;
  metadata: GdalMetadata;
  warnings: string[];
}

/**
 * Parses header, ghost area, IFD chain, image levels and geo metadata from a {@link HeaderReader}
 * whose first bytes are loaded.
 *
 * @example
 * ```ts
 * await header.ensure(0, 16384);
 * const ds = await readTiffDataset(header, { limits: DEFAULT_LIMITS });
 * ```
 */
export async function readTiffDataset(
  header: HeaderReader,
  opts: { limits: CogLimits; url?: string; signal?: AbortSignal },
): Promise<TiffDataset> {
  const { url } = opts;
  const tiff = parseTiffHeader(header.prefix(16), url);
  const ghost = readGhost(header, tiff);
  const { ifds, warnings } = await walkIfds(header, tiff, opts);
  const { images, masks, maskOf } = buildLevels(ifds, { limits: opts.limits, fileSize: header.fileSize }, warnings);
  const main = ifds[images[0].ifdIndex];
  const { geoKeys, crs } = await readGeo(main, warnings);
  const { transform, gcps } = readGeoreference(main, crs.rasterType === "point", { ...images[0], warnings });
  const nodataText = main.string(TAG.GdalNodata);
  const metadata = await readGdalMetadata(main.string(TAG.GdalMetadata));
  return {
    header,
    tiff,
    ghost,
    ifds,
    images,
    masks,
    maskOf,
    geoKeys,
    crs,
    transform,
    gcps,
    nodata: parseNodata(nodataText),
    nodataText: nodataText?.trim(),
    metadata,
    warnings,
  };
}

function readGhost(header: HeaderReader, tiff: TiffHeader): GhostArea | undefined {
  const start = tiff.headerSize;
  const available = Math.min(4096, (header.fileSize ?? start + 4096) - start);
  if (available <= 0 || !header.has(start, available)) return undefined;
  return parseGhostArea(header.get(start, available));
}

/** GDAL_METADATA; its XML parser loads only for a file that has the tag (README, "Bundle sizes"). */
async function readGdalMetadata(xml: string | undefined): Promise<GdalMetadata> {
  if (xml === undefined) return { dataset: {}, bands: [] };
  return (await loadPart(import("./gdal-metadata.js"))).parseGdalMetadata(xml);
}

/** What `crsFromGeoKeys` makes of no GeoKeys (test/crs.test.ts checks they agree). */
export const NO_CRS: Readonly<CrsInfo> = { rasterType: "area" };

/**
 * GeoKeys and CRS. The parser and the EPSG tables load only for a file that has a GeoKeyDirectory;
 * one that cannot be parsed is ignored with a warning.
 */
async function readGeo(ifd: Ifd, warnings: string[]): Promise<{ geoKeys: GeoKeys; crs: CrsInfo }> {
  const directory = ifd.numbers(TAG.GeoKeyDirectory);
  if (directory === undefined) return { geoKeys: new Map(), crs: { ...NO_CRS } };
  const { crsFromGeoKeys, parseGeoKeys } = await loadPart(import("./geo.js"));
  let geoKeys: GeoKeys;
  try {
    geoKeys = parseGeoKeys(directory, ifd.numbers(TAG.GeoDoubleParams), ifd.string(TAG.GeoAsciiParams));
  } catch (e) {
    if (!isCogError(e)) throw e;
    warnings.push(`GeoKeyDirectory ignored: ${e.message}`);
    geoKeys = new Map();
  }
  return { geoKeys, crs: crsFromGeoKeys(geoKeys) };
}

/**
 * Picks the full-resolution image (the first IFD that is neither overview nor mask), its
 * overviews (reduced-resolution IFDs with the same bands and dtype, largest first) and masks,
 * pairing each mask with the level of the same size. A broken overview or mask is skipped with
 * a warning; a broken main image is an error.
 */
function buildLevels(
  ifds: Ifd[],
  file: { limits: CogLimits; fileSize?: number },
  warnings: string[],
): { images: ImageInfo[]; masks: ImageInfo[]; maskOf: Array<number | undefined> } {
  const mainIfd = ifds.find((ifd) => ((ifd.number(TAG.NewSubfileType) ?? 0) & 5) === 0) ?? ifds[0];
  if (mainIfd === undefined) throw new CogError("COG_FORMAT", "file has no IFD");
  const main = buildImageInfo(mainIfd, file.limits, file);
  const overviews: ImageInfo[] = [];
  const masks: ImageInfo[] = [];
  for (const ifd of ifds) {
    if (ifd === mainIfd) continue;
    let info: ImageInfo;
    try {
      info = buildImageInfo(ifd, file.limits, file);
    } catch (e) {
      if (!isCogError(e) || e.code === "COG_ABORT") throw e;
      warnings.push(`IFD ${ifd.index} skipped: ${e.message}`);
      continue;
    }
    if (info.isMask) masks.push(info);
    else if (info.isOverview && info.bands === main.bands && info.dtype === main.dtype && info.width <= main.width) {
      overviews.push(info);
    }
  }
  overviews.sort((a, b) => b.width - a.width || b.height - a.height);
  const images = [main, ...overviews];
  const maskOf = images.map((img) => {
    const i = masks.findIndex((m) => m.width === img.width && m.height === img.height && m.isOverview === img.isOverview);
    return i === -1 ? undefined : i;
  });
  return { images, masks, maskOf };
}
