/**
 * Offline EPSG tables: proj4 definitions of common CRS codes, plus the datum, ellipsoid, prime
 * meridian and unit codes that user-defined GeoKeys refer to.
 *
 * Every proj4 string here is what GDAL 3.6 / PROJ 9.1 prints for the code
 * (`gdalsrsinfo -o proj4 EPSG:N`); `test/fixtures/crs/make_expected.py` regenerates the
 * reference and `test/crs.test.ts` checks each code against it.
 */

const T0 = "+towgs84=0,0,0,0,0,0,0";

/**
 * Datum code → [ellipsoid code, proj4 `+datum` name]. Only WGS84, NAD83 and NAD27 have a proj4
 * `+datum`; the others are written as their ellipsoid, as GDAL does for user-defined CRSs.
 */
const DATUMS: Record<number, readonly [number, string?]> = {
  6326: [7030, "WGS84"], 6269: [7019, "NAD83"], 6267: [7008, "NAD27"],
  // ETRS89, NZGD2000, GDA94, GDA2020, NAD83(CSRS), RGF93, SWEREF99, SIRGAS 2000, JGD2000, "GRS80"
  6258: [7019], 6167: [7019], 6283: [7019], 1168: [7019], 6140: [7019], 6171: [7019], 6619: [7019],
  6674: [7019], 6612: [7019], 6019: [7019],
  // Hartebeesthoek94, ED50, OSGB36, DHDN, MGI, WGS 72, Pulkovo 1942, AGD66, AGD84, authalic sphere
  6148: [7030], 6230: [7022], 6277: [7001], 6314: [7004], 6312: [7004], 6322: [7043], 6284: [7024],
  6202: [7003], 6203: [7003], 6047: [7048],
};

/** Ellipsoid code → proj4 ellipsoid parameters. */
const ELLIPSOIDS: Record<number, string> = {
  7030: "+ellps=WGS84", 7019: "+ellps=GRS80", 7008: "+ellps=clrk66", 7004: "+ellps=bessel",
  7022: "+ellps=intl", 7001: "+ellps=airy", 7043: "+ellps=WGS72", 7024: "+ellps=krass",
  7003: "+ellps=aust_SA", 7011: "+ellps=clrk80ign", 7048: "+R=6371007",
};

/** Geographic CRS code → [datum code, `+towgs84` GDAL adds when exporting the EPSG CRS itself]. */
const GEOGRAPHIC: Record<number, readonly [number, string?]> = {
  4326: [6326], 4269: [6269], 4267: [6267], 4283: [6283], 7844: [1168], 4617: [6140], 4019: [6019],
  4258: [6258, T0], 4167: [6167, T0], 4171: [6171, T0], 4619: [6619, T0], 4674: [6674, T0],
  4612: [6612, T0], 4148: [6148, T0],
  4230: [6230], 4277: [6277], 4322: [6322], 4202: [6202], 4203: [6203], 4047: [6047],
  4314: [6314, "+towgs84=598.1,73.7,418.2,0.202,0.045,-2.455,6.7"],
  4312: [6312, "+towgs84=577.326,90.129,463.919,5.137,1.474,5.297,2.4232"],
  4284: [6284, "+towgs84=25,-141,-78.5,0,0.35,0.736,0"],
};

const WEB_MERCATOR =
  "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs";
const WGS84 = "+datum=WGS84 +units=m +no_defs";
const NAD83 = "+datum=NAD83 +units=m +no_defs";
const GRS80 = "+ellps=GRS80 +units=m +no_defs";
const GRS80_T0 = `+ellps=GRS80 ${T0} +units=m +no_defs`;

