/** The files mutations start from: every TIFF of the shared corpus and of test/fixtures. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Every TIFF of the corpus and the fixtures: the seeds mutations start from. */
export function seedFiles(): string[] {
  const corpus = resolve(ROOT, "../shared/corpus");
  const files: string[] = [];
  if (existsSync(join(corpus, "MANIFEST.tsv"))) {
    const rows = readFileSync(join(corpus, "MANIFEST.tsv"), "utf8").trim().split("\n").slice(1);
    for (const row of rows) files.push(join(corpus, row.split("\t")[0]));
  }
  const fixtures = join(ROOT, "test/fixtures");
  for (const f of readdirSync(fixtures)) if (f.endsWith(".tif")) files.push(join(fixtures, f));
  if (files.length === 0) throw new Error("no seed files: neither ../shared/corpus nor test/fixtures has TIFFs");
  return files.sort();
}

