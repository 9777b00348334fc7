// A fresh consumer project of the packed package, as a new user would have: `npm pack` of the
// built package extracted into node_modules/.cache/cogread-consumer/node_modules/cogread (so its
// own dependencies resolve from this repository's node_modules, with no network).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const CONSUMER = path.join(ROOT, "node_modules/.cache/cogread-consumer");

/** Newest modification time under `dir` (files only). */
function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Packs the package (`npm pack --ignore-scripts`, so `files` and `exports` are what ships) and
 * extracts it into a clean consumer folder holding `sources` (name -> text). Fails when dist/ is
 * missing or older than src/ (`npm test` builds first).
 */
export function makeConsumer(sources: Record<string, string>): string {
  const built = path.join(ROOT, "dist/web/index.js");
  if (!existsSync(built)) throw new Error("dist/ is missing: run `npm run build` (npm test does)");
  if (newest(path.join(ROOT, "src")) > statSync(built).mtimeMs) throw new Error("dist/ is older than src/: run `npm run build` (npm test does)");
  rmSync(CONSUMER, { recursive: true, force: true });
  const pkg = path.join(CONSUMER, "node_modules/cogread");
  mkdirSync(pkg, { recursive: true });
  const tmp = mkdtempSync(path.join(tmpdir(), "cogread-pack-"));
  try {
    const out = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", tmp], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    execFileSync("tar", ["-xzf", path.join(tmp, out.trim().split("\n").pop()!), "-C", pkg, "--strip-components=1"], { timeout: 60_000 });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  copyFileSync(path.join(ROOT, "test/runtimes/cases.ts"), path.join(CONSUMER, "cases.ts"));
  writeFileSync(path.join(CONSUMER, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  for (const [name, text] of Object.entries(sources)) writeFileSync(path.join(CONSUMER, name), text);
  // The examples, as a user would copy them: their own files, "cogread" from the packed package.
  for (const example of ["worker", "browser"]) {
    mkdirSync(path.join(CONSUMER, `example-${example}`));
    for (const name of readdirSync(path.join(ROOT, `examples/${example}/src`))) {
      copyFileSync(path.join(ROOT, `examples/${example}/src`, name), path.join(CONSUMER, `example-${example}`, name));
    }
  }
  return CONSUMER;
}
