import {
  datumProj4,
  ellipsoidProj4,
  geographicDatum,
  linearUnit,
  namedEllipsoid,
  primeMeridianName,
  proj4FromEpsg,
} from "./epsg.js";
import { GEOKEY, type GeoKeys } from "./geokeys.js";

export { proj4FromEpsg, supportedEpsgCodes } from "./epsg.js";

/**
 * The coordinate reference system described by a file's GeoKeys.
 *
 * @example
 * ```ts
 * const crs: CrsInfo = {
 *   epsg: 32633,
 *   proj4: "+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs",
 *   name: "WGS 84 / UTM zone 33N",
 *   modelType: "projected",
 *   rasterType: "area",
 *   linearUnits: "metre",
 * };
 * ```
 */
export interface CrsInfo {
  /** EPSG code of the whole CRS, when the file names one (never guessed from parameters). */
  epsg?: number;
  /** proj4 definition, from the EPSG table or built from user-defined keys. */
  proj4?: string;
  /** Name from the citation keys (`PCSCitation`, `GeogCitation` or `GTCitation`). */
  name?: string;
  /** `GTModelTypeGeoKey`, or inferred from which CRS code key is set when it is missing. */
  modelType?: "projected" | "geographic" | "geocentric" | "user-defined";
  /** `GTRasterTypeGeoKey`: "area" (PixelIsArea, the default) or "point" (PixelIsPoint). */
  rasterType: "area" | "point";
  /** Unit of projected coordinates ("metre", "foot", "US survey foot"…). */
  linearUnits?: string;
}

const USER_DEFINED = 32767;
const K = GEOKEY;

/**
 * Interprets GeoKeys as a CRS.
 *
 * - `epsg` is `ProjectedCSTypeGeoKey` for a projected model, `GeographicTypeGeoKey` for a
 *   geographic one (0 and 32767 mean "none"). A user-defined projection on a known geographic
 *   CRS, or a geocentric model, has no `epsg`: the geographic code does not name the whole CRS
 *   (GDAL agrees). Without `GTModelTypeGeoKey` the model is inferred from which of the two is set.
 * - `proj4` comes from {@link proj4FromEpsg} when `epsg` is set. For user-defined keys it is
 *   built the way GDAL 3.6 reads them: geographic, geocentric, UTM by `ProjectionGeoKey`, and
 *   `ProjCoordTransGeoKey` 1 (tmerc), 7 (merc), 8/9 (lcc 2SP/1SP), 10 (laea), 11 (aea),
 *   12 (aeqd), 13 (eqdc), 14 (stere), 15 (polar stere), 16 (sterea), 17 (eqc), 18 (cass),
 *   19 (gnom), 21 (ortho), 22 (poly), 23 (robin), 24 (sinu), 26 (nzmg), 28 (cea). Angles are
 *   taken as degrees, as GDAL does. A code that neither table resolves (an EPSG code outside
 *   the table, an unknown datum, ellipsoid or unit) leaves `proj4` undefined rather than guess.
 *
 * @example
 * ```ts
 * const keys = parseGeoKeys([1, 1, 0, 2, 1024, 0, 1, 1, 3072, 0, 1, 32633]);
 * crsFromGeoKeys(keys).proj4; // "+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs"
 * ```
 */
