// A part of cogread that loads on first use (a chunk of the build: warping, resampling, the
// GeoKey parser) may fail to load: a deployment that dropped an old chunk, a network error in a
// browser. That is COG_UNSUPPORTED "cannot load part of cogread", not the runtime's own error.
// Run on a copy of the real build (dist/) with one chunk deleted, in plain Node.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, mkdtempSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..");
const SAMPLE = join(ROOT, "examples/data/sample_cog.tif");
// Under node_modules/.cache so that the copy resolves proj4, undici… from the project's node_modules.
const CACHE = join(ROOT, "node_modules/.cache");

let dir: string;

/** The file of dist/ that defines `name`. */
function chunkDefining(name: string): string {
  const hits = readdirSync(join(dir, "dist")).filter((f) => f.endsWith(".js") && readFileSync(join(dir, "dist", f), "utf8").includes(`function ${name}(`));
  expect(hits).toHaveLength(1);
  return hits[0]!;
}

/** Runs `body` (with `cog` open on the sample unless `open` is false) against the copy; returns what it printed. */
function run(body: string): { code?: string; message?: string; ok?: unknown } {
  const script = `
    const { COGReader } = await import(${JSON.stringify(join(dir, "dist/index.js"))});
    try {
      const ok = await (async () => { ${body} })();
      console.log(JSON.stringify({ ok }));
    } catch (e) {
      console.log(JSON.stringify({ code: e.code ?? e.name, message: e.message }));
    }`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

describe("a chunk that cannot load", () => {
  beforeAll(() => {
    mkdirSync(CACHE, { recursive: true });
    dir = mkdtempSync(join(CACHE, "cogread-lazy-parts-"));
    cpSync(join(ROOT, "dist"), join(dir, "dist"), { recursive: true, filter: (f) => !f.endsWith(".map") && !f.endsWith(".d.ts") });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("the copy works while it is whole", () => {
    const r = run(`const cog = await COGReader.open(${JSON.stringify(SAMPLE)}); const t = await cog.tile(...[cog.maxzoom].flatMap((z) => { const [w, s, e, n] = cog.geographicBounds; const k = 2 ** z; return [Math.floor(((w + e) / 2 + 180) / 360 * k), Math.floor((1 - Math.log(Math.tan((s + n) / 2 * Math.PI / 180) + 1 / Math.cos((s + n) / 2 * Math.PI / 180)) / Math.PI) / 2 * k), z]; })); return t.width;`);
    expect(r).toEqual({ ok: 256 });
  });

  it("tile() without the warping chunk is COG_UNSUPPORTED; getTile() still works", () => {
    rmSync(join(dir, "dist", chunkDefining("readMapTile")));
    const tile = run(`const cog = await COGReader.open(${JSON.stringify(SAMPLE)}); return await cog.tile(0, 0, 0);`);
    expect(tile.code).toBe("COG_UNSUPPORTED");
    expect(tile.message).toMatch(/^cannot load part of cogread: .*map-tile-\w+\.js/);
    expect(run(`const cog = await COGReader.open(${JSON.stringify(SAMPLE)}); return (await cog.getTile(0, 0, 0)).width;`)).toEqual({ ok: 256 });
  });

  it("read() without the resampling chunk is COG_UNSUPPORTED", () => {
    rmSync(join(dir, "dist", chunkDefining("readBounds")));
    const r = run(`const cog = await COGReader.open(${JSON.stringify(SAMPLE)}); return await cog.read(cog.bounds, { width: 64, height: 64 });`);
    expect(r.code).toBe("COG_UNSUPPORTED");
    expect(r.message).toMatch(/^cannot load part of cogread: .*read-bounds-\w+\.js/);
  });

  it("open() of a georeferenced file without the GeoKey parser is COG_UNSUPPORTED, not COG_FORMAT", () => {
    rmSync(join(dir, "dist", chunkDefining("crsFromGeoKeys")));
    const r = run(`await COGReader.open(${JSON.stringify(SAMPLE)}); return "opened";`);
    expect(r.code).toBe("COG_UNSUPPORTED");
    expect(r.message).toMatch(/cannot load part of cogread: .*geo-\w+\.js/);
  });
});
