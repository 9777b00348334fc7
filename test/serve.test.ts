// `cogread serve` (startServer): a real server on 127.0.0.1 over fixture links; tiles decoded here
// and compared with COGReader.tile()'s pixels and mask, and with render()'s bytes.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COGReader, isCogError } from "../src/index.js";
import { render } from "../src/render.js";
import type { LogEntry } from "../src/serve/log.js";
import { startServer, type TileServer } from "../src/serve/server.js";
import { catchCogError } from "./helpers/local-server.js";
import { startRangeServer } from "./helpers/range-server.js";
import { expectedRgba, FIXTURES, linkFolder, rgbaOf, SAMPLE, tileAt } from "./helpers/serve.js";

const DEM = path.join(FIXTURES, "float32_1band_deflate_block256_predictor3_nodata-9999_ovr2.tif");
const MASKED = path.join(FIXTURES, "uint8_1band_deflate_block256_mask_ovr2.tif");

let folder: ReturnType<typeof linkFolder>;
let server: TileServer;
const logs: LogEntry[] = [];
const cogs: Record<string, COGReader> = {};

async function get(p: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Uint8Array; json: () => any }> {
  const res = await fetch(`${server.url}${p}`, { headers, signal: AbortSignal.timeout(10_000) });
  const body = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body, json: () => JSON.parse(new TextDecoder().decode(body)) };
}

beforeAll(async () => {
  folder = linkFolder({ "sample.tif": SAMPLE, "dem.tif": DEM, "masked.tiff": MASKED, "notes.txt": SAMPLE });
  server = await startServer({ root: folder.dir, port: 0, log: (_line, e) => logs.push(e) });
  for (const [name, file] of [["sample", SAMPLE], ["dem", DEM], ["masked", MASKED]]) cogs[name] = await COGReader.open(file, { blockCache: false, tileCache: false });
});

afterAll(async () => {
  await server?.close();
  for (const c of Object.values(cogs)) await c.close();
  folder?.remove();
});

/** A tile straddling the north-west corner of a dataset's bounds, at its max zoom. */
function cornerTile(name: string): [number, number, number] {
  const [w, , , n] = cogs[name].geographicBounds!;
  return tileAt(w, n, cogs[name].maxzoom!);
}

