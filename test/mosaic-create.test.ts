import { describe, expect, it } from "vitest";
import { COGReader } from "../src/index.js";
import { MosaicReader, createMosaic, quadkeyToTile, tileToQuadkey } from "../src/mosaic.js";
import { lonLatToTile, quadkeysForTile } from "../src/mosaic/quadkey.js";
import { WEB_MERCATOR_ORIGIN } from "../src/locate/web-mercator.js";
import { readFileSync } from "node:fs";
import { catchCogError } from "./helpers/local-server.js";
import { startRangeServer } from "./helpers/range-server.js";
import { mosaicFixture, recordingOpener } from "./helpers/mosaic-fixtures.js";

const CUTS = [0, 1, 2, 3].map((i) => mosaicFixture(`cut_${i}.tif`));
// Each cut's pixel window of whole.tif, and whole.tif's grid (make_mosaic.py).
const WINDOWS = [[0, 0, 300, 170], [300, 0, 212, 170], [0, 170, 300, 214], [300, 170, 212, 214]];
const SPAN14 = (2 * WEB_MERCATOR_ORIGIN) / 2 ** 14;
const RES = SPAN14 / 256;
const X0 = -WEB_MERCATOR_ORIGIN + 8200 * SPAN14 + 1000.3;
const Y0 = WEB_MERCATOR_ORIGIN - 5400 * SPAN14 - 777.7;

describe("quadkeys (Bing / mercantile)", () => {
  it.each([
    [0, 0, 0, ""], [1, 0, 1, "1"], [0, 1, 1, "2"], [3, 5, 3, "213"], [8201, 5400, 14, "12020200023001"], [2 ** 30 - 1, 0, 30, "1".repeat(30)],
  ])("tile %i/%i at zoom %i is %j and back", (x, y, z, key) => {
    expect(tileToQuadkey(x, y, z)).toBe(key);
    expect(quadkeyToTile(key)).toEqual({ x, y, z });
  });

  it("bad tiles are COG_USAGE, bad keys COG_FORMAT", () => {
    expect(() => tileToQuadkey(2, 0, 1)).toThrow(expect.objectContaining({ code: "COG_USAGE" }));
    expect(() => tileToQuadkey(0, 0, 31)).toThrow(expect.objectContaining({ code: "COG_USAGE" }));
    expect(() => quadkeyToTile("124")).toThrow(expect.objectContaining({ code: "COG_FORMAT" }));
  });

  it("find_quadkeys: the ancestor at or above quadkey_zoom, the document's descendants (row by row) below it", () => {
    const keys = ["0", "1", "2", "3"].flatMap((a) => ["0", "1", "2", "3"].map((b) => `12${a}${b}`)).filter((k) => k !== "1211").sort();
    expect(quadkeysForTile(3, 5, 3, 2, keys)).toEqual(["21"]);
    expect(quadkeysForTile(3, 5, 3, 3, keys)).toEqual(["213"]);
    expect(quadkeysForTile(1, 0, 1, 4, keys)).toEqual(keys);
    expect(quadkeysForTile(5, 2, 3, 4, keys)).toEqual(["1210", "1212", "1213"]);
    expect(tileToQuadkey(5, 2, 3)).toBe("121");
    expect(quadkeysForTile(0, 0, 1, 4, keys)).toEqual([]);
  });

  it("lonLatToTile is mercantile's tile()", () => {
    expect(lonLatToTile(0.1, 0.1, 1)).toEqual({ x: 1, y: 0, z: 1 });
    expect(lonLatToTile(-180, 90, 3)).toEqual({ x: 0, y: 0, z: 3 });
    expect(lonLatToTile(179.999, -89, 3)).toEqual({ x: 7, y: 7, z: 3 });
  });
});

