import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COGReader, isCogError } from "../src/index.js";
import { MosaicReader, createMosaic, tileToQuadkey, type MosaicJSON } from "../src/mosaic.js";
import { resolveAsset } from "../src/mosaic/asset-url.js";
import { catchCogError } from "./helpers/local-server.js";
import { mosaicFixture, recordingOpener } from "./helpers/mosaic-fixtures.js";
import { startRangeServer, type RangeServer } from "./helpers/range-server.js";
import { startS3Server } from "./helpers/s3-server.js";

// What a mosaic tile costs, asset by asset (each asset read through its own recording source or
// over the range server), failures, and loading the document from bytes, gzip and HTTP.

const WHOLE = mosaicFixture("whole.tif");
const CUTS = [0, 1, 2, 3].map((i) => mosaicFixture(`cut_${i}.tif`));
// Zoom-15 tile 16402/10801 lies inside whole.tif and misses cut_1 and cut_3 (make_mosaic.py).
const INSIDE = [16402, 10801, 15] as const;

function docOf(assets: string[], quadkey = tileToQuadkey(8201, 5400, 14)): MosaicJSON {
  return { mosaicjson: "0.0.3", version: "1.0.0", minzoom: 14, maxzoom: 16, quadkey_zoom: 14, bounds: [0.18, 52.13, 0.23, 52.16], tiles: { [quadkey]: assets } };
}

/** Requests a fresh reader of `path` sends to open and make tile (x, y, z). */
async function ownCost(path: string, [x, y, z]: readonly [number, number, number]): Promise<number> {
  const rec = recordingOpener();
  const cog = await rec.openAsset(path, {});
  await cog.tile(x, y, z);
  await cog.close();
  return rec.reads(path).length;
}

describe("first: assets after the one that fills the tile cost nothing", () => {
  it("concurrency 1: only the first asset is opened and read; the others get no request", async () => {
    const rec = recordingOpener();
    const mosaic = await MosaicReader.open(docOf([WHOLE, CUTS[1], CUTS[3]]), { openAsset: rec.openAsset, concurrency: 1 });
    const tile = await mosaic.tile(...INSIDE);
    expect(tile.assets).toEqual({ used: [WHOLE], failed: [] });
    expect(rec.opened).toEqual([WHOLE]);
    expect(rec.reads(CUTS[1])).toEqual([]);
    expect(rec.reads(CUTS[3])).toEqual([]);
    const own = await ownCost(WHOLE, INSIDE);
    expect(rec.reads(WHOLE)).toHaveLength(own);
    expect(own).toBe(2); // the header, then the tile's two blocks in one merged request
    expect(mosaic.requests.count).toBe(2);
    await mosaic.close();
  });

  it("concurrency 2: the first batch is two assets (rio-tiler's chunks): the second opens (its header only, the tile misses it), the third never", async () => {
    const rec = recordingOpener();
    const mosaic = await MosaicReader.open(docOf([WHOLE, CUTS[1], CUTS[3]]), { openAsset: rec.openAsset, concurrency: 2 });
    const tile = await mosaic.tile(...INSIDE);
    expect(tile.assets.used).toEqual([WHOLE]);
    expect(rec.opened).toEqual([WHOLE, CUTS[1]]);
    expect(rec.reads(WHOLE)).toHaveLength(2);
    expect(rec.reads(CUTS[1])).toHaveLength(1);
    expect(rec.reads(CUTS[3])).toEqual([]);
    expect(mosaic.requests.count).toBe(3);
    await mosaic.close();
  });

  it("a tile over the cuts reads every asset it needs, and mosaic.requests is their sum", async () => {
    const rec = recordingOpener();
    const doc = await createMosaic(CUTS);
    const mosaic = await MosaicReader.open(doc, { openAsset: rec.openAsset });
    const tile = await mosaic.tile(8201, 5400, 14);
    expect(tile.assets.used).toEqual(CUTS);
    const perAsset = CUTS.map((c) => rec.reads(c).length);
    const own = await Promise.all(CUTS.map((c) => ownCost(c, [8201, 5400, 14])));
    console.log(`mosaic tile 14/8201/5400 over 4 cuts: requests per asset ${JSON.stringify(perAsset)}, total ${mosaic.requests.count}`);
    expect(perAsset).toEqual(own);
    expect(mosaic.requests.count).toBe(perAsset.reduce((a, b) => a + b, 0));
    expect(mosaic.requests.bytes).toBe(CUTS.reduce((s, c) => s + rec.reads(c).reduce((t, [, n]) => t + n, 0), 0));
    // A second tile reuses the open readers: no header request again, only the data (these
    // recording readers have no block or tile cache).
    const before = mosaic.requests.count;
    await mosaic.tile(8201, 5400, 14);
    expect(mosaic.requests.count).toBe(before + CUTS.length);
    for (const c of CUTS) expect(rec.reads(c).slice(2).map(([offset]) => offset)).toEqual([rec.reads(c)[1][0]]);
    await mosaic.close();
  });
});

