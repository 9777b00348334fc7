import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import { crsFromGeoKeys, proj4FromEpsg, supportedEpsgCodes } from "../src/tiff/crs.js";
import { GEOKEY, parseGeoKeys, type GeoKeys } from "../src/tiff/geokeys.js";
import { NO_CRS } from "../src/tiff/dataset.js";

/**
 * GDAL's answers, written by test/fixtures/crs/make_expected.py (GDAL 3.6.2 / PROJ 9.1.1):
 * `gdalsrsinfo -o proj4` of every code in the EPSG table, of every corpus file with GeoKeys, and
 * of synthetic GeoTIFFs built from the GeoKey directories stored alongside.
 */
interface GdalSrs {
  proj4: string | null;
  epsg: number | null;
  name: string | null;
}
interface Expected {
  epsg: Record<string, string>;
  corpus: Record<string, GdalSrs>;
  synthetic: Array<{ name: string; directory: number[]; doubles: number[]; ascii: string; gdal: GdalSrs }>;
}
const EXPECTED: Expected = JSON.parse(readFileSync(new URL("./fixtures/crs/expected.json", import.meta.url), "utf8"));

// ---- proj4 comparison ---------------------------------------------------------------------

/** `+name=value` parameters of a proj4 string (flags map to `true`). */
function parameters(def: string): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (const token of def.trim().split(/\s+/)) {
    const m = /^\+([^=]+)(?:=(.*))?$/.exec(token);
    if (m === null) throw new Error(`bad proj4 token ${token} in ${def}`);
    out.set(m[1], m[2] ?? true);
  }
  return out;
}

/** Differences between two proj4 strings, order-insensitive, numbers (and number lists) to 1e-9. */
function proj4Differences(ours: string, gdal: string): string[] {
  const a = parameters(ours);
  const b = parameters(gdal);
  const diffs: string[] = [];
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(name);
    const y = b.get(name);
    if (x === undefined || y === undefined) {
      diffs.push(`+${name}: ours ${x ?? "absent"}, GDAL ${y ?? "absent"}`);
      continue;
    }
    if (x === y) continue;
    const xs = typeof x === "string" ? x.split(",").map(Number) : [];
    const ys = typeof y === "string" ? y.split(",").map(Number) : [];
    const numeric = xs.length > 0 && xs.length === ys.length && [...xs, ...ys].every(Number.isFinite);
    if (!numeric || xs.some((v, i) => Math.abs(v - ys[i]) > 1e-9)) diffs.push(`+${name}: ours ${x}, GDAL ${y}`);
  }
  return diffs;
}

function expectSameProj4(ours: string | undefined, gdal: string): void {
  expect(ours, `GDAL: ${gdal}`).toBeDefined();
  expect(proj4Differences(ours!, gdal), `ours: ${ours}\nGDAL: ${gdal}`).toEqual([]);
}

/** Two lon/lat points near the projection origin (away from the poles). */
function samplePoints(def: string): Array<[number, number]> {
  const p = parameters(def);
  const num = (name: string) => (typeof p.get(name) === "string" ? Number(p.get(name)) : undefined);
  const zone = num("zone");
  const lon0 = zone !== undefined ? zone * 6 - 183 : (num("lon_0") ?? 0);
  const lat0 = Math.max(-75, Math.min(75, num("lat_0") ?? 0));
  return [
    [lon0 + 0.5, lat0 + 0.5],
    [lon0 - 1.5, lat0 - 1.25],
  ];
}

/**
 * Projecting points with our definition and with GDAL's gives the same coordinates (1e-6 m).
 * Where the proj4 package cannot run GDAL's own definition (it refuses UTM on a sphere), ours
 * must fail the same way.
 */
function expectSameTransform(ours: string, gdal: string): void {
  const geographic = ours.includes("+proj=longlat");
  let theirs: proj4.Converter;
  try {
    theirs = proj4(gdal);
  } catch (e) {
    expect(() => proj4(ours)).toThrow((e as Error).message);
    return;
  }
  const mine = proj4(ours);
  for (const point of samplePoints(gdal)) {
    const a = mine.forward(point);
    const b = theirs.forward(point);
    expect(a.every(Number.isFinite), `${ours} at ${point}`).toBe(true);
    const tolerance = geographic ? 1e-9 : 1e-6;
    expect(Math.abs(a[0] - b[0]), `x of ${point}`).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(a[1] - b[1]), `y of ${point}`).toBeLessThanOrEqual(tolerance);
  }
}

// ---- EPSG table ---------------------------------------------------------------------------

