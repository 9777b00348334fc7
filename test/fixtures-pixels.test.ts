import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COGReader } from "../src/index.js";
import { levelChecksums } from "./helpers/level-pixels.js";
import { compareWindows, toleranceOf, type ExpectedWindow } from "./helpers/pixel-compare.js";

const dir = new URL("./fixtures/", import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".tif") && !f.includes("40000x40000"));

describe("GDAL-made fixtures: pixels agree with GDAL", () => {
  for (const name of fixtures) {
    it(name, async () => {
      const gdalinfo = JSON.parse(readFileSync(new URL(name.replace(/\.tif$/, ".gdalinfo.json"), dir), "utf8"));
      const windows = JSON.parse(readFileSync(new URL(name.replace(/\.tif$/, ".windows.json"), dir), "utf8"));
      const cog = await COGReader.open(new URL(name, dir).pathname);
      try {
        const tol = toleranceOf(cog.ifds[0].compression);
        if (tol === undefined) {
          const int8AsByte = cog.ifds[0].dtype === "int8" && gdalinfo.bands[0].type === "Byte";
          const levels = [gdalinfo.bands.map((b: any) => b.checksum), ...(gdalinfo.bands[0].overviews ?? []).map((_: unknown, i: number) => gdalinfo.bands.map((b: any) => b.overviews[i].checksum))];
          for (let z = 0; z < levels.length; z++) expect(await levelChecksums(cog, z, { int8AsByte }), `checksums of level ${z}`).toEqual(levels[z]);
        }
        const expected: ExpectedWindow[] = windows.levels.flatMap((level: any) =>
          level.windows.map((w: any) => ({ ...w, z: level.level, maskFlags: windows.maskFlags })),
        );
        await compareWindows(cog, expected, tol);
      } finally {
        await cog.close();
      }
    }, 60_000);
  }
});