export function crsFromGeoKeys(keys: GeoKeys): CrsInfo {
  const info: CrsInfo = { rasterType: num(keys, K.GTRasterTypeGeoKey) === 2 ? "point" : "area" };
  const pcs = code(keys, K.ProjectedCSTypeGeoKey);
  const gcs = code(keys, K.GeographicTypeGeoKey);
  const modelType = modelTypeOf(num(keys, K.GTModelTypeGeoKey), pcs, gcs);
  if (modelType !== undefined) info.modelType = modelType;

  const epsg = modelType === "projected" ? pcs : modelType === "geographic" ? gcs : undefined;
  if (epsg !== undefined) info.epsg = epsg;

  let proj4: string | undefined;
  if (epsg !== undefined) proj4 = proj4FromEpsg(epsg);
  else if (modelType !== undefined && modelType !== "user-defined") proj4 = proj4FromKeys(keys, modelType);
  if (proj4 !== undefined) info.proj4 = proj4;

  const name = citationName(
    modelType === "projected" ? str(keys, K.PCSCitationGeoKey) : undefined,
    modelType === "geographic" ? str(keys, K.GeogCitationGeoKey) : undefined,
    str(keys, K.GTCitationGeoKey),
  );
  if (name !== undefined) info.name = name;

  if (modelType === "projected") {
    // An EPSG CRS's unit is the table's; otherwise ProjLinearUnitsGeoKey (metre by default).
    const tableUnit = /\+units=(\S+)/.exec(proj4 ?? "")?.[1];
    let unit: { name: string } | undefined;
    if (epsg === undefined) unit = linearUnits(keys);
    else if (tableUnit !== undefined) unit = linearUnit(tableUnit);
    else if (keys.has(K.ProjLinearUnitsGeoKey)) unit = linearUnits(keys);
    if (unit !== undefined) info.linearUnits = unit.name;
  }
  return info;
}

function modelTypeOf(model: number | undefined, pcs?: number, gcs?: number): CrsInfo["modelType"] {
  switch (model) {
    case 1:
      return "projected";
    case 2:
      return "geographic";
    case 3:
      return "geocentric";
    case USER_DEFINED:
      return "user-defined";
    default:
      return pcs !== undefined ? "projected" : gcs !== undefined ? "geographic" : undefined;
  }
}

function proj4FromKeys(keys: GeoKeys, model: "projected" | "geographic" | "geocentric"): string | undefined {
  const datum = datumParams(keys);
  if (datum === undefined) return undefined;
  if (model === "geographic") return `+proj=longlat ${datum} +no_defs`;
  if (model === "geocentric") return `+proj=geocent ${datum} +units=m +no_defs`;
  const unit = linearUnits(keys);
  if (unit === undefined) return undefined;
  const projection = projectionParams(keys, unit.metres);
  if (projection === undefined) return undefined;
  return `${projection} ${datum} ${unit.proj4} +no_defs`;
}

/** Datum, ellipsoid, towgs84 and prime meridian parameters of the geographic part. */
function datumParams(keys: GeoKeys): string | undefined {
  const pmCode = code(keys, K.GeogPrimeMeridianGeoKey);
  let pm: string | undefined;
  if (pmCode !== undefined && pmCode !== 8901) {
    pm = primeMeridianName(pmCode);
    if (pm === undefined) return undefined;
  } else if (pmCode === undefined) {
    const pmLong = num(keys, K.GeogPrimeMeridianLongGeoKey);
    if (pmLong !== undefined && pmLong !== 0) pm = fmt(pmLong);
  }
  const pmParam = pm === undefined ? [] : [`+pm=${pm}`];

  const gcs = code(keys, K.GeographicTypeGeoKey);
  const datum = gcs !== undefined ? geographicDatum(gcs) : code(keys, K.GeogGeodeticDatumGeoKey);
  if (gcs !== undefined && datum === undefined) return undefined;
  if (datum !== undefined) {
    // A known datum: GDAL ignores GeogTOWGS84GeoKey and the ellipsoid keys.
    const params = datumProj4(datum, pm === undefined);
    return params === undefined ? undefined : [params, ...pmParam].join(" ");
  }

  let ellipsoid: string | undefined;
  const a = num(keys, K.GeogSemiMajorAxisGeoKey);
  if (a !== undefined && a > 0) {
    const b = num(keys, K.GeogSemiMinorAxisGeoKey);
    let rf = num(keys, K.GeogInvFlatteningGeoKey);
    if (rf === undefined && b !== undefined && b !== a) rf = a / (a - b);
    const named = rf === undefined || rf === 0 ? undefined : namedEllipsoid(a, rf);
    if (named !== undefined) ellipsoid = `+ellps=${named}`;
    else ellipsoid = rf === undefined || rf === 0 ? `+R=${fmt(a)}` : `+a=${fmt(a)} +rf=${fmt(rf)}`;
  } else {
    const ellipsoidCode = code(keys, K.GeogEllipsoidGeoKey);
    ellipsoid = ellipsoidCode === undefined ? "+ellps=WGS84" : ellipsoidProj4(ellipsoidCode);
    if (ellipsoid === undefined) return undefined;
  }
  const params = [ellipsoid, ...pmParam];
  const towgs84 = keys.get(K.GeogTOWGS84GeoKey);
  if (Array.isArray(towgs84) && (towgs84.length === 3 || towgs84.length === 7)) {
    const seven = [...towgs84, 0, 0, 0, 0].slice(0, 7);
    params.push(`+towgs84=${seven.map(fmt).join(",")}`);
  }
  return params.join(" ");
}

