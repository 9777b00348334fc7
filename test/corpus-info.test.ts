import { afterAll, describe, expect, it } from "vitest";
import { infoReport, type InfoReport } from "../src/cli/info.js";
import { COGReader, isCogError } from "../src/index.js";
import { corpusEntries, corpusFile, GDAL_TYPE, oracle, wktEpsg } from "./helpers/corpus.js";

const entries = corpusEntries();
const tally = { passed: 0, failed: 0 };

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Compares our info report with gdalinfo; returns the disagreements. */
function disagreements(r: InfoReport, g: any): string[] {
  const out: string[] = [];
  const check = (what: string, ok: boolean, ours: unknown, theirs: unknown) => {
    if (!ok) out.push(`${what}: ours ${JSON.stringify(ours)}, gdal ${JSON.stringify(theirs)}`);
  };
  const main = r.ifds[0];
  check("size", main.width === g.size[0] && main.height === g.size[1], [main.width, main.height], g.size);
  check("bands", r.profile.count === g.bands.length, r.profile.count, g.bands.length);
  const band = g.bands[0];
  check("dtype", GDAL_TYPE[main.dtype]?.includes(band.type) ?? false, main.dtype, band.type);
  check("block", main.tileWidth === band.block[0] && main.tileHeight === band.block[1], [main.tileWidth, main.tileHeight], band.block);
  const ovr = (band.overviews ?? []).map((o: any) => o.size);
  const ours = r.ifds.slice(1).map((l) => [l.width, l.height]);
  check("overviews", JSON.stringify(ours) === JSON.stringify(ovr), ours, ovr);
  const gt = g.geoTransform as number[] | undefined;
  check("geoTransform", gt === undefined ? r.geoTransform === null : r.geoTransform !== null && gt.every((v, i) => close(v, r.geoTransform![i])), r.geoTransform, gt);
  const epsg = wktEpsg(g.coordinateSystem?.wkt);
  if (epsg !== undefined) check("epsg", r.crs.epsg === epsg, r.crs.epsg, epsg);
  const nd = band.noDataValue;
  // gdalinfo prints a Float32 band's nodata with float32 precision (%.9g).
  const sameNodata = (a: number, b: number) => close(a, b) || (band.type === "Float32" && Math.fround(a) === Math.fround(b));
  const ndOk = nd === undefined ? r.nodata === null : nd === "NaN" ? r.nodata === "NaN" : typeof r.nodata === "number" && sameNodata(r.nodata, Number(nd));
  check("nodata", ndOk, r.nodata, nd);
  return out;
}

describe("corpus: info --json agrees with gdalinfo", () => {
  for (const entry of entries) {
    const o = oracle(entry.path);
    const gdalOpens = o.gdalinfo !== null && o.windows.open_error === null;
    const expectOk = entry.expect !== "must_fail";
    it(`${entry.path} (${entry.expect})`, async () => {
      try {
        if (expectOk) {
          const cog = await COGReader.open(corpusFile(entry.path));
          try {
            expect(disagreements(await infoReport(cog), o.gdalinfo)).toEqual([]);
          } finally {
            await cog.close();
          }
        } else {
          const started = Date.now();
          let cog: COGReader | undefined;
          let error: unknown;
          try {
            cog = await COGReader.open(corpusFile(entry.path));
            await infoReport(cog);
          } catch (e) {
            error = e;
          } finally {
            await cog?.close();
          }
          expect(Date.now() - started).toBeLessThan(1000);
          if (error !== undefined) expect(isCogError(error), String(error)).toBe(true);
          // A file GDAL cannot open must not open here either; files whose fault lies in pixel
          // data (GDAL opens them) may open cleanly.
          else expect(gdalOpens, "GDAL refuses this file, so must we").toBe(true);
        }
        tally.passed++;
      } catch (e) {
        tally.failed++;
        throw e;
      }
    });
  }
  afterAll(() => {
    console.log(`corpus info: ${tally.passed} passed, ${tally.failed} failed`);
  });
});
