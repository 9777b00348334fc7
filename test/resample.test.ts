import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { COGReader } from "../src/reader.js";
import type { Resampling } from "../src/raster/resample.js";
import { CORPUS_DIR } from "./helpers/corpus.js";

/** One case of fixtures/read/expected.json (made by fixtures/read/make_expected.py). */
interface Case {
  label: string;
  source: "fixtures" | "corpus";
  path: string;
  z: number;
  level: [number, number];
  method: Resampling;
  window: [number, number, number, number];
  out: [number, number];
  command: string;
  values: Array<Array<number | "NaN">>;
  maskFlags: number;
  mask?: number[];
}

const HERE = dirname(fileURLToPath(import.meta.url));
const expected: { gdal: string; cases: Case[] } = JSON.parse(readFileSync(join(HERE, "fixtures/read/expected.json"), "utf8"));
/** The corpus sweep, made by the same script (six windows per file, three methods). */
const corpusSweep: { gdal: string; cases: Case[] } = JSON.parse(gunzipSync(readFileSync(join(HERE, "fixtures/read/expected-corpus.json.gz"))).toString());
const GMF_ALL_VALID = 1;
const GMF_NODATA = 8;
const GMF_ALPHA = 4;

const readers = new Map<string, Promise<COGReader>>();
function reader(c: Case): Promise<COGReader> {
  const file = c.source === "fixtures" ? join(HERE, "fixtures", c.path) : join(CORPUS_DIR, c.path);
  let r = readers.get(file);
  if (!r) readers.set(file, (r = COGReader.open(file)));
  return r;
}

/** Worst difference per method: absolute for integer data (DN), relative for floats. */
const worst = new Map<string, { dn: number; rel: number; cases: number; maskEdges: number }>();

async function run(c: Case) {
  const cog = await reader(c);
  expect([cog.ifds[c.z].width, cog.ifds[c.z].height]).toEqual(c.level);
  const out = { width: c.out[0], height: c.out[1] };
  // End to end through cog.read, with the -projwin bounds of GDAL's command and its level.
  const m = / -projwin (\S+) (\S+) (\S+) (\S+) /.exec(c.command)!;
  const [ulx, uly, lrx, lry] = m.slice(1, 5).map(Number);
  const r = await cog.read([ulx, lry, lrx, uly], out, { resampling: c.method, overviewLevel: c.z });
  return { r, float: r.dtype.startsWith("float") };
}

describe(`resample() against gdal_translate -projwin -outsize -r (GDAL ${expected.gdal})`, () => {
  afterAll(async () => {
    const rows = Object.fromEntries([...worst].map(([m, w]) => [m, { "max |Δ| (DN)": w.dn, "max rel Δ (float)": w.rel, cases: w.cases, "mask-edge px (per-dataset mask)": w.maskEdges }]));
    console.log("resample vs GDAL, worst difference per method:");
    console.table(rows);
    await Promise.all([...readers.values()].map(async (r) => (await r).close()));
  });

  it("covers every method on several files", () => {
    const methods = new Set(expected.cases.map((c) => c.method));
    expect([...methods].sort()).toEqual(["average", "bilinear", "cubic", "mode", "nearest"]);
    expect(new Set(expected.cases.map((c) => c.path)).size).toBeGreaterThanOrEqual(8);
  });

  for (const c of expected.cases) {
    it(`${c.path} z${c.z} ${c.label}: ${c.method}`, () => check(c));
  }
});

describe(`read() against gdal_translate over the corpus (GDAL ${corpusSweep.gdal})`, () => {
  it("sweeps the corpus", () => {
    expect(new Set(corpusSweep.cases.map((c) => c.path)).size).toBeGreaterThanOrEqual(25);
  });
  for (const c of corpusSweep.cases) {
    it(`${c.path} z${c.z} ${c.label}: ${c.method}`, () => check(c));
  }
});

/** Our read of a case against GDAL's: integers identical, floats within 1e-6 relative (nearest exact). */
async function check(c: Case): Promise<void> {
  const cog = await reader(c);
  if (cog.ifds[0].photometric === "palette" && c.method !== "nearest") {
    // GDAL resamples palette images through their colours; cogread refuses rather than average indices.
    await expect(run(c)).rejects.toMatchObject({ code: "COG_UNSUPPORTED" });
    return;
  }
      const { r, float } = await run(c);
      const pixels = c.out[0] * c.out[1];
      expect(r.bands).toBe(c.values.length);
      let dn = 0;
      let rel = 0;
      let differ = 0;
      c.values.forEach((band, b) => {
        band.forEach((v, i) => {
          const want = v === "NaN" ? NaN : r.dtype === "float32" ? Math.fround(v) : v; // 9 digits round-trip a float32
          const got = Number(r.data[b * pixels + i]);
          if (Number.isNaN(want) || Number.isNaN(got)) {
            expect(got, `band ${b} pixel ${i}: ${c.command}`).toBeNaN();
            expect(want, `band ${b} pixel ${i}: ${c.command}`).toBeNaN();
          } else if (float) rel = Math.max(rel, Math.abs(got - want) / Math.max(Math.abs(want), 1e-30));
          else dn = Math.max(dn, Math.abs(got - want));
          if (got !== want && !(Number.isNaN(got) && Number.isNaN(want))) differ++;
        });
      });
      const w = worst.get(c.method) ?? { dn: 0, rel: 0, cases: 0, maskEdges: 0 };
      worst.set(c.method, { ...w, dn: Math.max(w.dn, dn), rel: Math.max(w.rel, rel), cases: w.cases + 1 });
      expect(dn, c.command).toBeLessThanOrEqual(c.method === "nearest" ? 0 : 1);
      // Integer reads are bit-identical to GDAL's (0 of 1.37M values differ with GDAL 3.6): within
      // 1 DN alone would let a rounding mistake through. Floats come through JSON with 9 digits.
      if (!float) expect(differ, `values that differ from ${c.command}`).toBe(0);
      expect(rel, c.command).toBeLessThanOrEqual(c.method === "nearest" ? 0 : 1e-6);

      // GDAL's mask of a nodata file comes from the output values: it must match ours exactly.
      // (For several bands GDAL's mask is band 1's; ours says "valid in any band", so it holds it.)
      if (c.maskFlags === GMF_NODATA && c.values.length === 1) expect(Array.from(r.mask!)).toEqual(c.mask);
      if (c.maskFlags === GMF_NODATA && c.values.length > 1) c.mask!.forEach((m, i) => m && expect(r.mask![i], c.command).toBe(255));
      // Pixels we flag invalid (outside the level, or no valid source) are ones GDAL filled with 0.
      // With an internal mask, nearest copies masked values and byte mode counts them, as GDAL does.
      const kernel = c.method !== "nearest" && c.method !== "mode";
      // With an alpha band GDAL's mask is the (resampled) alpha itself: ours must be the same.
      if (c.maskFlags & GMF_ALPHA) {
        expect(Array.from(r.mask!), c.command).toEqual(c.mask);
        return;
      }
      if (c.maskFlags === GMF_ALL_VALID || (c.maskFlags !== GMF_NODATA && kernel)) {
        for (let i = 0; i < pixels; i++) if (r.mask![i] === 0) for (const band of c.values) expect(band[i]).toBe(0);
      }
      // With an internal mask GDAL resamples the mask band apart, by nearest: count the edges.
      if (c.mask && c.maskFlags !== GMF_NODATA) {
        const edges = c.mask.filter((m, i) => (m !== 0) !== (r.mask![i] !== 0)).length;
        worst.get(c.method)!.maskEdges += edges;
      }
}

