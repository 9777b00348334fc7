/**
 * TIFF, GeoTIFF and GDAL tag ids used by cogread (TIFF 6.0 §8, GeoTIFF 1.1 §7, GDAL GTiff driver).
 *
 * @example
 * ```ts
 * import { TAG } from "cogread";
 * cog.ifds[0]; // tags are read through the image model; TAG names them: TAG.TileOffsets === 324
 * ```
 */
export const TAG = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  PhotometricInterpretation: 262,
  ImageDescription: 270,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  XResolution: 282,
  YResolution: 283,
  PlanarConfiguration: 284,
  ResolutionUnit: 296,
  Software: 305,
  DateTime: 306,
  Predictor: 317,
  ColorMap: 320,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  SubIFDs: 330,
  ExtraSamples: 338,
  SampleFormat: 339,
  JPEGTables: 347,
  YCbCrSubSampling: 530,
  YCbCrPositioning: 531,
  ReferenceBlackWhite: 532,
  ModelPixelScale: 33550,
  ModelTiepoint: 33922,
  ModelTransformation: 34264,
  GeoKeyDirectory: 34735,
  GeoDoubleParams: 34736,
  GeoAsciiParams: 34737,
  GdalMetadata: 42112,
  GdalNodata: 42113,
  LercParameters: 50674,
} as const;

/** Tags whose values are per-block arrays: kept as raw bytes and decoded on access. */
export const BLOCK_ARRAY_TAGS: ReadonlySet<number> = new Set([
  TAG.TileOffsets,
  TAG.TileByteCounts,
  TAG.StripOffsets,
  TAG.StripByteCounts,
]);

const NAMES = new Map<number, string>(Object.entries(TAG).map(([name, id]) => [id, name]));

/**
 * The name of a tag id, or `Tag<id>` for one cogread does not name.
 *
 * @example
 * ```ts
 * tagName(324); // "TileOffsets"
 * ```
 */
export function tagName(id: number): string {
  return NAMES.get(id) ?? `Tag${id}`;
}