/** Projected CRSs other than the UTM series, verbatim from GDAL. */
const PROJECTED: Record<number, string> = {
  3857: WEB_MERCATOR,
  3785: WEB_MERCATOR, // deprecated, replaced by 3857
  900913: WEB_MERCATOR, // unofficial Google code
  3395: `+proj=merc +lon_0=0 +k=1 +x_0=0 +y_0=0 ${WGS84}`,
  3832: `+proj=merc +lon_0=150 +k=1 +x_0=0 +y_0=0 ${WGS84}`,
  4087: `+proj=eqc +lat_ts=0 +lat_0=0 +lon_0=0 +x_0=0 +y_0=0 ${WGS84}`,
  32662: `+proj=eqc +lat_ts=0 +lat_0=0 +lon_0=0 +x_0=0 +y_0=0 ${WGS84}`,
  6933: `+proj=cea +lat_ts=30 +lon_0=0 +x_0=0 +y_0=0 ${WGS84}`,
  8857: `+proj=eqearth +lon_0=0 +x_0=0 +y_0=0 ${WGS84}`,
  3413: `+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +x_0=0 +y_0=0 ${WGS84}`,
  3031: `+proj=stere +lat_0=-90 +lat_ts=-71 +lon_0=0 +x_0=0 +y_0=0 ${WGS84}`,
  3976: `+proj=stere +lat_0=-90 +lat_ts=-70 +lon_0=0 +x_0=0 +y_0=0 ${WGS84}`,
  3996: `+proj=stere +lat_0=90 +lat_ts=75 +lon_0=0 +x_0=0 +y_0=0 ${WGS84}`,
  5041: `+proj=stere +lat_0=90 +lon_0=0 +k=0.994 +x_0=2000000 +y_0=2000000 ${WGS84}`,
  5042: `+proj=stere +lat_0=-90 +lon_0=0 +k=0.994 +x_0=2000000 +y_0=2000000 ${WGS84}`,
  3575: `+proj=laea +lat_0=90 +lon_0=10 +x_0=0 +y_0=0 ${WGS84}`,
  3035: `+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 ${GRS80}`,
  3034: `+proj=lcc +lat_0=52 +lon_0=10 +lat_1=35 +lat_2=65 +x_0=4000000 +y_0=2800000 ${GRS80}`,
  2154: `+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 ${GRS80_T0}`,
  27700: "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +units=m +no_defs",
  2193: `+proj=tmerc +lat_0=0 +lon_0=173 +k=0.9996 +x_0=1600000 +y_0=10000000 ${GRS80_T0}`,
  2180: `+proj=tmerc +lat_0=0 +lon_0=19 +k=0.9993 +x_0=500000 +y_0=-5300000 ${GRS80_T0}`,
  3067: `+proj=utm +zone=35 ${GRS80_T0}`,
  3006: `+proj=utm +zone=33 ${GRS80_T0}`,
  31467:
    "+proj=tmerc +lat_0=0 +lon_0=9 +k=1 +x_0=3500000 +y_0=0 +ellps=bessel +towgs84=598.1,73.7,418.2,0.202,0.045,-2.455,6.7 +units=m +no_defs",
  31468:
    "+proj=tmerc +lat_0=0 +lon_0=12 +k=1 +x_0=4500000 +y_0=0 +ellps=bessel +towgs84=598.1,73.7,418.2,0.202,0.045,-2.455,6.7 +units=m +no_defs",
  2056:
    "+proj=somerc +lat_0=46.9524055555556 +lon_0=7.43958333333333 +k_0=1 +x_0=2600000 +y_0=1200000 +ellps=bessel +towgs84=674.374,15.056,405.346,0,0,0,0 +units=m +no_defs",
  21781:
    "+proj=somerc +lat_0=46.9524055555556 +lon_0=7.43958333333333 +k_0=1 +x_0=600000 +y_0=200000 +ellps=bessel +towgs84=674.374,15.056,405.346,0,0,0,0 +units=m +no_defs",
  28992:
    "+proj=sterea +lat_0=52.1561605555556 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel +units=m +no_defs",
  5070: `+proj=aea +lat_0=23 +lon_0=-96 +lat_1=29.5 +lat_2=45.5 +x_0=0 +y_0=0 ${NAD83}`,
  3338: `+proj=aea +lat_0=50 +lon_0=-154 +lat_1=55 +lat_2=65 +x_0=0 +y_0=0 ${NAD83}`,
  3310: `+proj=aea +lat_0=0 +lon_0=-120 +lat_1=34 +lat_2=40.5 +x_0=0 +y_0=-4000000 ${NAD83}`,
  3005: `+proj=aea +lat_0=45 +lon_0=-126 +lat_1=50 +lat_2=58.5 +x_0=1000000 +y_0=0 ${NAD83}`,
  3978: `+proj=lcc +lat_0=49 +lon_0=-95 +lat_1=49 +lat_2=77 +x_0=0 +y_0=0 ${NAD83}`,
  3577: `+proj=aea +lat_0=0 +lon_0=132 +lat_1=-18 +lat_2=-36 +x_0=0 +y_0=0 ${GRS80}`,
  3112: `+proj=lcc +lat_0=0 +lon_0=134 +lat_1=-18 +lat_2=-36 +x_0=0 +y_0=0 ${GRS80}`,
  2227:
    "+proj=lcc +lat_0=36.5 +lon_0=-120.5 +lat_1=38.4333333333333 +lat_2=37.0666666666667 +x_0=2000000.0001016 +y_0=500000.0001016 +datum=NAD83 +units=us-ft +no_defs",
  2263:
    "+proj=lcc +lat_0=40.1666666666667 +lon_0=-74 +lat_1=41.0333333333333 +lat_2=40.6666666666667 +x_0=300000 +y_0=0 +datum=NAD83 +units=us-ft +no_defs",
};

