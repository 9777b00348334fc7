import { isCogError } from "../errors.js";
import { crsFromGeoKeys, type CrsInfo } from "./crs.js";
import { parseGeoKeys, type GeoKeys } from "./geokeys.js";
import type { Ifd } from "./ifd.js";
import { TAG } from "./tags.js";

/**
 * The GeoKeys of an IFD and the CRS they describe. {@link readTiffDataset} imports this module
 * only for a file with a GeoKeyDirectory, so that the EPSG tables stay out of the core bundle
 * (README, "Bundle sizes"). A directory that cannot be parsed is ignored with a warning.
 *
 * @example
 * ```ts
 * const { geoKeys, crs } = readGeo(ifd, warnings);
 * ```
 */
export function readGeo(ifd: Ifd, warnings: string[]): { geoKeys: GeoKeys; crs: CrsInfo } {
  const geoKeys = readGeoKeys(ifd, warnings);
  return { geoKeys, crs: crsFromGeoKeys(geoKeys) };
}

function readGeoKeys(ifd: Ifd, warnings: string[]): GeoKeys {
  const directory = ifd.numbers(TAG.GeoKeyDirectory);
  if (directory === undefined) return new Map();
  try {
    return parseGeoKeys(directory, ifd.numbers(TAG.GeoDoubleParams), ifd.string(TAG.GeoAsciiParams));
  } catch (e) {
    if (!isCogError(e)) throw e;
    warnings.push(`GeoKeyDirectory ignored: ${e.message}`);
    return new Map();
  }
}
