import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { COGReader } from "../src/index.js";

/** gdalwarp's tiles, made by test/fixtures/tile/make_expected.py. */
const expected = JSON.parse(gunzipSync(readFileSync(new URL("./fixtures/tile/expected.json.gz", import.meta.url))).toString()) as {
  cases: Array<{ file: string; z: number; x: number; y: number; values: string[]; mask: string }>;
};
const report: string[] = [];

describe("tile(x, y, z) agrees with gdalwarp -t_srs EPSG:3857 -r near", () => {
  for (const c of expected.cases) {
    it(`${c.file} ${c.z}/${c.x}/${c.y}`, async () => {
      const cog = await COGReader.open(new URL(`./fixtures/${c.file}`, import.meta.url).pathname);
      try {
        const tile = await cog.tile(c.x, c.y, c.z);
        const mask = Buffer.from(c.mask, "base64");
        const bands = c.values.map((v) => Buffer.from(v, "base64"));
        const n = 256 * 256;
        let equal = 0;
        let compared = 0;
        let maskEqual = 0;
        for (let i = 0; i < n; i++) {
          if ((mask[i] !== 0) === (tile.mask![i] !== 0)) maskEqual++;
          if (mask[i] === 0 || tile.mask![i] === 0) continue;
          compared++;
          if (bands.every((v, b) => v[i] === tile.data[b * n + i])) equal++;
        }
        report.push(`${c.file} ${c.z}/${c.x}/${c.y}: pixels equal ${((100 * equal) / Math.max(compared, 1)).toFixed(2)}% of ${compared}, mask agreement ${((100 * maskEqual) / n).toFixed(2)}%`);
        expect(maskEqual / n).toBeGreaterThanOrEqual(0.99);
        expect(equal / Math.max(compared, 1)).toBeGreaterThanOrEqual(0.99);
      } finally {
        await cog.close();
      }
    });
  }
  afterAll(() => console.log(report.join("\n")));
});