describe("proj4FromEpsg", () => {
  it("covers exactly the codes make_expected.py asked GDAL about", () => {
    expect(supportedEpsgCodes()).toEqual(
      Object.keys(EXPECTED.epsg)
        .map(Number)
        .sort((a, b) => a - b),
    );
    expect(supportedEpsgCodes().length).toBeGreaterThan(200);
  });

  it("matches gdalsrsinfo -o proj4 for every code, parameter by parameter", () => {
    const mismatches: string[] = [];
    for (const [code, gdal] of Object.entries(EXPECTED.epsg)) {
      const ours = proj4FromEpsg(Number(code));
      if (ours === undefined) mismatches.push(`${code}: missing`);
      else for (const d of proj4Differences(ours, gdal)) mismatches.push(`${code}: ${d}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("resolves the brief's codes", () => {
    for (const code of [4326, 4269, 4267, 4258, 3857, 900913, 32601, 32660, 32701, 32760, 26901, 26923]) {
      expect(proj4FromEpsg(code), String(code)).toBeDefined();
    }
    for (const code of [26703, 26722, 25828, 25838, 3395, 3035, 3413, 3031, 2154, 27700, 4087]) {
      expect(proj4FromEpsg(code), String(code)).toBeDefined();
    }
  });

  it("returns undefined outside the table", () => {
    for (const code of [0, 1, 32600, 32661, 26924, 26702, 25827, 32767, 23032, Number.NaN]) {
      expect(proj4FromEpsg(code)).toBeUndefined();
    }
  });
});

// ---- corpus -------------------------------------------------------------------------------

const ORACLE = fileURLToPath(new URL("../../shared/corpus/oracle/", import.meta.url));

interface CorpusCase {
  file: string;
  keys: GeoKeys;
  /** Top-level `ID["EPSG",N]` of GDAL's CRS WKT (or of its GCP CRS when the file has GCPs only). */
  gdalEpsg?: number;
  areaOrPoint?: string;
}

function corpusCases(): CorpusCase[] {
  if (!existsSync(ORACLE)) return [];
  const topEpsg = (wkt?: string) => {
    const m = /ID\["EPSG",(\d+)\]\]\s*$/.exec(wkt ?? "");
    return m === null ? undefined : Number(m[1]);
  };
  const out: CorpusCase[] = [];
  for (const entry of readdirSync(ORACLE, { recursive: true, encoding: "utf8" }).sort()) {
    if (!entry.endsWith(".json")) continue;
    const oracle = JSON.parse(readFileSync(join(ORACLE, entry), "utf8"));
    const geo = oracle.tiff?.ifds?.[0]?.geotiff;
    const dir = geo?.GeoKeyDirectory;
    if (dir === undefined) continue;
    const raw = [
      ...dir.version,
      dir.keys.length,
      ...dir.keys.flatMap((k: Record<string, number>) => [k.key, k.location, k.count, k.value_or_offset]),
    ];
    const info = oracle.gdalinfo ?? {};
    out.push({
      file: entry.replace(/\.json$/, ""),
      keys: parseGeoKeys(raw, geo.GeoDoubleParams, geo.GeoAsciiParams),
      gdalEpsg: topEpsg(info.coordinateSystem?.wkt) ?? topEpsg(info.gcps?.coordinateSystem?.wkt),
      areaOrPoint: info.metadata?.[""]?.AREA_OR_POINT,
    });
  }
  return out;
}

const CORPUS = corpusCases();

// Files where GDAL finds an EPSG code in user-defined keys and we do not: none. The corpus's
// user-defined files (gdal__byte_user_defined_geokeys, gdal__ycbcr_with_mask,
// rasterio__float_raster_with_nodata, rio-tiler__cog_nonearth) get no EPSG code from GDAL either,
// and rio-tiler__cog_gcps_ovr's EPSG:4326 (on its GCPs) is a plain GeographicTypeGeoKey.
describe.runIf(CORPUS.length > 0)("crsFromGeoKeys on the corpus", () => {
  it("finds the corpus files, most with an EPSG code", () => {
    expect(CORPUS.length).toBe(Object.keys(EXPECTED.corpus).length);
    expect(CORPUS.filter((c) => c.gdalEpsg !== undefined).length).toBeGreaterThanOrEqual(50);
    expect(CORPUS.filter((c) => c.gdalEpsg === undefined).map((c) => c.file)).toEqual([
      "gdal/gdal__byte_user_defined_geokeys.tif",
      "gdal/gdal__ycbcr_with_mask.tif",
      "rasterio/rasterio__float_raster_with_nodata.tif",
      "rio-tiler/rio-tiler__cog_nonearth.tif",
    ]);
  });

  it.each(CORPUS)("$file: EPSG, proj4, name and raster type agree with GDAL", (c) => {
    const crs = crsFromGeoKeys(c.keys);
    const gdal = EXPECTED.corpus[c.file];
    expect(gdal, "expected.json is stale: rerun make_expected.py").toBeDefined();
    expect(crs.epsg).toBe(c.gdalEpsg);
    if (gdal.proj4 !== null) {
      expectSameProj4(crs.proj4, gdal.proj4);
      if (c.gdalEpsg === undefined) expectSameTransform(crs.proj4!, gdal.proj4);
    } else {
      // GCPs only: GDAL puts the CRS on the GCPs, not the file.
      expect(crs.proj4).toBe(proj4FromEpsg(c.gdalEpsg!));
    }
    if (crs.name !== undefined && gdal.name !== null) expect(crs.name).toBe(gdal.name);
    if (c.areaOrPoint !== undefined) expect(crs.rasterType).toBe(c.areaOrPoint.toLowerCase());
    if (crs.modelType === "projected") expect(crs.linearUnits).toBe("metre");
  });

  it("reads the user-defined transverse mercator of gdal__byte_user_defined_geokeys.tif", () => {
    const crs = crsFromGeoKeys(CORPUS.find((c) => c.file.endsWith("gdal__byte_user_defined_geokeys.tif"))!.keys);
    expect(crs).toEqual({
      proj4:
        "+proj=tmerc +lat_0=52.48504474 +lon_0=13.80915679 +k=1 +x_0=48240.903 +y_0=53243.364 +a=6378137 +rf=298.257222932958 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
      name: "undefined",
      modelType: "projected",
      rasterType: "area",
      linearUnits: "metre",
    });
  });

  it("reads the non-Earth equirectangular of rio-tiler__cog_nonearth.tif", () => {
    const crs = crsFromGeoKeys(CORPUS.find((c) => c.file.endsWith("cog_nonearth.tif"))!.keys);
    expect(crs.proj4).toBe("+proj=eqc +lat_ts=0 +lat_0=0 +lon_0=180 +x_0=0 +y_0=0 +R=1560800 +units=m +no_defs");
    expect(crs.name).toBe("Equirectangular EUROPA");
  });
});

// ---- synthetic user-defined keys ----------------------------------------------------------

describe("crsFromGeoKeys on synthetic GeoTIFFs read by GDAL", () => {
  it("has the synthetic cases", () => {
    expect(EXPECTED.synthetic.length).toBeGreaterThan(100);
  });

  it.each(EXPECTED.synthetic)("$name", ({ directory, doubles, ascii, gdal }) => {
    const crs = crsFromGeoKeys(parseGeoKeys(directory, doubles, ascii));
    expect(crs.epsg ?? null).toBe(gdal.epsg);
    if (gdal.epsg !== null && proj4FromEpsg(gdal.epsg) === undefined) {
      // A real EPSG code outside the offline table: no proj4 rather than a guess.
      expect(crs.proj4).toBeUndefined();
      return;
    }
    expectSameProj4(crs.proj4, gdal.proj4!);
    expectSameTransform(crs.proj4!, gdal.proj4!);
    // GDAL names EPSG CRSs from its registry and unnamed user-defined ones from their datum.
    if (gdal.epsg === null && crs.name !== undefined) expect(crs.name).toBe(gdal.name);
  });
});

// ---- behaviour ----------------------------------------------------------------------------

describe("crsFromGeoKeys", () => {
  const keys = (...pairs: Array<[number, number | number[] | string]>): GeoKeys => new Map(pairs);
  const K = GEOKEY;

  it("reads an empty key set as an area raster with nothing else known", () => {
    expect(crsFromGeoKeys(new Map())).toEqual({ rasterType: "area" });
    // What readTiffDataset gives a file without GeoKeys, without loading this module.
    expect(crsFromGeoKeys(new Map())).toEqual(NO_CRS);
  });

  it("reads PixelIsPoint", () => {
    expect(crsFromGeoKeys(keys([K.GTRasterTypeGeoKey, 2])).rasterType).toBe("point");
  });

  it("takes the EPSG code of a projected CRS from ProjectedCSTypeGeoKey", () => {
    const crs = crsFromGeoKeys(keys([K.GTModelTypeGeoKey, 1], [K.ProjectedCSTypeGeoKey, 2227], [K.GeographicTypeGeoKey, 4269]));
    expect(crs).toMatchObject({ epsg: 2227, modelType: "projected", linearUnits: "US survey foot" });
    expect(crs.proj4).toContain("+units=us-ft");
  });

  it("gives no EPSG code to a user-defined projection on a known geographic CRS", () => {
    const crs = crsFromGeoKeys(
      keys([K.GTModelTypeGeoKey, 1], [K.GeographicTypeGeoKey, 4326], [K.ProjectedCSTypeGeoKey, 32767], [K.ProjectionGeoKey, 16033]),
    );
    expect(crs.epsg).toBeUndefined();
    expect(crs.proj4).toBe("+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs");
  });

  it("keeps an EPSG code outside the table without a proj4", () => {
    const crs = crsFromGeoKeys(keys([K.GTModelTypeGeoKey, 2], [K.GeographicTypeGeoKey, 4807]));
    expect(crs).toEqual({ epsg: 4807, modelType: "geographic", rasterType: "area" });
  });

  it("does not guess proj4 for unknown datum, ellipsoid, unit or method codes", () => {
    const base: Array<[number, number]> = [
      [K.GTModelTypeGeoKey, 1],
      [K.GeographicTypeGeoKey, 4326],
      [K.ProjectedCSTypeGeoKey, 32767],
      [K.ProjCoordTransGeoKey, 1],
    ];
    expect(crsFromGeoKeys(keys(...base)).proj4).toBeDefined();
    expect(crsFromGeoKeys(keys(...base, [K.ProjLinearUnitsGeoKey, 9099])).proj4).toBeUndefined();
    expect(crsFromGeoKeys(keys(...base, [K.ProjCoordTransGeoKey, 3])).proj4).toBeUndefined();
    expect(crsFromGeoKeys(keys(...base, [K.GeographicTypeGeoKey, 4807])).proj4).toBeUndefined();
    const geog: Array<[number, number]> = [
      [K.GTModelTypeGeoKey, 2],
      [K.GeographicTypeGeoKey, 32767],
    ];
    expect(crsFromGeoKeys(keys(...geog, [K.GeogGeodeticDatumGeoKey, 6001])).proj4).toBeUndefined();
    expect(crsFromGeoKeys(keys(...geog, [K.GeogEllipsoidGeoKey, 7099])).proj4).toBeUndefined();
    expect(crsFromGeoKeys(keys([K.GTModelTypeGeoKey, 32767])).proj4).toBeUndefined();
  });

  it("reads the model type, inferring it when GTModelTypeGeoKey is missing", () => {
    expect(crsFromGeoKeys(keys([K.GTModelTypeGeoKey, 3], [K.GeographicTypeGeoKey, 4326]))).toMatchObject({
      modelType: "geocentric",
      proj4: "+proj=geocent +datum=WGS84 +units=m +no_defs",
    });
    expect(crsFromGeoKeys(keys([K.GTModelTypeGeoKey, 32767])).modelType).toBe("user-defined");
    expect(crsFromGeoKeys(keys([K.ProjectedCSTypeGeoKey, 3857])).modelType).toBe("projected");
    expect(crsFromGeoKeys(keys([K.GeographicTypeGeoKey, 4326]))).toMatchObject({ modelType: "geographic", epsg: 4326 });
  });

  it("takes the name from the citation that fits the model", () => {
    const name = (...pairs: Array<[number, number | string]>) => crsFromGeoKeys(keys(...pairs)).name;
    expect(name([K.GTModelTypeGeoKey, 1], [K.PCSCitationGeoKey, "PCS Name = My PCS"], [K.GTCitationGeoKey, "x"])).toBe("My PCS");
    expect(name([K.GTModelTypeGeoKey, 2], [K.GeogCitationGeoKey, "GCS Name = My GCS|Datum = D"])).toBe("My GCS");
    expect(name([K.GTModelTypeGeoKey, 1], [K.GTCitationGeoKey, 'ESRI PE String = PROJCS["Pe Name",GEOGCS["g"]]'])).toBe("Pe Name");
    expect(name([K.GTModelTypeGeoKey, 1], [K.GeogCitationGeoKey, "WGS 84"])).toBeUndefined();
    expect(name([K.GTCitationGeoKey, "  "])).toBeUndefined();
  });

  it("ignores values of the wrong type", () => {
    const crs = crsFromGeoKeys(keys([K.GTModelTypeGeoKey, "1"], [K.GTRasterTypeGeoKey, [2, 1]], [K.ProjectedCSTypeGeoKey, "x"]));
    expect(crs).toEqual({ rasterType: "point" });
  });
});
