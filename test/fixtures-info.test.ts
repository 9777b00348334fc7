import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { infoReport } from "../src/cli/info.js";
import { COGReader } from "../src/index.js";
import { disagreements } from "./helpers/gdalinfo-compare.js";

const dir = new URL("./fixtures/", import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".tif"));

describe("GDAL-made fixtures: info agrees with gdalinfo", () => {
  it("has the fixture matrix", () => {
    expect(fixtures.length).toBeGreaterThan(25);
  });
  for (const name of fixtures) {
    it(name, async () => {
      const gdalinfo = JSON.parse(readFileSync(new URL(name.replace(/\.tif$/, ".gdalinfo.json"), dir), "utf8"));
      const cog = await COGReader.open(new URL(name, dir).pathname);
      try {
        const report = await infoReport(cog);
        expect(disagreements(report, gdalinfo)).toEqual([]);
        const hasMask = (gdalinfo.bands[0].mask?.flags ?? []).includes("PER_DATASET") && !(gdalinfo.bands[0].mask?.flags ?? []).includes("ALPHA");
        expect(report.internalMask).toBe(hasMask);
      } finally {
        await cog.close();
      }
    });
  }
});