/** The projected unit: a known `ProjLinearUnitsGeoKey`, or user-defined with its size in metres. */
function linearUnits(keys: GeoKeys): { name: string; metres: number; proj4: string } | undefined {
  const unitCode = num(keys, K.ProjLinearUnitsGeoKey);
  if (unitCode === undefined || unitCode === 0) return linearUnit(9001);
  if (unitCode !== USER_DEFINED) return linearUnit(unitCode);
  const size = num(keys, K.ProjLinearUnitSizeGeoKey);
  if (size === undefined || size === 1) return linearUnit(9001);
  if (!(size > 0)) return undefined;
  return { name: `unit of ${fmt(size)} m`, metres: size, proj4: `+to_meter=${fmt(size)}` };
}

/** Projection parameters `ProjCoordTransGeoKey` → [proj name, parameter list]. */
const METHODS: Record<number, readonly [string, string]> = {
  1: ["tmerc", "lat_0 lon_0 k x_0 y_0"],
  8: ["lcc", "lat_0 lon_0 lat_1 lat_2 x_0 y_0"],
  9: ["lcc", "lat_1=lat_0 lat_0 lon_0 k_0 x_0 y_0"],
  10: ["laea", "lat_0 lon_0 x_0 y_0"],
  11: ["aea", "lat_0 lon_0 lat_1 lat_2 x_0 y_0"],
  12: ["aeqd", "lat_0 lon_0 x_0 y_0"],
  13: ["eqdc", "lat_0 lon_0 lat_1 lat_2 x_0 y_0"],
  14: ["stere", "lat_0 lon_0 k x_0 y_0"],
  16: ["sterea", "lat_0 lon_0 k x_0 y_0"],
  17: ["eqc", "lat_ts=lat_1 lat_0 lon_0 x_0 y_0"],
  18: ["cass", "lat_0 lon_0 x_0 y_0"],
  19: ["gnom", "lat_0 lon_0 x_0 y_0"],
  21: ["ortho", "lat_0 lon_0 x_0 y_0"],
  22: ["poly", "lat_0 lon_0 x_0 y_0"],
  23: ["robin", "lon_0 x_0 y_0"],
  24: ["sinu", "lon_0 x_0 y_0"],
  26: ["nzmg", "lat_0 lon_0 x_0 y_0"],
  28: ["cea", "lat_ts=lat_1 lon_0 x_0 y_0"],
};

