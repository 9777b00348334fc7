import { CogError } from "../errors.js";
import type { CogLimits } from "../options.js";
import { dtypeOf, type DType } from "./dtype.js";
import type { Ifd } from "./ifd.js";
import { compressionName, isKnownCompression, photometricName } from "./names.js";
import { TAG, tagName } from "./tags.js";
import { integerTag, integerValue, MAX_UINT32 } from "./validate.js";

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
 * const info = buildImageInfo(ifd, DEFAULT_LIMITS, { fileSize: 1_048_576 });
 * ```
 */
export function buildImageInfo(ifd: Ifd, limits: CogLimits, file: { fileSize?: number } = {}): ImageInfo {
  const ctx = ifd.context();
  const size = { min: 1, max: MAX_UINT32 };
  const code = { min: 0, max: 65535 };
  const width = integerValue(ifd, TAG.ImageWidth, size, 0);
  const height = integerValue(ifd, TAG.ImageLength, size, 0);
  if (width <= 0 || height <= 0) throw new CogError("COG_FORMAT", `image size is ${width}x${height}`, ctx);
  const bands = integerValue(ifd, TAG.SamplesPerPixel, { min: 1, max: 65535 }, 1);
  const bitsList = integerTag(ifd, TAG.BitsPerSample, { min: 1, max: 128 }) ?? [1];
  const formatList = integerTag(ifd, TAG.SampleFormat, code) ?? [1];
  const bitsPerSample = bitsList[0];
  const sampleFormat = formatList[0];
  if (bitsList.some((b) => b !== bitsPerSample) || formatList.some((f) => f !== sampleFormat)) {
    throw new CogError("COG_UNSUPPORTED", `bands differ in BitsPerSample or SampleFormat`, ctx);
  }
  const dtype = dtypeOf(bitsPerSample, sampleFormat, ctx);
  const compressionCode = integerValue(ifd, TAG.Compression, code, 1);
  if (!isKnownCompression(compressionCode)) {
    throw new CogError("COG_UNSUPPORTED", `unknown compression ${compressionCode}`, { ...ctx, tag: TAG.Compression });
  }
  const planar = integerValue(ifd, TAG.PlanarConfiguration, code, 1) === 2 && bands > 1 ? 2 : 1;
  const photometricCode = integerValue(ifd, TAG.PhotometricInterpretation, code, bands >= 3 ? 2 : 1);
  const subfile = integerValue(ifd, TAG.NewSubfileType, { min: 0, max: MAX_UINT32 }, 0);
  const extraSamples = integerTag(ifd, TAG.ExtraSamples, code) ?? [];
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
    predictor: integerValue(ifd, TAG.Predictor, code, 1),
    photometric: photometricName(photometricCode),
    planar,
    extraSamples,
    hasAlpha: extraSamples.some((e) => e === 1 || e === 2),
    isOverview: (subfile & 1) === 1,
    isMask: (subfile & 4) === 4,
  };
  if (photometricCode === 6) info.ycbcrSubsampling = ycbcrSubsampling(ifd);
  if (ifd.has(TAG.JPEGTables)) info.jpegTablesBytes = ifd.entries.get(TAG.JPEGTables)?.byteLength;
  if (ifd.has(TAG.ColorMap)) info.colormapEntries = Math.floor((ifd.entries.get(TAG.ColorMap)?.count ?? 0) / 3);
  setBlockLayout(info, ifd, limits, file.fileSize);
  return info;
}

/** YCbCrSubSampling (TIFF 6.0 §21): horizontal then vertical, each 1, 2 or 4; default 2, 2. */
function ycbcrSubsampling(ifd: Ifd): [number, number] {
  const values = integerTag(ifd, TAG.YCbCrSubSampling, { min: 1, max: 4 }) ?? [2, 2];
  const [h, v = h] = values;
  if (h === 3 || v === 3) throw new CogError("COG_FORMAT", `YCbCrSubSampling is ${h}, ${v}: 1, 2 or 4 expected`, ifd.context(TAG.YCbCrSubSampling));
  return [h, v];
}

function compressionLabel(code: number, lerc: number[] | undefined): string {
  const name = compressionName(code);
  if (name !== "lerc" || lerc === undefined) return name;
  return ["lerc", "lerc_deflate", "lerc_zstd"][lerc[1] ?? 0] ?? "lerc";
}

/** Field types a block array may have: SHORT, LONG, LONG8 (and IFD, IFD8, which are LONGs). */
const BLOCK_ARRAY_TYPES: ReadonlySet<number> = new Set([3, 4, 13, 16, 18]);

function setBlockLayout(info: ImageInfo, ifd: Ifd, limits: CogLimits, fileSize: number | undefined): void {
  const ctx = ifd.context();
  if (info.tiled) {
    info.tileWidth = integerValue(ifd, TAG.TileWidth, { min: 1, max: MAX_UINT32 }, 0);
    info.tileHeight = integerValue(ifd, TAG.TileLength, { min: 1, max: MAX_UINT32 }, 0);
    if (info.tileWidth <= 0 || info.tileHeight <= 0) {
      throw new CogError("COG_FORMAT", `tile size is ${info.tileWidth}x${info.tileHeight}`, ctx);
    }
  } else {
    info.tileHeight = Math.min(integerValue(ifd, TAG.RowsPerStrip, { min: 0, max: MAX_UINT32 }, info.height), info.height);
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
  for (const entry of counts === undefined ? [offsets] : [offsets, counts]) {
    if (!BLOCK_ARRAY_TYPES.has(entry.type)) {
      throw new CogError("COG_FORMAT", `${tagName(entry.tag)} has field type ${entry.type}, expected SHORT, LONG or LONG8`, ifd.context(entry.tag));
    }
  }
  if (!info.tiled) chopSingleStrip(info, ifd, offsets.count, fileSize);
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
function chopSingleStrip(info: ImageInfo, ifd: Ifd, stripCount: number, fileSize: number | undefined): void {
  if (stripCount !== 1 || info.compressionCode !== 1 || (info.planar === 2 && info.bands > 1)) return;
  const declaredRows = ifd.number(TAG.RowsPerStrip) ?? 2 ** 32 - 1;
  const rowBlock = info.photometric === "ycbcr" ? (info.ycbcrSubsampling?.[1] ?? 1) : 1;
  const rowBlockBytes = Math.ceil((info.width * info.bands * info.bitsPerSample) / 8) * rowBlock;
  if (rowBlockBytes <= 0) return;
  const rowsPerStrip = rowBlockBytes > 8192 ? rowBlock : Math.floor(8192 / rowBlockBytes) * rowBlock;
  if (rowsPerStrip >= declaredRows || rowsPerStrip >= info.height) return;
  const strips = Math.ceil(info.height / rowsPerStrip);
  const stripBytes = (rowsPerStrip / rowBlock) * rowBlockBytes;
  // libtiff (ChopUpSingleUncompressedStrip): past a million strips, chop only when the file is
  // large enough to hold them, so a patched ImageLength does not make millions of blocks.
  const offset = ifd.number(TAG.StripOffsets) ?? 0;
  if (strips > 1_000_000 && (fileSize === undefined || offset >= fileSize || stripBytes > (fileSize - offset) / (strips - 1))) return;
  info.tileHeight = rowsPerStrip;
  info.tilesDown = strips;
  info.choppedStripBytes = stripBytes;
}