describe("cogread serve: tiles", () => {
  it("lists the folder's .tif and .tiff files by name, without their extension", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.datasets.map((d) => d.name)).toEqual(["dem", "masked", "sample"]);
    const { status, json } = await get("/datasets");
    expect(status).toBe(200);
    expect(json().map((d: { name: string; type: string }) => [d.name, d.type])).toEqual([["dem", "cog"], ["masked", "cog"], ["sample", "cog"]]);
  });

  it("a PNG tile decodes to tile()'s pixels and mask exactly (RGB sample on its edge, a masked file, @2x)", async () => {
    for (const [name, scale] of [["sample", 1], ["masked", 1], ["sample", 2]] as const) {
      const [x, y, z] = cornerTile(name);
      const res = await get(`/tiles/${name}/${z}/${x}/${y}${scale === 2 ? "@2x" : ""}.png`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/png");
      const tile = await cogs[name].tile(x, y, z, { tileSize: 256 * scale });
      expect(tile.mask?.some((m) => m === 0), `${name} ${z}/${x}/${y} straddles the edge`).toBe(true);
      expect(tile.mask?.some((m) => m === 255)).toBe(true);
      const { width, height, rgba } = await rgbaOf(res.body);
      expect([width, height]).toEqual([256 * scale, 256 * scale]);
      expect(Buffer.from(rgba).equals(Buffer.from(expectedRgba(tile))), `${name} pixels`).toBe(true);
    }
  });

  it("titiler's query names: bidx, rescale, colormap_name, resampling, nodata give render(tile(…))'s very bytes", async () => {
    const [x, y, z] = cornerTile("dem");
    const cases: Array<[string, Parameters<COGReader["tile"]>[3], Parameters<typeof render>[1]]> = [
      ["rescale=0,300&colormap_name=terrain", {}, { rescale: [[0, 300]], colormap: "terrain" }],
      ["rescale=0,300&colormap_name=Viridis_R&resampling=bilinear", { resampling: "bilinear" }, { rescale: [[0, 300]], colormap: "viridis_r" }],
      ["bidx=1&rescale=0,300&nodata=0", { bands: [1] }, { rescale: [[0, 300]], nodata: 0 }],
    ];
    for (const [query, tileOpts, renderOpts] of cases) {
      const res = await get(`/tiles/dem/${z}/${x}/${y}.png?${query}`);
      expect(res.status, query).toBe(200);
      const expected = await render(await cogs.dem.tile(x, y, z, tileOpts), renderOpts);
      expect(Buffer.from(res.body).equals(Buffer.from(expected)), query).toBe(true);
    }
    const [sx, sy, sz] = cornerTile("sample");
    const res = await get(`/tiles/sample/${sz}/${sx}/${sy}.png?bidx=3,2,1&rescale=0,200&rescale=0,220&rescale=10,250`);
    const expected = await render(await cogs.sample.tile(sx, sy, sz, { bands: [3, 2, 1] }), { rescale: [[0, 200], [0, 220], [10, 250]] });
    expect(Buffer.from(res.body).equals(Buffer.from(expected))).toBe(true);
  });

  it("return_mask=false draws every pixel opaque", async () => {
    const [x, y, z] = cornerTile("sample");
    const { rgba } = await rgbaOf((await get(`/tiles/sample/${z}/${x}/${y}.png?return_mask=false`)).body);
    expect(rgba.filter((_, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
  });

  it("serves WebP and JPEG by extension", async () => {
    const [x, y, z] = cornerTile("sample");
    const webp = await get(`/tiles/sample/${z}/${x}/${y}.webp`);
    expect(webp.headers.get("content-type")).toBe("image/webp");
    expect(new TextDecoder().decode(webp.body.subarray(8, 12))).toBe("WEBP");
    for (const ext of ["jpg", "jpeg"]) {
      const jpg = await get(`/tiles/sample/${z}/${x}/${y}.${ext}`);
      expect(jpg.headers.get("content-type")).toBe("image/jpeg");
      expect(Array.from(jpg.body.subarray(0, 2))).toEqual([0xff, 0xd8]);
    }
  });

  it("answers 204 No Content for a tile outside the dataset, without reading it", async () => {
    const [x, y, z] = cornerTile("sample");
    logs.length = 0;
    const res = await get(`/tiles/sample/${z}/${x - 5}/${y}.png`);
    expect(res.status).toBe(204);
    expect(res.body.byteLength).toBe(0);
    expect(logs.at(-1)).toMatchObject({ status: 204, requests: 0 });
    expect((await get("/tiles/sample/0/0/0.png")).status).toBe(200);
    expect((await get("/tiles/sample/1/0/0.png")).status).toBe(204);
  });
});

describe("cogread serve: caching headers", () => {
  it("sends an ETag and Cache-Control; If-None-Match answers 304 with no request to the file", async () => {
    const [x, y, z] = cornerTile("dem");
    const p = `/tiles/dem/${z}/${x}/${y}.png?rescale=0,300`;
    const first = await get(p);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]{20,}"$/);
    expect(first.headers.get("cache-control")).toBe("public, max-age=3600");
    expect((await get(p)).headers.get("etag")).toBe(etag);
    expect((await get(`/tiles/dem/${z}/${x}/${y}.png?rescale=0,301`)).headers.get("etag")).not.toBe(etag);
    expect((await get(`/tiles/dem/${z}/${x}/${y}.webp?rescale=0,300`)).headers.get("etag")).not.toBe(etag);
    logs.length = 0;
    const again = await get(p, { "if-none-match": `W/"other", ${etag}` });
    expect(again.status).toBe(304);
    expect(again.body.byteLength).toBe(0);
    expect(again.headers.get("etag")).toBe(etag);
    expect(logs).toEqual([expect.objectContaining({ status: 304, requests: 0, bytes: 0 })]);
    expect((await get(p, { "if-none-match": '"other"' })).status).toBe(200);
  });
});

describe("cogread serve: info and TileJSON", () => {
  it("/point gives point()'s values and mask at a longitude/latitude; outside is 404 COG_TILE_OUTSIDE, off the globe 400", async () => {
    const [w, s, e, n] = cogs.sample.geographicBounds!;
    const [lon, lat] = [(w + e) / 2, (s + n) / 2];
    const want = await cogs.sample.point(lon, lat);
    const res = await get(`/point/sample/${lon},${lat}`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ coordinates: [lon, lat], values: want.values.map(Number), mask: want.mask, band_names: ["b1", "b2", "b3"] });
    const outside = await get("/point/sample/0,0");
    expect([outside.status, outside.json().code]).toEqual([404, "COG_TILE_OUTSIDE"]);
    const bad = await get("/point/sample/0,95");
    expect([bad.status, bad.json().code]).toEqual([400, "COG_USAGE"]);
  });

  it("/info has the COG's bounds, zooms, dtype, bands, nodata and overviews", async () => {
    const { status, json } = await get("/info/dem");
    expect(status).toBe(200);
    const info = json();
    expect(info).toMatchObject({
      name: "dem", type: "cog", bounds: cogs.dem.geographicBounds, minzoom: cogs.dem.minzoom, maxzoom: cogs.dem.maxzoom,
      dtype: "float32", count: 1, width: 600, height: 450, nodata_type: "Nodata", nodata_value: -9999, overviews: [2, 4], crs: "EPSG:32633",
    });
    expect(info.center).toEqual([(info.bounds[0] + info.bounds[2]) / 2, (info.bounds[1] + info.bounds[3]) / 2, info.minzoom]);
    expect((await get("/info/masked")).json().nodata_type).toBe("Mask");
    expect((await get("/info/sample")).json()).toMatchObject({ dtype: "uint8", count: 3, nodata_type: "None", nodata_value: null });
  });

  it("/tilejson is TileJSON 3.0.0 with an absolute tile URL from the Host header and the query passed through", async () => {
    const { status, json } = await get("/tilejson/dem.json?rescale=0,300&colormap_name=terrain");
    expect(status).toBe(200);
    const tj = json();
    expect(tj).toMatchObject({ tilejson: "3.0.0", name: "dem", scheme: "xyz", minzoom: cogs.dem.minzoom, maxzoom: cogs.dem.maxzoom, bounds: cogs.dem.geographicBounds });
    expect(tj.center).toHaveLength(3);
    expect(tj.tiles).toEqual([`${server.url}/tiles/dem/{z}/{x}/{y}.png?colormap_name=terrain&rescale=0%2C300`]);
    const webp = (await get("/tilejson/dem.json?tile_format=webp&tile_scale=2", { "x-forwarded-proto": "https", "x-forwarded-host": "tiles.example.com" })).json();
    expect(webp.tiles).toEqual(["https://tiles.example.com/tiles/dem/{z}/{x}/{y}@2x.webp"]);
    // The template works: the tile it names is the tile.
    const [x, y, z] = cornerTile("dem");
    const viaTemplate = await fetch(tj.tiles[0].replace("{z}", z).replace("{x}", x).replace("{y}", y));
    const direct = await get(`/tiles/dem/${z}/${x}/${y}.png?rescale=0,300&colormap_name=terrain`);
    expect(Buffer.from(await viaTemplate.arrayBuffer()).equals(Buffer.from(direct.body))).toBe(true);
  });
});