/** UTM series: [first code, last code, first zone, south, datum part]. */
const UTM_SERIES: ReadonlyArray<readonly [number, number, number, boolean, string]> = [
  [32601, 32660, 1, false, "+datum=WGS84"],
  [32701, 32760, 1, true, "+datum=WGS84"],
  [26901, 26923, 1, false, "+datum=NAD83"],
  [26703, 26722, 3, false, "+datum=NAD27"],
  // ETRS89: GDAL attaches a null towgs84 to every zone but 38N (outside the ETRS89 area of use).
  [25828, 25837, 28, false, `+ellps=GRS80 ${T0}`],
  [25838, 25838, 38, false, "+ellps=GRS80"],
];

/**
 * proj4 definition of an EPSG code, from a built-in table (no network, no database).
 * Returns `undefined` for codes outside the table; {@link supportedEpsgCodes} lists them.
 *
 * @example
 * ```ts
 * proj4FromEpsg(32633); // "+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs"
 * proj4FromEpsg(12345); // undefined
 * ```
 */
export function proj4FromEpsg(code: number): string | undefined {
  const geog = GEOGRAPHIC[code];
  if (geog !== undefined) {
    const datum = datumProj4(geog[0]);
    return ["+proj=longlat", datum, geog[1], "+no_defs"].filter(Boolean).join(" ");
  }
  const projected = PROJECTED[code];
  if (projected !== undefined) return projected;
  for (const [first, last, zone0, south, datum] of UTM_SERIES) {
    if (code >= first && code <= last) {
      const zone = zone0 + code - first;
      return `+proj=utm +zone=${zone}${south ? " +south" : ""} ${datum} +units=m +no_defs`;
    }
  }
  return undefined;
}

/**
 * Every EPSG code {@link proj4FromEpsg} resolves, ascending.
 *
 * @example
 * ```ts
 * supportedEpsgCodes().includes(3857); // true
 * ```
 */
export function supportedEpsgCodes(): number[] {
  const codes = [...Object.keys(GEOGRAPHIC), ...Object.keys(PROJECTED)].map(Number);
  for (const [first, last] of UTM_SERIES) for (let c = first; c <= last; c++) codes.push(c);
  return codes.sort((a, b) => a - b);
}

/**
 * proj4 datum/ellipsoid parameters of a datum code (`+datum=WGS84`, `+ellps=GRS80`…), or
 * `undefined` if the datum is not in the table. With `greenwich = false` (a prime meridian
 * other than Greenwich) a `+datum` is written as its ellipsoid, as GDAL does.
 *
 * @example
 * ```ts
 * datumProj4(6267); // "+datum=NAD27"
 * datumProj4(6258); // "+ellps=GRS80"
 * ```
 * @internal
 */
export function datumProj4(datum: number, greenwich = true): string | undefined {
  const entry = DATUMS[datum];
  if (entry === undefined) return undefined;
  return entry[1] !== undefined && greenwich ? `+datum=${entry[1]}` : ELLIPSOIDS[entry[0]];
}

/**
 * Datum code of a geographic CRS code, or `undefined` if the code is not in the table.
 *
 * @example
 * ```ts
 * geographicDatum(4326); // 6326
 * ```
 * @internal
 */
