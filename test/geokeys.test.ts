import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CogError, isCogError } from "../src/errors.js";
import { GEOKEY, parseGeoKeys } from "../src/tiff/geokeys.js";

/** GeoTIFF tags of the oracle's `tiff.ifds[0].geotiff`. */
interface OracleGeoTiff {
  GeoKeyDirectory?: {
    version: number[];
    keys: Array<{ key: number; location: number; count: number; value_or_offset: number }>;
  };
  GeoDoubleParams?: number[];
  GeoAsciiParams?: string;
}

const ORACLE = fileURLToPath(new URL("../../shared/corpus/oracle/", import.meta.url));

/** Corpus files with a GeoKeyDirectory, as [path relative to oracle/, geotiff tags]. */
function corpusGeoKeys(): Array<[string, OracleGeoTiff]> {
  if (!existsSync(ORACLE)) return [];
  const out: Array<[string, OracleGeoTiff]> = [];
  for (const entry of readdirSync(ORACLE, { recursive: true, encoding: "utf8" }).sort()) {
    if (!entry.endsWith(".json")) continue;
    const oracle = JSON.parse(readFileSync(join(ORACLE, entry), "utf8"));
    const geo: OracleGeoTiff | undefined = oracle.tiff?.ifds?.[0]?.geotiff;
    if (geo?.GeoKeyDirectory !== undefined) out.push([entry.replace(/\.json$/, ""), geo]);
  }
  return out;
}