describe("cogread serve: errors", () => {
  it("bad queries are 400 with the COG_USAGE code and a message naming the value", async () => {
    const [x, y, z] = cornerTile("dem");
    const cases: Array<[string, RegExp]> = [
      [`/tiles/dem/${z}/${x}/${y}.png?bidx=0`, /bidx.*"0"/],
      [`/tiles/dem/${z}/${x}/${y}.png?rescale=1`, /rescale.*"1"/],
      [`/tiles/dem/${z}/${x}/${y}.png?colormap_name=jet`, /colormap_name.*"jet"/],
      [`/tiles/dem/${z}/${x}/${y}.png?resampling=gauss`, /resampling.*"gauss"/],
      [`/tiles/dem/${z}/${x}/${y}.png?colormap={bad`, /colormap must be JSON/],
      [`/tiles/dem/${z}/${x}/${y}.png?pixel_selection=highest`, /pixel_selection is for mosaics/],
      [`/tiles/dem/${z}/${x}/${y}.png?bidx=2`, /band/],
      [`/tiles/sample/${z}/${x}/${y}.png?colormap_name=viridis`, /colormap draws one band/],
      [`/tiles/dem/${z}/${2 ** z}/${y}.png`, /off the grid/],
      [`/tiles/dem/31/0/0.png`, /zoom 31/],
      ["/tilejson/dem.json?tile_format=gif", /tile_format/],
    ];
    for (const [p, message] of cases) {
      const res = await get(p);
      expect(res.status, p).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(res.json(), p).toEqual({ error: expect.stringMatching(message), code: "COG_USAGE" });
    }
  });

  it("an unknown dataset or route is 404 NOT_FOUND; POST is 405", async () => {
    for (const p of ["/tiles/nope/0/0/0.png", "/info/nope", "/tilejson/nope.json", "/nothing/here", "/tiles/sample/0/0/0.gif"]) {
      const res = await get(p);
      expect(res.status, p).toBe(404);
      expect(res.json(), p).toMatchObject({ code: "NOT_FOUND", error: expect.any(String) });
    }
    const post = await fetch(`${server.url}/tiles/sample/0/0/0.png`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(await post.json()).toMatchObject({ code: "METHOD_NOT_ALLOWED" });
  });

  it("a dataset that fails to open is 500 with its CogError code, and the server keeps serving", async () => {
    const bad = linkFolder({ "broken.tif": path.join(import.meta.dirname, "..", "package.json"), "good.tif": SAMPLE });
    const s = await startServer({ root: bad.dir, port: 0, log: false });
    try {
      const res = await fetch(`${s.url}/tiles/broken/0/0/0.png`);
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({ code: "COG_NOT_TIFF" });
      expect((await fetch(`${s.url}/tiles/good/0/0/0.png`)).status).toBe(200);
    } finally {
      await s.close();
      bad.remove();
    }
  });

  it("one log line per request: method, path, status, requests, bytes, size, ms", async () => {
    const lines: string[] = [];
    const s = await startServer({ root: SAMPLE, port: 0, log: (line) => lines.push(line) });
    try {
      const [x, y, z] = cornerTile("sample");
      await (await fetch(`${s.url}/tiles/sample_cog/${z}/${x}/${y}.png`)).arrayBuffer();
      await (await fetch(`${s.url}/tiles/sample_cog/${z}/${x}/${y}.png`)).arrayBuffer();
    } finally {
      await s.close();
    }
    expect(lines).toHaveLength(2);
    // The first tile pays for opening the file (16 KiB) and its data; the second for nothing (caches).
    expect(lines[0]).toMatch(/^GET \/tiles\/sample_cog\/13\/\d+\/\d+\.png 200 requests=([2-9]) bytes=\d+ size=\d+ ms=\d+\.\d$/);
    expect(lines[1]).toMatch(/ 200 requests=0 bytes=0 size=\d+ ms=/);
  });
});

describe("cogread serve: start and stop", () => {
  it("a missing root, a folder without datasets and a port in use reject with one-line COG_USAGE errors", async () => {
    const missing = await catchCogError(startServer({ root: "/nonexistent/folder", port: 0 }));
    expect(missing.message).toBe("no such file or folder: /nonexistent/folder");
    const empty = linkFolder({ "a.txt": SAMPLE });
    try {
      expect((await catchCogError(startServer({ root: empty.dir, port: 0 }))).message).toMatch(/^no datasets in .*: it has no \.tif/);
    } finally {
      empty.remove();
    }
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const { port } = taken.address() as AddressInfo;
    try {
      const err = await catchCogError(startServer({ root: SAMPLE, port, log: false }));
      expect(err.code).toBe("COG_USAGE");
      expect(err.message).toBe(`port ${port} on 127.0.0.1 is in use: choose another with --port`);
    } finally {
      taken.close();
    }
  });

  it("close() lets a tile in flight finish, then refuses connections", async () => {
    // The file comes from a range server that answers after 300 ms: the tile is surely in flight.
    const rs = await startRangeServer({ "/slow.tif": new Uint8Array(readFileSync(SAMPLE)) }, { latencyMs: 300 });
    const s = await startServer({ root: `${rs.url}/slow.tif`, port: 0, log: false, openOptions: { headerCache: false } });
    try {
      const [x, y, z] = cornerTile("sample");
      const inFlight = fetch(`${s.url}/tiles/slow/${z}/${x}/${y}.png`);
      for (let i = 0; i < 200 && rs.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(rs.requests.length).toBe(1);
      const closing = s.close();
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(res.headers.get("connection")).toBe("close");
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      await closing;
      const after = await fetch(`${s.url}/datasets`).catch((e: unknown) => e);
      expect(after).toBeInstanceOf(Error);
      expect(isCogError(after)).toBe(false);
    } finally {
      await s.close();
      await rs.close();
    }
  });
});