export function geographicDatum(gcs: number): number | undefined {
  return GEOGRAPHIC[gcs]?.[0];
}

/**
 * proj4 parameters of an ellipsoid code (`+ellps=GRS80`), or `undefined` if unknown.
 *
 * @example
 * ```ts
 * ellipsoidProj4(7022); // "+ellps=intl"
 * ```
 * @internal
 */
export function ellipsoidProj4(ellipsoid: number): string | undefined {
  return ELLIPSOIDS[ellipsoid];
}

/** PROJ's named ellipsoids as [name, a, rf] (rf derived from b where PROJ defines b). */
const NAMED_ELLIPSOIDS: ReadonlyArray<readonly [string, number, number]> = [
  ["WGS84", 6378137, 298.257223563],
  ["GRS80", 6378137, 298.257222101],
  ["clrk66", 6378206.4, 6378206.4 / (6378206.4 - 6356583.8)],
  ["bessel", 6377397.155, 299.1528128],
  ["intl", 6378388, 297],
  ["airy", 6377563.396, 6377563.396 / (6377563.396 - 6356256.91)],
  ["WGS72", 6378135, 298.26],
  ["krass", 6378245, 298.3],
  ["aust_SA", 6378160, 298.25],
  ["clrk80ign", 6378249.2, 6378249.2 / (6378249.2 - 6356515)],
];

/**
 * PROJ's name for an ellipsoid given by semi-major axis and inverse flattening, when it is one
 * of PROJ's well-known ellipsoids (relative tolerance 1e-10, as PROJ uses), else `undefined`.
 *
 * @example
 * ```ts
 * namedEllipsoid(6378137, 298.257223563); // "WGS84"
 * ```
 * @internal
 */
export function namedEllipsoid(a: number, rf: number): string | undefined {
  const close = (x: number, y: number) => Math.abs(x - y) <= 1e-10 * Math.abs(y);
  return NAMED_ELLIPSOIDS.find(([, ea, erf]) => close(a, ea) && close(rf, erf))?.[0];
}

/** Prime meridian code → PROJ name. */
const PRIME_MERIDIANS: Record<number, string> = {
  8902: "lisbon", 8903: "paris", 8904: "bogota", 8905: "madrid", 8906: "rome", 8907: "bern",
  8908: "jakarta", 8909: "ferro", 8910: "brussels", 8911: "stockholm", 8912: "athens", 8913: "oslo",
};

/**
 * PROJ name of a prime meridian code other than Greenwich (8901), or `undefined`.
 *
 * @example
 * ```ts
 * primeMeridianName(8903); // "paris"
 * ```
 * @internal
 */
export function primeMeridianName(code: number): string | undefined {
  return PRIME_MERIDIANS[code];
}

/**
 * A linear unit: its name, its size in metres, and its proj4 parameter.
 *
 * @example
 * ```ts
 * const foot: LinearUnit = { name: "foot", metres: 0.3048, proj4: "+units=ft" };
 * ```
 * @internal
 */
export interface LinearUnit {
  name: string;
  metres: number;
  proj4: string;
}

const LINEAR_UNITS: Record<number, LinearUnit> = {
  9001: { name: "metre", metres: 1, proj4: "+units=m" },
  9002: { name: "foot", metres: 0.3048, proj4: "+units=ft" },
  9003: { name: "US survey foot", metres: 1200 / 3937, proj4: "+units=us-ft" },
  9030: { name: "nautical mile", metres: 1852, proj4: "+units=kmi" },
  9036: { name: "kilometre", metres: 1000, proj4: "+units=km" },
};

/**
 * A linear unit by EPSG unit code (9001 metre, 9002 foot, 9003 US survey foot, 9030 nautical
 * mile, 9036 kilometre), or by its proj4 `+units` value.
 *
 * @example
 * ```ts
 * linearUnit(9003)?.metres; // 0.3048006096012192
 * linearUnit("us-ft")?.name; // "US survey foot"
 * ```
 * @internal
 */
export function linearUnit(code: number | string): LinearUnit | undefined {
  if (typeof code === "number") return LINEAR_UNITS[code];
  return Object.values(LINEAR_UNITS).find((u) => u.proj4 === `+units=${code}`);
}
