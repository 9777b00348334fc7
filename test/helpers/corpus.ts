import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The shared conformance corpus, beside the repository (read its README). */
export const CORPUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../shared/corpus");

export interface CorpusEntry {
  path: string;
  expect: "ok" | "must_fail" | "gdal_cannot_decode";
  description: string;
  bytes: number;
}

/** Rows of MANIFEST.tsv. Throws when the corpus is missing: the suite must not pass silently. */
export function corpusEntries(): CorpusEntry[] {
  const manifest = join(CORPUS_DIR, "MANIFEST.tsv");
  if (!existsSync(manifest)) throw new Error(`conformance corpus not found at ${CORPUS_DIR}`);
  const [header, ...rows] = readFileSync(manifest, "utf8").trim().split("\n");
  const cols = header.split("\t");
  return rows.map((row) => {
    const cells = row.split("\t");
    const get = (name: string) => cells[cols.indexOf(name)];
    return {
      path: get("path"),
      expect: get("expect") as CorpusEntry["expect"],
      description: get("description"),
      bytes: Number(get("bytes")),
    };
  });
}

/** The GDAL oracle JSON of a corpus file. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function oracle(path: string): any {
  return JSON.parse(readFileSync(join(CORPUS_DIR, "oracle", `${path}.json`), "utf8"));
}

/** Absolute path of a corpus file. */
export function corpusFile(path: string): string {
  return join(CORPUS_DIR, path);
}

/** The EPSG code of the CRS in a gdalinfo WKT2 string: its last, top-level ID. */
export function wktEpsg(wkt: string | undefined): number | undefined {
  const m = /ID\["EPSG",(\d+)\]\]\s*$/.exec(wkt ?? "");
  return m ? Number(m[1]) : undefined;
}

/** GDAL data type names of our dtypes, as GDAL 3.6 reports them. */
export const GDAL_TYPE: Record<string, string[]> = {
  uint8: ["Byte"],
  int8: ["Byte", "Int8"],
  uint16: ["UInt16"],
  int16: ["Int16"],
  uint32: ["UInt32"],
  int32: ["Int32"],
  uint64: ["UInt64"],
  int64: ["Int64"],
  float16: ["Float32"],
  float32: ["Float32"],
  float64: ["Float64"],
  complex_int16: ["CInt16"],
  complex_int32: ["CInt32"],
  complex64: ["CFloat32"],
  complex128: ["CFloat64"],
};
