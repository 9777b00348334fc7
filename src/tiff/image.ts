import { CogError } from "../errors.js";
import type { CogLimits } from "../options.js";
import { dtypeOf, type DType } from "./dtype.js";
import type { Ifd } from "./ifd.js";
import { compressionName, isKnownCompression, photometricName } from "./names.js";
import { TAG } from "./tags.js";

/**
 * One image level (or mask) of the file, as the reader sees it.
 *
 * @example
 * ```ts
 * const { width, height, tileWidth, tileHeight, dtype } = cog.ifds[0];
 * ```
 */
export interface ImageInfo {
  /** Position of this IFD in the file's chain. */
  ifdIndex: number;
  /** File offset of the IFD. */
  offset: number;
  width: number;
  height: number;
  /** Block width: the tile width, or the image width for a stripped file. */
  tileWidth: number;
  /** Block height: the tile height, or the rows per strip for a stripped file. */
  tileHeight: number;
  /** True for tiled files, false for stripped ones. */
  tiled: boolean;
  /** Blocks across and down. */
  tilesAcross: number;
  tilesDown: number;
  /** Samples per pixel. */
  bands: number;
  dtype: DType;
  /** Bits of each sample (1, 2, 4, 8, 12, 16, …). */
  bitsPerSample: number;
  /** TIFF SampleFormat (1 uint, 2 int, 3 float, 5/6 complex). */
  sampleFormat: number;
  /** Compression name (`deflate`, `lzw`, `jpeg`, `lerc_zstd`…). */
  compression: string;
  /** Compression code from the file. */
  compressionCode: number;
  /** Predictor: 1 none, 2 horizontal, 3 floating point. */
  predictor: number;
  /** Photometric name (`minisblack`, `rgb`, `ycbcr`, `palette`, `cmyk`…). */
  photometric: string;
  /** PlanarConfiguration: 1 pixel-interleaved, 2 band-separate. */
  planar: 1 | 2;
  /** ExtraSamples values (0 unspecified, 1 associated alpha, 2 unassociated alpha). */
  extraSamples: number[];
  /** True when one extra sample is alpha. */
  hasAlpha: boolean;
  /** Reduced-resolution image (NewSubfileType bit 0). */
  isOverview: boolean;
  /** Transparency mask (NewSubfileType bit 2). */
  isMask: boolean;
  /** YCbCr subsampling, when photometric is ycbcr. */
  ycbcrSubsampling?: [number, number];
  /** Byte length of JPEGTables, when present. */
  jpegTablesBytes?: number;
  /** Number of colormap entries, when present. */
  colormapEntries?: number;
  /**
   * Uncompressed single strips are read as chopped strips of this many bytes, as libtiff does
   * (tif_dirread.c ChopUpSingleUncompressedStrip); undefined otherwise.
   */
  choppedStripBytes?: number;
}

/**
 * Builds the {@link ImageInfo} of an IFD whose tag values are loaded. Throws `COG_FORMAT` for
 * missing or contradictory required tags, `COG_UNSUPPORTED` for sample types cogread cannot
 * represent and `COG_LIMIT` past `limits.maxTiles`.
 *
 * @example
 * ```ts
 * const info = buildImageInfo(ifd, DEFAULT_LIMITS);
 * ```
 */
export function buildImageInfo(ifd: Ifd, limits: CogLimits): ImageInfo {
  const ctx = ifd.context();
  const width = ifd.number(TAG.ImageWidth) ?? 0;
  const height = ifd.number(TAG.ImageLength) ?? 0;
  if (width <= 0 || height <= 0) throw new CogError("COG_FORMAT", `image size is ${width}x${height}`, ctx);
  const bands = ifd.number(TAG.SamplesPerPixel) ?? 1;
  const bitsList = ifd.numbers(TAG.BitsPerSample) ?? [1];
  const formatList = ifd.numbers(TAG.SampleFormat) ?? [1];
  const bitsPerSample = bitsList[0];
  const sampleFormat = formatList[0];
  if (bands < 1 || bands > 65535) throw new CogError("COG_FORMAT", `SamplesPerPixel is ${bands}`, ctx);
  if (bitsList.some((b) => b !== bitsPerSample) || formatList.some((f) => f !== sampleFormat)) {
    throw new CogError("COG_UNSUPPORTED", `bands differ in BitsPerSample or SampleFormat`, ctx);
  }
  const dtype = dtypeOf(bitsPerSample, sampleFormat, ctx);
  const compressionCode = ifd.number(TAG.Compression) ?? 1;
  if (!isKnownCompression(compressionCode)) {
    throw new CogError("COG_UNSUPPORTED", `unknown compression ${compressionCode}`, { ...ctx, tag: TAG.Compression });
  }
  const planar = (ifd.number(TAG.PlanarConfiguration) ?? 1) === 2 && bands > 1 ? 2 : 1;
  const photometricCode = ifd.number(TAG.PhotometricInterpretation) ?? (bands >= 3 ? 2 : 1);
  const subfile = ifd.number(TAG.NewSubfileType) ?? 0;
  const extraSamples = ifd.numbers(TAG.ExtraSamples) ?? [];
  const lerc = ifd.numbers(TAG.LercParameters);
  const tiled = ifd.has(TAG.TileWidth) || ifd.has(TAG.TileOffsets);
  const info: ImageInfo = {
    ifdIndex: ifd.index,
    offset: ifd.offset,
    width,
    height,
    tileWidth: width,
    tileHeight: height,
    tiled,
    tilesAcross: 1,
    tilesDown: 1,
    bands,
    dtype,
    bitsPerSample,
    sampleFormat,
    compression: compressionLabel(compressionCode, lerc),
    compressionCode,
    predictor: ifd.number(TAG.Predictor) ?? 1,
    photometric: photometricName(photometricCode),
    planar,
    extraSamples,
    hasAlpha: extraSamples.some((e) => e === 1 || e === 2),
    isOverview: (subfile & 1) === 1,
    isMask: (subfile & 4) === 4,
  };
  if (photometricCode === 6) info.ycbcrSubsampling = (ifd.numbers(TAG.YCbCrSubSampling) ?? [2, 2]).slice(0, 2) as [number, number];
  if (ifd.has(TAG.JPEGTables)) info.jpegTablesBytes = ifd.entries.get(TAG.JPEGTables)?.byteLength;
  if (ifd.has(TAG.ColorMap)) info.colormapEntries = Math.floor((ifd.entries.get(TAG.ColorMap)?.count ?? 0) / 3);
  setBlockLayout(info, ifd, limits);
  return info;
}

