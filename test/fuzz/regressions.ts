/** The saved fuzz reproducers: test/fuzz-regressions/<kind>/<hash>.tif with a .json beside each. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REGRESSIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../fuzz-regressions");

/** One saved reproducer. */
export interface Reproducer {
  /** Path relative to {@link REGRESSIONS_DIR}. */
  file: string;
  kind: string;
  signature: string;
}

/** Every reproducer on disk. */
export function reproducers(): Reproducer[] {
  if (!existsSync(REGRESSIONS_DIR)) return [];
  const out: Reproducer[] = [];
  for (const kind of readdirSync(REGRESSIONS_DIR, { withFileTypes: true })) {
    if (!kind.isDirectory()) continue;
    for (const f of readdirSync(join(REGRESSIONS_DIR, kind.name))) {
      if (!f.endsWith(".json")) continue;
      const meta = JSON.parse(readFileSync(join(REGRESSIONS_DIR, kind.name, f), "utf8")) as { signature: string };
      out.push({ file: join(kind.name, f.replace(/\.json$/, ".tif")), kind: kind.name, signature: meta.signature });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/** Signatures already kept, so a run does not save them again. */
export function knownSignatures(): Set<string> {
  return new Set(reproducers().map((r) => r.signature));
}
