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

// The calls each case makes, opened on the sample; the first case checks they succeed on the whole copy.
const OPEN = `const cog = await COGReader.open(${JSON.stringify(SAMPLE)});`;
// The map tile at the centre of the sample, at its native zoom.
const TILE = `${OPEN} const z = cog.maxzoom; const [w, s, e, n] = cog.geographicBounds; const lat = ((s + n) / 2) * Math.PI / 180;
  const x = Math.floor((((w + e) / 2 + 180) / 360) * 2 ** z), y = Math.floor(((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * 2 ** z);
  return (await cog.tile(x, y, z)).width;`;
const READ = `${OPEN} return (await cog.read(cog.bounds, { width: 64, height: 64 })).width;`;
const GET_TILE = `${OPEN} return (await cog.getTile(0, 0, 0)).width;`;

/** The file of dist/ that defines `name`. */
function chunkDefining(name: string): string {
  const hits = readdirSync(join(dir, "dist")).filter((f) => f.endsWith(".js") && readFileSync(join(dir, "dist", f), "utf8").includes(`function ${name}(`));
  expect(hits).toHaveLength(1);
  return hits[0]!;
}

/** Runs the body of an async function against the copy, in plain Node; returns its value or its error's code and message. */
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

  it("the copy works while it is whole: tile(), read() and getTile()", () => {
    expect([run(TILE), run(READ), run(GET_TILE)]).toEqual([{ ok: 256 }, { ok: 64 }, { ok: 256 }]);
  });

  it("tile() without the warping chunk is COG_UNSUPPORTED; getTile() still works", () => {
    rmSync(join(dir, "dist", chunkDefining("readMapTile")));
    const tile = run(TILE);
    expect(tile.code).toBe("COG_UNSUPPORTED");
    expect(tile.message).toMatch(/^cannot load part of cogread: .*map-tile-\w+\.js/);
    expect(run(GET_TILE)).toEqual({ ok: 256 });
  });

  it("read() without the resampling chunk is COG_UNSUPPORTED", () => {
    rmSync(join(dir, "dist", chunkDefining("readBounds")));
    const r = run(READ);
    expect(r.code).toBe("COG_UNSUPPORTED");
    expect(r.message).toMatch(/^cannot load part of cogread: .*read-bounds-\w+\.js/);
  });

  it("open() of a georeferenced file without the GeoKey parser is COG_UNSUPPORTED, not COG_FORMAT", () => {
    rmSync(join(dir, "dist", chunkDefining("crsFromGeoKeys")));
    const r = run(`${OPEN} return "opened";`);
    expect(r.code).toBe("COG_UNSUPPORTED");
    expect(r.message).toMatch(/cannot load part of cogread: .*geo-\w+\.js/);
  });
});
