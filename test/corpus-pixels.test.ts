import { afterAll, describe, expect, it } from "vitest";
import { COGReader, isCogError } from "../src/index.js";
import { corpusEntries, corpusFile, oracle } from "./helpers/corpus.js";
import { levelChecksums } from "./helpers/level-pixels.js";
import { compareWindows, GMF, toleranceOf, type ExpectedWindow } from "./helpers/pixel-compare.js";

const entries = corpusEntries();
const tally = { passed: 0, failed: 0 };
const lossyReport: string[] = [];

/** The oracle's windows in the shared shape. */
function oracleWindows(windows: any): ExpectedWindow[] {
  return windows.levels.flatMap((level: any) =>
    level.windows.map((win: any) => ({
      z: level.level === "full" ? 0 : level.overview_index + 1,
      name: win.name,
      xoff: win.xoff,
      yoff: win.yoff,
      xsize: win.xsize,
      ysize: win.ysize,
      values: win.bands.map((b: any) => b.values),
      masks: win.bands.map((b: any) => b.mask),
      maskFlags: level.bands.map((b: any) => (b.mask_flag_names ?? []).reduce((f: number, name: keyof typeof GMF) => f | GMF[name], 0)),
    })),
  );
}

async function checkFile(path: string): Promise<void> {
  const o = oracle(path);
  const cog = await COGReader.open(corpusFile(path));
  try {
    const g = o.gdalinfo;
    const tol = toleranceOf(cog.ifds[0].compression);
    // GDAL shows 8-bit CMYK as RGBA (the oracle then has windows_raw); we return raw CMYK.
    const cmyk = o.windows_raw !== undefined;
    // Lossless codecs: every band of every level has GDAL's checksum.
    if (tol === undefined && !cmyk) {
      const levels = [g.bands.map((b: any) => b.checksum), ...(g.bands[0].overviews ?? []).map((_: unknown, i: number) => g.bands.map((b: any) => b.overviews[i].checksum))];
      for (let z = 0; z < levels.length; z++) {
        const int8AsByte = cog.ifds[0].dtype === "int8" && g.bands[0].type === "Byte";
        expect(await levelChecksums(cog, z, { int8AsByte }), `checksums of level ${z}`).toEqual(levels[z]);
      }
    }
    const diff = await compareWindows(cog, oracleWindows(cmyk ? o.windows_raw : o.windows), tol);
    if (tol !== undefined) lossyReport.push(`${path}: max |Δ| ${diff.max}, mean |Δ| ${diff.mean.toFixed(3)}`);
  } finally {
    await cog.close();
  }
}

async function readEverything(path: string): Promise<void> {
  const cog = await COGReader.open(corpusFile(path));
  try {
    for (let z = 0; z < cog.ifds.length; z++) await levelChecksums(cog, z);
  } finally {
    await cog.close();
  }
}

describe("corpus: pixels agree with GDAL", () => {
  for (const entry of entries) {
    it(`${entry.path} (${entry.expect})`, async () => {
      try {
        if (entry.expect === "ok") await checkFile(entry.path);
        else {
          const error = await readEverything(entry.path).then(
            () => undefined,
            (e: unknown) => e,
          );
          if (entry.expect === "must_fail") expect(isCogError(error), `expected a CogError, got ${error}`).toBe(true);
          // 12-bit JPEG: GDAL here cannot decode it either; decoding it or refusing it cleanly are both fine.
          else if (error !== undefined) expect(isCogError(error, "COG_UNSUPPORTED"), String(error)).toBe(true);
        }
        tally.passed++;
      } catch (e) {
        tally.failed++;
        throw e;
      }
    }, 120_000);
  }
  afterAll(() => {
    for (const line of lossyReport) console.log(line);
    console.log(`corpus pixels: ${tally.passed} passed, ${tally.failed} failed`);
  });
});