describe("failures and tiles outside", () => {
  const missing = "/nonexistent/missing.tif";
  const notTiff = new URL("../package.json", import.meta.url).pathname;

  it("one failing asset does not fail the tile: it is listed with its typed error", async () => {
    const mosaic = await MosaicReader.open(docOf([missing, WHOLE]));
    const tile = await mosaic.tile(...INSIDE);
    expect(tile.assets.used).toEqual([WHOLE]);
    expect(tile.assets.failed.map((f) => [f.url, f.error.code])).toEqual([[missing, "COG_SOURCE"]]);
    expect(isCogError(tile.assets.failed[0].error)).toBe(true);
    const alone = await COGReader.open(WHOLE);
    expect(Buffer.from(tile.data as Uint8Array).equals(Buffer.from((await alone.tile(...INSIDE)).data as Uint8Array))).toBe(true);
    await alone.close();
    await mosaic.close();
  });

  it("every asset failing is a typed error carrying each asset's error", async () => {
    const mosaic = await MosaicReader.open(docOf([missing, notTiff]));
    const err = await catchCogError(mosaic.tile(...INSIDE));
    expect(err.code).toBe("COG_SOURCE");
    expect(err.message).toContain(missing);
    expect(err.message).toContain(notTiff);
    expect(err.cause).toBeInstanceOf(AggregateError);
    expect((err.cause as AggregateError).errors.map((e: { code: string }) => e.code)).toEqual(["COG_SOURCE", "COG_NOT_TIFF"]);
    await mosaic.close();
  });

  it("a tile with no asset, or whose assets it misses, is COG_TILE_OUTSIDE", async () => {
    const mosaic = await MosaicReader.open(docOf([CUTS[1], CUTS[3]]));
    expect((await catchCogError(mosaic.tile(0, 0, 14))).code).toBe("COG_TILE_OUTSIDE");
    expect((await catchCogError(mosaic.tile(...INSIDE))).code).toBe("COG_TILE_OUTSIDE");
    await mosaic.close();
  });

  it("point: values from each asset of the quadkey under the point, an error for those it misses", async () => {
    const whole = await COGReader.open(WHOLE);
    const cut0 = await COGReader.open(CUTS[0]);
    const [w, s, e, n] = cut0.geographicBounds!;
    const [lon, lat] = [w + (e - w) * 0.8, s + (n - s) * 0.3];
    const mosaic = await MosaicReader.open(await createMosaic(CUTS));
    const points = await mosaic.point(lon, lat);
    const want = await whole.point(lon, lat);
    expect(points[0]).toEqual({ url: CUTS[0], values: want.values.map(Number), mask: 255 });
    expect(points.length).toBeGreaterThan(1);
    for (const p of points.slice(1)) expect(p.error?.code).toBe("COG_TILE_OUTSIDE");
    expect((await catchCogError(mosaic.point(10, 10))).code).toBe("COG_TILE_OUTSIDE");
    await Promise.all([whole.close(), cut0.close(), mosaic.close()]);
  });
});