describe("createMosaic", () => {
  it("MosaicJSON 0.0.3 as cogeo-mosaic writes it, one request per file, quadkeys from the footprints", async () => {
    const rec = recordingOpener();
    const progress: number[] = [];
    const doc = await createMosaic(CUTS, { openAsset: rec.openAsset, onProgress: (p) => progress.push(p.done * 10 + p.total) });
    for (const c of CUTS) expect(rec.reads(c), c).toHaveLength(1);
    expect(progress.sort()).toEqual([14, 24, 34, 44]);
    expect(Object.keys(doc)).toEqual(["mosaicjson", "version", "minzoom", "maxzoom", "quadkey_zoom", "bounds", "center", "tiles"]);
    const cogs = await Promise.all(CUTS.map((c) => COGReader.open(c)));
    const whole = await COGReader.open(mosaicFixture("whole.tif"));
    expect(doc).toMatchObject({ mosaicjson: "0.0.3", version: "1.0.0", minzoom: 14, maxzoom: 14, quadkey_zoom: 14 });
    expect(doc.minzoom).toBe(Math.max(...cogs.map((c) => c.minzoom!)));
    expect(doc.bounds).toEqual([0, 1, 2, 3].map((i) => (i < 2 ? Math.min : Math.max)(...cogs.map((c) => c.geographicBounds![i]))));
    for (const [i, v] of doc.bounds.entries()) expect(v).toBeCloseTo(whole.geographicBounds![i], 9);
    expect(doc.center).toEqual([(doc.bounds[0] + doc.bounds[2]) / 2, (doc.bounds[1] + doc.bounds[3]) / 2, 14]);
    // Independently: a zoom-14 tile lists a cut when its metres overlap the cut's pixel window.
    const want: Record<string, string[]> = {};
    for (let y = 5400; y <= 5401; y++) {
      for (let x = 8200; x <= 8202; x++) {
        const [c0, c1] = [(-WEB_MERCATOR_ORIGIN + x * SPAN14 - X0) / RES, (-WEB_MERCATOR_ORIGIN + (x + 1) * SPAN14 - X0) / RES];
        const [r0, r1] = [(Y0 - (WEB_MERCATOR_ORIGIN - y * SPAN14)) / RES, (Y0 - (WEB_MERCATOR_ORIGIN - (y + 1) * SPAN14)) / RES];
        const assets = CUTS.filter((_, i) => {
          const [wx, wy, ww, wh] = WINDOWS[i];
          return c0 < wx + ww && c1 > wx && r0 < wy + wh && r1 > wy;
        });
        if (assets.length > 0) want[tileToQuadkey(x, y, 14)] = assets;
      }
    }
    expect(doc.tiles).toEqual(want);
    expect(Object.keys(doc.tiles)).toEqual(Object.keys(want)); // row by row, as supermorecado burns them
    await Promise.all([...cogs, whole].map((c) => c.close()));
  });

  it("over HTTP: one request per file (its first 16 KiB), none for files already in the header cache", async () => {
    const files = Object.fromEntries(CUTS.map((c, i) => [`/cut_${i}.tif`, new Uint8Array(readFileSync(c))]));
    const server = await startRangeServer(files);
    try {
      const urls = CUTS.map((_, i) => `${server.url}/cut_${i}.tif`);
      const doc = await createMosaic(urls);
      expect(server.requests.map((r) => `${r.path} ${r.range}`).sort()).toEqual(urls.map((_, i) => `/cut_${i}.tif bytes=0-16383`));
      expect(Object.values(doc.tiles).flat().every((u) => urls.includes(u))).toBe(true);
      await createMosaic(urls);
      expect(server.requests).toHaveLength(CUTS.length);
    } finally {
      await server.close();
    }
  });

  it("default minzoom is the largest of the files' (cogeo-mosaic's from_urls), maxzoom the largest; options override", async () => {
    const mixed = await createMosaic([mosaicFixture("whole.tif"), CUTS[0]]);
    expect([mixed.minzoom, mixed.maxzoom]).toEqual([14, 14]); // whole.tif alone: 13…14
    const doc = await createMosaic(CUTS, { minzoom: 10, maxzoom: 16, quadkeyZoom: 12, name: "cuts", description: "four pieces", attribution: "© test" });
    expect(Object.keys(doc)).toEqual(["mosaicjson", "name", "description", "version", "attribution", "minzoom", "maxzoom", "quadkey_zoom", "bounds", "center", "tiles"]);
    expect(doc).toMatchObject({ name: "cuts", description: "four pieces", attribution: "© test", minzoom: 10, maxzoom: 16, quadkey_zoom: 12 });
    expect(doc.center?.[2]).toBe(10);
    expect(doc.tiles).toEqual({ [tileToQuadkey(2050, 1350, 12)]: CUTS });
    const mosaic = await MosaicReader.open(doc);
    expect(mosaic.assets(8201, 5400, 14)).toEqual(CUTS);
    expect(mosaic.assets(8201, 5500, 14)).toEqual([]);
    expect(mosaic.assets(1025, 675, 11)).toEqual(CUTS);
    expect(mosaic.info).toMatchObject({ name: "cuts", quadkeyZoom: 12, assets: 4, quadkeys: 1, minzoom: 10, maxzoom: 16 });
  });

  it("below quadkey_zoom a tile's assets are the union of its children's, first seen first", async () => {
    const doc = await createMosaic([CUTS[3], CUTS[0], CUTS[1], CUTS[2]]);
    const mosaic = await MosaicReader.open(doc);
    const children = [[8200, 5400], [8201, 5400], [8200, 5401], [8201, 5401]].flatMap(([x, y]) => mosaic.assets(x, y, 14));
    expect(mosaic.assets(4100, 2700, 13)).toEqual([...new Set(children)]);
    expect(mosaic.assets(4100, 2700, 13)).toEqual([CUTS[0], CUTS[2], CUTS[3], CUTS[1]]);
  });

  it("bad input is a typed error", async () => {
    expect((await catchCogError(createMosaic([]))).code).toBe("COG_USAGE");
    expect((await catchCogError(createMosaic(CUTS, { minzoom: 15, maxzoom: 14 }))).code).toBe("COG_USAGE");
    expect((await catchCogError(createMosaic(CUTS, { quadkeyZoom: 31 }))).code).toBe("COG_USAGE");
    expect((await catchCogError(createMosaic(CUTS, { concurrency: 0 }))).code).toBe("COG_USAGE");
    const types = await catchCogError(createMosaic([CUTS[0], new URL("./fixtures/uint16_1band_deflate_block512_predictor2_ovr2.tif", import.meta.url).pathname]));
    expect(types.code).toBe("COG_USAGE");
    expect(types.message).toMatch(/same data type.*uint8.*uint16/);
    expect((await catchCogError(createMosaic([CUTS[0], "/nonexistent/x.tif"]))).code).toBe("COG_SOURCE");
  });
});
