import { CogError } from "../errors.js";

/**
 * GeoKey ids by name (GeoTIFF 1.0 names, with the GeoTIFF 1.1 aliases where 1.1 renamed a key).
 *
 * @example
 * ```ts
 * const keys = parseGeoKeys(directory, doubles, ascii);
 * keys.get(GEOKEY.ProjectedCSTypeGeoKey); // 32633
 * ```
 */
export const GEOKEY = {
  GTModelTypeGeoKey: 1024,
  GTRasterTypeGeoKey: 1025,
  GTCitationGeoKey: 1026,
  GeographicTypeGeoKey: 2048,
  GeodeticCRSGeoKey: 2048,
  GeogCitationGeoKey: 2049,
  GeodeticCitationGeoKey: 2049,
  GeogGeodeticDatumGeoKey: 2050,
  GeodeticDatumGeoKey: 2050,
  GeogPrimeMeridianGeoKey: 2051,
  PrimeMeridianGeoKey: 2051,
  GeogLinearUnitsGeoKey: 2052,
  GeogLinearUnitSizeGeoKey: 2053,
  GeogAngularUnitsGeoKey: 2054,
  GeogAngularUnitSizeGeoKey: 2055,
  GeogEllipsoidGeoKey: 2056,
  EllipsoidGeoKey: 2056,
  GeogSemiMajorAxisGeoKey: 2057,
  EllipsoidSemiMajorAxisGeoKey: 2057,
  GeogSemiMinorAxisGeoKey: 2058,
  EllipsoidSemiMinorAxisGeoKey: 2058,
  GeogInvFlatteningGeoKey: 2059,
  EllipsoidInvFlatteningGeoKey: 2059,
  GeogAzimuthUnitsGeoKey: 2060,
  GeogPrimeMeridianLongGeoKey: 2061,
  PrimeMeridianLongitudeGeoKey: 2061,
  GeogTOWGS84GeoKey: 2062,
  ProjectedCSTypeGeoKey: 3072,
  ProjectedCRSGeoKey: 3072,
  PCSCitationGeoKey: 3073,
  ProjectedCitationGeoKey: 3073,
  ProjectionGeoKey: 3074,
  ProjCoordTransGeoKey: 3075,
  ProjMethodGeoKey: 3075,
  ProjLinearUnitsGeoKey: 3076,
  ProjLinearUnitSizeGeoKey: 3077,
  ProjStdParallel1GeoKey: 3078,
  ProjStdParallel2GeoKey: 3079,
  ProjNatOriginLongGeoKey: 3080,
  ProjNatOriginLatGeoKey: 3081,
  ProjFalseEastingGeoKey: 3082,
  ProjFalseNorthingGeoKey: 3083,
  ProjFalseOriginLongGeoKey: 3084,
  ProjFalseOriginLatGeoKey: 3085,
  ProjFalseOriginEastingGeoKey: 3086,
  ProjFalseOriginNorthingGeoKey: 3087,
  ProjCenterLongGeoKey: 3088,
  ProjCenterLatGeoKey: 3089,
  ProjCenterEastingGeoKey: 3090,
  ProjCenterNorthingGeoKey: 3091,
  ProjScaleAtNatOriginGeoKey: 3092,
  ProjScaleAtCenterGeoKey: 3093,
  ProjAzimuthAngleGeoKey: 3094,
  ProjStraightVertPoleLongGeoKey: 3095,
  ProjRectifiedGridAngleGeoKey: 3096,
  VerticalCSTypeGeoKey: 4096,
  VerticalGeoKey: 4096,
  VerticalCitationGeoKey: 4097,
  VerticalDatumGeoKey: 4098,
  VerticalUnitsGeoKey: 4099,
  CoordinateEpochGeoKey: 5120,
} as const;

/**
 * Decoded GeoKeys: key id → value. A value stored inline or as one SHORT or DOUBLE is a
 * `number`; a DOUBLE or SHORT array of two or more is a `number[]`; an ASCII value is a `string`
 * without its terminating `|`.
 *
 * @example
 * ```ts
 * const keys: GeoKeys = new Map([[GEOKEY.GTModelTypeGeoKey, 1], [GEOKEY.ProjectedCSTypeGeoKey, 32633]]);
 * ```
 */
export type GeoKeys = Map<number, number | number[] | string>;

/** TIFF tag ids a GeoKey's TIFFTagLocation may name. */
const GEO_KEY_DIRECTORY = 34735;
const GEO_DOUBLE_PARAMS = 34736;
const GEO_ASCII_PARAMS = 34737;