describe("loading the document", () => {
  let server: RangeServer;
  let doc: MosaicJSON;
  beforeAll(async () => {
    const files: Record<string, Uint8Array> = {};
    for (const [i, c] of CUTS.entries()) files[`/cut_${i}.tif`] = readFileSync(c);
    server = await startRangeServer(files);
    doc = await createMosaic(CUTS.map((_, i) => `${server.url}/cut_${i}.tif`));
    const text = JSON.stringify(doc);
    files["/m.json"] = new TextEncoder().encode(text);
    files["/m.json.gz"] = gzipSync(text);
    const relative = { ...doc, tiles: Object.fromEntries(Object.entries(doc.tiles).map(([k, v]) => [k, v.map((u) => u.split("/").pop()!)])) };
    files["/rel.json"] = new TextEncoder().encode(JSON.stringify(relative));
    files["/bad.json"] = new TextEncoder().encode(JSON.stringify({ mosaicjson: "0.0.3", tiles: [1] }));
    files["/garbage.json.gz"] = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]);
  });
  afterAll(() => server.close());

  it("over HTTP, gzip: one request for the document; each tile request of the mosaic reaches the server", async () => {
    server.requests.length = 0;
    const mosaic = await MosaicReader.open(`${server.url}/m.json.gz`);
    expect(server.requests.map((r) => r.path)).toEqual(["/m.json.gz"]);
    expect(mosaic.mosaic).toEqual(doc);
    expect(mosaic.info).toMatchObject({ url: `${server.url}/m.json.gz`, assets: 4, quadkeys: Object.keys(doc.tiles).length, minzoom: doc.minzoom });
    const tile = await mosaic.tile(8201, 5400, 14);
    const local = await MosaicReader.open(await createMosaic(CUTS));
    const want = await local.tile(8201, 5400, 14);
    expect(Buffer.from(tile.data as Uint8Array).equals(Buffer.from(want.data as Uint8Array))).toBe(true);
    const tifRequests = server.requests.filter((r) => r.path.endsWith(".tif"));
    // The headers came from the header cache that createMosaic filled: only tile data is sent.
    console.log(`mosaic tile over HTTP: ${tifRequests.length} requests to 4 assets (${tifRequests.map((r) => `${r.path} ${r.range}`).join(", ")})`);
    expect(tifRequests.every((r) => !r.range?.startsWith("bytes=0-"))).toBe(true);
    expect(mosaic.requests.count).toBe(tifRequests.length);
    expect(new Set(tifRequests.map((r) => r.path)).size).toBe(4);
    await Promise.all([mosaic.close(), local.close()]);
  });

  it("relative asset paths are read from the document's folder: a path opened from elsewhere, and HTTP", async () => {
    const names = CUTS.map((_, i) => `cut_${i}.tif`);
    const relative: MosaicJSON = { ...doc, tiles: Object.fromEntries(Object.entries(doc.tiles).map(([k, v]) => [k, v.map((u) => u.split("/").pop()!)])) };
    const want = await (await MosaicReader.open(await createMosaic(CUTS))).tile(8201, 5400, 14);
    const folder = mkdtempSync(path.join(tmpdir(), "cogread-mosaic-rel-"));
    try {
      for (const [i, c] of CUTS.entries()) copyFileSync(c, path.join(folder, names[i]));
      writeFileSync(path.join(folder, "m.json"), JSON.stringify(relative));
      const fromPath = await MosaicReader.open(path.join(folder, "m.json")); // the working directory is not `folder`
      const tile = await fromPath.tile(8201, 5400, 14);
      expect(tile.assets.used).toEqual(names); // reported as the document lists them
      expect(Buffer.from(tile.data as Uint8Array).equals(Buffer.from(want.data as Uint8Array))).toBe(true);
      await fromPath.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    // Relative to the working directory, these names would not open: every asset would fail.
    const overHttp = await MosaicReader.open(`${server.url}/rel.json`);
    const tile = await overHttp.tile(8201, 5400, 14);
    expect([tile.assets.used, tile.assets.failed]).toEqual([names, []]);
    expect(Buffer.from(tile.data as Uint8Array).equals(Buffer.from(want.data as Uint8Array))).toBe(true);
    await overHttp.close();
  });

  it.each([
    ["a.tif", "/data/m.json", "/data/a.tif"],
    ["./sub/a.tif", "/data/m.json", "/data/sub/a.tif"],
    ["a.tif", "m.json", "a.tif"],
    ["a.tif", "C:\\data\\m.json", "C:\\data\\a.tif"],
    ["a b.tif", "https://example.com/m/mosaic.json.gz", "https://example.com/m/a%20b.tif"],
    ["../a.tif", "https://example.com/m/mosaic.json", "https://example.com/a.tif"],
    ["a.tif", "s3://bucket/m/mosaic.json", "s3://bucket/m/a.tif"],
    ["/abs/a.tif", "/data/m.json", "/abs/a.tif"],
    ["https://x.org/a.tif", "/data/m.json", "https://x.org/a.tif"],
    ["s3://b/a.tif", "https://example.com/m.json", "s3://b/a.tif"],
    ["a.tif", undefined, "a.tif"],
  ])("resolveAsset(%j, %j) = %j", (asset, doc, want) => {
    expect(resolveAsset(asset, doc)).toBe(want);
  });

  it("plain JSON over HTTP, bytes (gzip or not), a path, and an object give the same document", async () => {
    const text = JSON.stringify(doc);
    const inputs = [`${server.url}/m.json`, gzipSync(text), new TextEncoder().encode(text), doc];
    for (const input of inputs) expect((await MosaicReader.open(input)).mosaic).toEqual(doc);
  });

  it("a document that is not MosaicJSON is COG_FORMAT with its URL; a bad gzip stream too", async () => {
    const bad = await catchCogError(MosaicReader.open(`${server.url}/bad.json`));
    expect(bad.code).toBe("COG_FORMAT");
    expect(bad.context.url).toBe(`${server.url}/bad.json`);
    expect(bad.message).toMatch(/"tiles"/);
    expect((await catchCogError(MosaicReader.open(`${server.url}/garbage.json.gz`))).code).toBe("COG_FORMAT");
    expect((await catchCogError(MosaicReader.open(new TextEncoder().encode("not json")))).code).toBe("COG_FORMAT");
    expect((await catchCogError(MosaicReader.open({ ...doc, minzoom: 31 }))).code).toBe("COG_FORMAT");
    expect((await catchCogError(MosaicReader.open({ ...doc, tiles: { "12x": ["a.tif"] } }))).code).toBe("COG_FORMAT");
    expect((await catchCogError(MosaicReader.open({ ...doc, tilematrixset: { id: "WGS1984Quad" } }))).code).toBe("COG_UNSUPPORTED");
    expect((await catchCogError(MosaicReader.open(`${server.url}/missing.json`))).code).toBe("COG_HTTP");
  });
});