/** The raw uint16 GeoKeyDirectoryTag values, rebuilt from the oracle's decoded form. */
function rawDirectory(geo: OracleGeoTiff): number[] {
  const dir = geo.GeoKeyDirectory!;
  return [
    ...dir.version,
    dir.keys.length,
    ...dir.keys.flatMap((k) => [k.key, k.location, k.count, k.value_or_offset]),
  ];
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

const CORPUS = corpusGeoKeys();

describe.runIf(CORPUS.length > 0)("parseGeoKeys on the corpus", () => {
  it("finds the corpus GeoKey directories", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(50);
  });

  it.each(CORPUS)("%s: every key decodes to the value its location names", (_file, geo) => {
    const keys = parseGeoKeys(rawDirectory(geo), geo.GeoDoubleParams, geo.GeoAsciiParams);
    const entries = geo.GeoKeyDirectory!.keys;
    expect(keys.size).toBe(new Set(entries.map((k) => k.key)).size);
    for (const k of entries) {
      const value = keys.get(k.key);
      if (k.location === 0) expect(value).toBe(k.value_or_offset);
      else if (k.location === 34736) {
        const doubles = geo.GeoDoubleParams!.slice(k.value_or_offset, k.value_or_offset + k.count);
        expect(value).toEqual(k.count === 1 ? doubles[0] : doubles);
      } else if (k.location === 34737) {
        expect(typeof value).toBe("string");
        expect(geo.GeoAsciiParams!.slice(k.value_or_offset, k.value_or_offset + k.count)).toBe(`${value}|`);
      } else throw new Error(`unexpected location ${k.location}`);
    }
  });

  it("decodes gdal__byte_user_defined_geokeys.tif", () => {
    const geo = CORPUS.find(([f]) => f.endsWith("gdal__byte_user_defined_geokeys.tif"))![1];
    const keys = parseGeoKeys(rawDirectory(geo), geo.GeoDoubleParams, geo.GeoAsciiParams);
    expect(keys.get(GEOKEY.GTModelTypeGeoKey)).toBe(1);
    expect(keys.get(GEOKEY.GeographicTypeGeoKey)).toBe(32767);
    expect(keys.get(GEOKEY.GeogCitationGeoKey)).toBe("unnamed ellipse");
    expect(keys.get(GEOKEY.PCSCitationGeoKey)).toBe("undefined");
    expect(keys.get(GEOKEY.GeogSemiMajorAxisGeoKey)).toBe(6378137);
    expect(keys.get(GEOKEY.GeogInvFlatteningGeoKey)).toBe(298.257222932958);
    expect(keys.get(GEOKEY.GeogTOWGS84GeoKey)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(keys.get(GEOKEY.ProjCoordTransGeoKey)).toBe(1);
    expect(keys.get(GEOKEY.ProjNatOriginLongGeoKey)).toBe(13.80915679);
    expect(keys.get(GEOKEY.ProjNatOriginLatGeoKey)).toBe(52.48504474);
    expect(keys.get(GEOKEY.ProjFalseEastingGeoKey)).toBe(48240.903);
    expect(keys.get(GEOKEY.ProjScaleAtNatOriginGeoKey)).toBe(1);
  });

  it("keeps the inner '|' of an ESRI-style citation and strips only the terminator", () => {
    const geo = CORPUS.find(([f]) => f.endsWith("gdal__ycbcr_with_mask.tif"))![1];
    const keys = parseGeoKeys(rawDirectory(geo), geo.GeoDoubleParams, geo.GeoAsciiParams);
    expect(keys.get(GEOKEY.GTCitationGeoKey)).toBe("unnamed");
    expect(keys.get(GEOKEY.GeogCitationGeoKey)).toBe(
      "GCS Name = WGS 84|Datum = unknown|Ellipsoid = WGS84|Primem = Greenwich|",
    );
  });
});

describe("parseGeoKeys", () => {
  const header = (n: number) => [1, 1, 0, n];

  it("reads inline, double, ASCII and directory-located values", () => {
    const dir = [
      ...header(5),
      ...[1024, 0, 1, 2],
      ...[1026, 34737, 6, 0],
      ...[2057, 34736, 1, 1],
      ...[2062, 34736, 3, 0],
      ...[4000, 34735, 2, 24],
      ...[7, 8],
    ];
    const parsed = parseGeoKeys(Uint16Array.from(dir), Float64Array.from([1.5, 2.5, 3.5]), "hello|");
    expect([...parsed]).toEqual([
      [1024, 2],
      [1026, "hello"],
      [2057, 2.5],
      [2062, [1.5, 2.5, 3.5]],
      [4000, [7, 8]],
    ]);
  });

  it("throws COG_FORMAT with tag 34735 on a truncated directory", () => {
    for (const dir of [[], [1, 1, 0], [...header(2), 1024, 0, 1, 1], [...header(1), 1024, 0, 1]]) {
      const e = thrown(() => parseGeoKeys(dir));
      expect(isCogError(e, "COG_FORMAT")).toBe(true);
      expect((e as CogError).context.tag).toBe(34735);
    }
  });

  it("throws COG_FORMAT on a NumberOfKeys that is not a count", () => {
    for (const n of [Number.NaN, -1, 1.5]) {
      expect(isCogError(thrown(() => parseGeoKeys([1, 1, 0, n, 1024, 0, 1, 1])), "COG_FORMAT")).toBe(true);
    }
  });

  it("throws COG_UNSUPPORTED on a KeyDirectoryVersion other than 1", () => {
    const e = thrown(() => parseGeoKeys([2, 1, 0, 0]));
    expect(isCogError(e, "COG_UNSUPPORTED")).toBe(true);
    expect((e as CogError).context.tag).toBe(34735);
  });

  it("skips a key whose values lie past the arrays, keeping the others", () => {
    const dir = [
      ...header(6),
      ...[1024, 0, 1, 1],
      ...[2057, 34736, 1, 3], // doubles has 3 values: index 3 is past the end
      ...[2062, 34736, 3, 1], // 1..3 is past the end
      ...[1026, 34737, 10, 0], // ASCII has 6 chars
      ...[3073, 34737, 3, 100],
      ...[4000, 34735, 4, 28], // directory has 28 values
    ];
    const keys = parseGeoKeys(dir, [1, 2, 3], "abcde|");
    expect([...keys]).toEqual([[1024, 1]]);
  });

  it("skips double and ASCII keys when their tag is missing", () => {
    const keys = parseGeoKeys([...header(3), 1024, 0, 1, 2, 2057, 34736, 1, 0, 1026, 34737, 2, 0]);
    expect([...keys]).toEqual([[1024, 2]]);
  });

  it("skips unknown locations, zero counts and negative offsets", () => {
    const dir = [...header(4), 1024, 0, 1, 1, 2057, 34736, 0, 0, 2058, 33550, 1, 0, 2059, 34736, 1, -1];
    expect([...parseGeoKeys(dir, [6378137], "x|")]).toEqual([[1024, 1]]);
  });

  it("accepts an ASCII count one past the text, as libgeotiff does", () => {
    const keys = parseGeoKeys([...header(2), 1026, 34737, 4, 0, 3073, 34737, 5, 4], undefined, "abc|defg");
    expect(keys.get(1026)).toBe("abc");
    expect(keys.get(3073)).toBe("defg");
  });

  it("keeps the first of repeated key ids", () => {
    const keys = parseGeoKeys([...header(2), 1024, 0, 1, 1, 1024, 0, 1, 2]);
    expect(keys.get(1024)).toBe(1);
  });

  it("reads an empty directory", () => {
    expect(parseGeoKeys([1, 1, 0, 0]).size).toBe(0);
  });

  it("never throws anything but a CogError on random input", () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    const pick = () => [0, 1, 4, 34735, 34736, 34737, 65535][rand(7)];
    for (let i = 0; i < 3000; i++) {
      const dir = [1, 1, 0, rand(6)];
      const len = rand(28);
      for (let j = 0; j < len; j++) dir.push(j % 4 === 1 ? pick() : rand(j % 4 === 3 ? 40 : 8) + (j % 4 === 0 ? 1024 : 0));
      const doubles = Array.from({ length: rand(10) }, () => rand(1000) / 7);
      const ascii = "ab|cdef|ghij|".slice(0, rand(14));
      try {
        const keys = parseGeoKeys(dir, rand(4) === 0 ? undefined : doubles, rand(4) === 0 ? undefined : ascii);
        for (const v of keys.values()) {
          expect(typeof v === "number" || typeof v === "string" || Array.isArray(v)).toBe(true);
        }
      } catch (e) {
        expect(e).toBeInstanceOf(CogError);
        expect((e as CogError).code).toBe("COG_FORMAT");
      }
    }
  });
});

describe("GEOKEY", () => {
  it("has the GeoTIFF key ids", () => {
    expect(GEOKEY).toMatchObject({
      GTModelTypeGeoKey: 1024,
      GTRasterTypeGeoKey: 1025,
      GTCitationGeoKey: 1026,
      GeographicTypeGeoKey: 2048,
      GeogCitationGeoKey: 2049,
      GeogGeodeticDatumGeoKey: 2050,
      GeogPrimeMeridianGeoKey: 2051,
      GeogLinearUnitsGeoKey: 2052,
      GeogAngularUnitsGeoKey: 2054,
      GeogEllipsoidGeoKey: 2056,
      GeogSemiMajorAxisGeoKey: 2057,
      GeogSemiMinorAxisGeoKey: 2058,
      GeogInvFlatteningGeoKey: 2059,
      GeogTOWGS84GeoKey: 2062,
      ProjectedCSTypeGeoKey: 3072,
      PCSCitationGeoKey: 3073,
      ProjectionGeoKey: 3074,
      ProjCoordTransGeoKey: 3075,
      ProjLinearUnitsGeoKey: 3076,
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
      VerticalCSTypeGeoKey: 4096,
      VerticalUnitsGeoKey: 4099,
    });
  });
});