/**
 * Decodes a GeoKeyDirectoryTag (GeoTIFF 1.1 §7.1) with its GeoDoubleParamsTag and
 * GeoAsciiParamsTag values.
 *
 * `directory` is the SHORT values of tag 34735: the header `KeyDirectoryVersion, KeyRevision,
 * MinorRevision, NumberOfKeys`, then one `KeyID, TIFFTagLocation, Count, Value_Offset` entry per
 * key. `ascii` must be decoded one character per byte (latin1), since ASCII offsets count bytes.
 *
 * Error policy:
 * - Damage to the directory itself throws `CogError("COG_FORMAT", …, { tag: 34735 })`: fewer than
 *   4 header values, or fewer entries than `NumberOfKeys` announces. A `KeyDirectoryVersion`
 *   other than 1 throws `COG_UNSUPPORTED` (libgeotiff refuses it too).
 * - A single bad key is skipped and the others kept: an unknown TIFFTagLocation, a Count of 0, or
 *   values past the end of the doubles / ASCII / directory array (or that array missing). As in
 *   libgeotiff, an ASCII value whose Count runs exactly one past the text (a writer that counted
 *   a terminator it did not write) is accepted.
 * - When a key id repeats, the first entry wins.
 *
 * Nothing else is thrown; values are slices of the inputs, so no input can cause a large
 * allocation.
 *
 * @example
 * ```ts
 * const keys = parseGeoKeys(
 *   [1, 1, 0, 3, 1024, 0, 1, 1, 3072, 0, 1, 32633, 3073, 34737, 22, 0],
 *   undefined,
 *   "WGS 84 / UTM zone 33N|",
 * );
 * keys.get(GEOKEY.ProjectedCSTypeGeoKey); // 32633
 * keys.get(GEOKEY.PCSCitationGeoKey); // "WGS 84 / UTM zone 33N"
 * ```
 */
export function parseGeoKeys(directory: ArrayLike<number>, doubles?: ArrayLike<number>, ascii?: string): GeoKeys {
  const keys: GeoKeys = new Map();
  if (directory.length < 4) {
    throw new CogError("COG_FORMAT", `GeoKeyDirectory has ${directory.length} values, fewer than its 4-value header`, {
      tag: GEO_KEY_DIRECTORY,
    });
  }
  const version = directory[0];
  if (version !== 1) {
    throw new CogError("COG_UNSUPPORTED", `GeoKeyDirectory version ${version} is not 1`, { tag: GEO_KEY_DIRECTORY });
  }
  const count = directory[3];
  if (!isIndex(count) || 4 + 4 * count > directory.length) {
    throw new CogError(
      "COG_FORMAT",
      `GeoKeyDirectory announces ${count} keys but holds ${Math.floor((directory.length - 4) / 4)}`,
      { tag: GEO_KEY_DIRECTORY },
    );
  }
  for (let i = 0; i < count; i++) {
    const at = 4 + 4 * i;
    const id = directory[at];
    if (keys.has(id)) continue;
    const value = readValue(directory[at + 1], directory[at + 2], directory[at + 3], directory, doubles, ascii);
    if (value !== undefined) keys.set(id, value);
  }
  return keys;
}

function readValue(
  location: number,
  count: number,
  offset: number,
  directory: ArrayLike<number>,
  doubles: ArrayLike<number> | undefined,
  ascii: string | undefined,
): number | number[] | string | undefined {
  switch (location) {
    case 0:
      // Value stored in Value_Offset; Count is 1 by definition.
      return offset;
    case GEO_DOUBLE_PARAMS:
      return slice(doubles, offset, count);
    case GEO_KEY_DIRECTORY:
      return slice(directory, offset, count);
    case GEO_ASCII_PARAMS: {
      if (ascii === undefined || !isIndex(offset) || !isIndex(count) || count === 0) return undefined;
      let n = count;
      if (offset + n === ascii.length + 1) n--;
      if (offset + n > ascii.length) return undefined;
      let text = ascii.slice(offset, offset + n);
      text = text.replace(/\0+$/, "");
      return text.endsWith("|") ? text.slice(0, -1) : text;
    }
    default:
      return undefined;
  }
}

function slice(values: ArrayLike<number> | undefined, offset: number, count: number): number | number[] | undefined {
  if (values === undefined || !isIndex(offset) || !isIndex(count) || count === 0) return undefined;
  if (offset + count > values.length) return undefined;
  if (count === 1) return values[offset];
  return Array.from({ length: count }, (_, i) => values[offset + i]);
}

function isIndex(n: number): boolean {
  return Number.isInteger(n) && n >= 0;
}