describe("from S3", () => {
  it("the document (gzip) and its assets through S3Source, with the reader's s3 options", async () => {
    const keys = { accessKeyId: "AKIDMOSAIC00000001", secretAccessKey: "mosaic/secret/0123456789abcdefABCDEF" };
    const doc = await createMosaic(CUTS);
    const s3doc: MosaicJSON = { ...doc, tiles: Object.fromEntries(Object.entries(doc.tiles).map(([k, v]) => [k, v.map((p) => `s3://bucket/${p.split("/").pop()}`)])) };
    const objects: Record<string, Uint8Array> = { "bucket/m.json.gz": gzipSync(JSON.stringify(s3doc)) };
    for (const [i, c] of CUTS.entries()) objects[`bucket/cut_${i}.tif`] = readFileSync(c);
    const server = await startS3Server({ region: "eu-west-1", credentials: [keys], objects });
    try {
      const mosaic = await MosaicReader.open("s3://bucket/m.json.gz", { reader: { s3: { endpoint: server.endpoint, region: "eu-west-1", credentials: keys } } });
      expect(mosaic.mosaic).toEqual(s3doc);
      const tile = await mosaic.tile(8201, 5400, 14);
      expect(tile.assets.used).toEqual([0, 1, 2, 3].map((i) => `s3://bucket/cut_${i}.tif`));
      const local = await MosaicReader.open(doc);
      expect(Buffer.from(tile.data as Uint8Array).equals(Buffer.from((await local.tile(8201, 5400, 14)).data as Uint8Array))).toBe(true);
      expect(server.requests.every((r) => r.verdict === "ok")).toBe(true);
      expect(mosaic.requests.count).toBe(server.requests.filter((r) => r.path.endsWith(".tif")).length);
      await Promise.all([mosaic.close(), local.close()]);
    } finally {
      await server.close();
    }
  }, 30_000);
});