function projectionParams(keys: GeoKeys, metres: number): string | undefined {
  const projection = num(keys, K.ProjectionGeoKey) ?? 0;
  if (projection >= 16001 && projection <= 16060) return `+proj=utm +zone=${projection - 16000}`;
  if (projection >= 16101 && projection <= 16160) return `+proj=utm +zone=${projection - 16100} +south`;
  const method = num(keys, K.ProjCoordTransGeoKey);
  if (method === undefined) return undefined;
  // Parameter lookup with libgeotiff's fallbacks between natural origin, false origin and centre.
  const first = (fallback: number, ...ids: number[]) => {
    for (const id of ids) {
      const v = num(keys, id);
      if (v !== undefined) return v;
    }
    return fallback;
  };
  let lon0 = first(0, K.ProjNatOriginLongGeoKey, K.ProjFalseOriginLongGeoKey, K.ProjCenterLongGeoKey);
  const p: Record<string, number> = {
    lat_0: first(0, K.ProjNatOriginLatGeoKey, K.ProjFalseOriginLatGeoKey, K.ProjCenterLatGeoKey),
    lon_0: lon0,
    lat_1: first(0, K.ProjStdParallel1GeoKey),
    lat_2: first(0, K.ProjStdParallel2GeoKey),
    k: first(1, K.ProjScaleAtNatOriginGeoKey, K.ProjScaleAtCenterGeoKey),
    x_0: first(0, K.ProjFalseEastingGeoKey, K.ProjCenterEastingGeoKey, K.ProjFalseOriginEastingGeoKey) * metres,
    y_0: first(0, K.ProjFalseNorthingGeoKey, K.ProjCenterNorthingGeoKey, K.ProjFalseOriginNorthingGeoKey) * metres,
  };
  p.k_0 = p.k;
  if (method === 1 && p.lat_0 === 0 && p.k === 0.9996 && p.x_0 === 500000 && (p.y_0 === 0 || p.y_0 === 1e7)) {
    // PROJ prints a transverse mercator with UTM parameters as +proj=utm (Conversion::isUTM).
    const zone = (lon0 + 183) / 6;
    if (zone > 0.9 && zone < 60.1 && Math.abs(zone - Math.round(zone)) < 1e-10) {
      return `+proj=utm +zone=${Math.round(zone)}${p.y_0 === 0 ? "" : " +south"}`;
    }
  }
  let spec = METHODS[method];
  if (method === 7) {
    // Mercator: 2SP when a standard parallel is given, else 1SP with a scale factor.
    const twoSP = num(keys, K.ProjStdParallel1GeoKey) !== undefined;
    spec = ["merc", twoSP ? "lat_ts=lat_1 lon_0 x_0 y_0" : "lon_0 k x_0 y_0"];
  } else if (method === 15) {
    // Polar stereographic: variant A (scale at the pole) when the origin latitude is a pole,
    // else variant B with the origin latitude as latitude of true scale.
    lon0 = first(lon0, K.ProjStraightVertPoleLongGeoKey);
    p.lon_0 = lon0;
    const lat = p.lat_0;
    if (Math.abs(lat) === 90) spec = ["stere", "lat_0 lon_0 k x_0 y_0"];
    else {
      p.lat_ts = lat;
      p.lat_0 = lat < 0 ? -90 : 90;
      spec = ["stere", "lat_0 lat_ts=lat_ts lon_0 x_0 y_0"];
    }
  }
  if (spec === undefined) return undefined;
  const params = spec[1].split(" ").map((item) => {
    const [name, source] = item.split("=") as [string, string | undefined];
    return `+${name}=${fmt(p[source ?? name])}`;
  });
  return [`+proj=${spec[0]}`, ...params].join(" ");
}

/** The name in a citation: GDAL's "PCS Name = ", "GCS Name = " and ESRI PE string forms. */
function citationName(...citations: Array<string | undefined>): string | undefined {
  for (const citation of citations) {
    if (citation === undefined) continue;
    const pe = /ESRI PE String = (?:PROJCS|GEOGCS)\["([^"]*)"/.exec(citation);
    const named = /(?:PCS|GCS) Name = ([^|]*)/.exec(citation);
    const name = (pe?.[1] ?? named?.[1] ?? citation).trim();
    if (name !== "") return name;
  }
  return undefined;
}

/** Numbers as GDAL prints them: 15 significant digits. */
function fmt(v: number): string {
  return String(Number(v.toPrecision(15)));
}

function num(keys: GeoKeys, id: number): number | undefined {
  const v = keys.get(id);
  const n = Array.isArray(v) ? v[0] : v;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** A code key, with 0 (undefined) and 32767 (user-defined) read as absent. */
function code(keys: GeoKeys, id: number): number | undefined {
  const v = num(keys, id);
  return v === undefined || v === 0 || v === USER_DEFINED ? undefined : v;
}

function str(keys: GeoKeys, id: number): string | undefined {
  const v = keys.get(id);
  return typeof v === "string" ? v : undefined;
}