function compressionLabel(code: number, lerc: number[] | undefined): string {
  const name = compressionName(code);
  if (name !== "lerc" || lerc === undefined) return name;
  return ["lerc", "lerc_deflate", "lerc_zstd"][lerc[1] ?? 0] ?? "lerc";
}

function setBlockLayout(info: ImageInfo, ifd: Ifd, limits: CogLimits): void {
  const ctx = ifd.context();
  if (info.tiled) {
    info.tileWidth = ifd.number(TAG.TileWidth) ?? 0;
    info.tileHeight = ifd.number(TAG.TileLength) ?? 0;
    if (info.tileWidth <= 0 || info.tileHeight <= 0) {
      throw new CogError("COG_FORMAT", `tile size is ${info.tileWidth}x${info.tileHeight}`, ctx);
    }
  } else {
    info.tileHeight = Math.min(ifd.number(TAG.RowsPerStrip) ?? info.height, info.height);
    if (info.tileHeight <= 0) throw new CogError("COG_FORMAT", "RowsPerStrip is 0", ctx);
  }
  info.tilesAcross = Math.ceil(info.width / info.tileWidth);
  info.tilesDown = Math.ceil(info.height / info.tileHeight);
  const blocks = info.tilesAcross * info.tilesDown * (info.planar === 2 ? info.bands : 1);
  if (blocks > limits.maxTiles) {
    throw new CogError("COG_LIMIT", `${info.tilesAcross}x${info.tilesDown} blocks is over maxTiles (${limits.maxTiles})`, {
      ...ctx,
      limit: "maxTiles",
    });
  }
  const offsets = ifd.entries.get(info.tiled ? TAG.TileOffsets : TAG.StripOffsets);
  const counts = ifd.entries.get(info.tiled ? TAG.TileByteCounts : TAG.StripByteCounts);
  if (offsets === undefined) throw new CogError("COG_FORMAT", `${info.tiled ? "TileOffsets" : "StripOffsets"} is missing`, ctx);
  if (!info.tiled) chopSingleStrip(info, ifd, offsets.count);
  const expected = info.choppedStripBytes !== undefined ? 1 : blocks;
  if (offsets.count < expected || (counts !== undefined && counts.count < expected)) {
    throw new CogError("COG_FORMAT", `block arrays hold ${offsets.count} entries, ${expected} expected`, {
      ...ctx,
      tag: offsets.tag,
    });
  }
}

/**
 * libtiff reads one big uncompressed, pixel-interleaved strip as strips of about 8 KiB
 * (STRIP_SIZE_DEFAULT), and GDAL reports those as the block size.
 */
function chopSingleStrip(info: ImageInfo, ifd: Ifd, stripCount: number): void {
  if (stripCount !== 1 || info.compressionCode !== 1 || (info.planar === 2 && info.bands > 1)) return;
  const declaredRows = ifd.number(TAG.RowsPerStrip) ?? 2 ** 32 - 1;
  const rowBlock = info.photometric === "ycbcr" ? (info.ycbcrSubsampling?.[1] ?? 1) : 1;
  const rowBlockBytes = Math.ceil((info.width * info.bands * info.bitsPerSample) / 8) * rowBlock;
  if (rowBlockBytes <= 0) return;
  const rowsPerStrip = rowBlockBytes > 8192 ? rowBlock : Math.floor(8192 / rowBlockBytes) * rowBlock;
  if (rowsPerStrip >= declaredRows || rowsPerStrip >= info.height) return;
  info.tileHeight = rowsPerStrip;
  info.tilesDown = Math.ceil(info.height / rowsPerStrip);
  info.choppedStripBytes = (rowsPerStrip / rowBlock) * rowBlockBytes;
}
