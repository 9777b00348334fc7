import { afterAll, describe, expect, it } from "vitest";
import { infoReport } from "../src/cli/info.js";
import { COGReader, isCogError } from "../src/index.js";
import { corpusEntries, corpusFile, oracle } from "./helpers/corpus.js";
import { disagreements } from "./helpers/gdalinfo-compare.js";

const entries = corpusEntries();
const tally = { passed: 0, failed: 0 };

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
