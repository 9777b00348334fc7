/** The files mutations start from: every TIFF of the shared corpus and of test/fixtures. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Every TIFF of the corpus and the fixtures: the seeds mutations start from. */
export function seedFiles(): string[] {
  const corpus = resolve(ROOT, "../shared/corpus");
  const names: string[] = [];
  if (existsSync(join(corpus, "MANIFEST.tsv"))) {
    const rows = readFileSync(join(corpus, "MANIFEST.tsv"), "utf8").trim().split("\n").slice(1);
    names.push(...rows.map((row) => row.split("\t")[0]).sort());
  }
  const fixtures = join(ROOT, "test/fixtures");
  const own = readdirSync(fixtures).filter((f) => f.endsWith(".tif")).sort();
  if (names.length + own.length === 0) throw new Error("no seed files: neither ../shared/corpus nor test/fixtures has TIFFs");
  // The corpus, then the fixtures, each in name order: the same list (so the same cases for a
  // seed) wherever the repository is checked out.
  return [...names.map((n) => join(corpus, n)), ...own.map((f) => join(fixtures, f))];
}

