// Mosaic datasets of `cogread serve`: the routes against the adapter's interface (MosaicSource),
// with a stand-in reader over one COG; and, skipped until cogread/mosaic is on this branch, the
// same against the real MosaicReader.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COGReader, type Raster } from "../src/index.js";
import { createMosaic } from "../src/mosaic.js";
import type { MosaicSource } from "../src/serve/mosaic-adapter.js";
import { startServer, type TileServer } from "../src/serve/server.js";
import { expectedRgba, rgbaOf, SAMPLE, tileAt } from "./helpers/serve.js";

/** A MosaicSource over one COG, recording the options of each tile call. */
function standIn(cog: COGReader, calls: unknown[]): MosaicSource {
  const [w, s, e, n] = cog.geographicBounds!;
  return {
    info: { bounds: [w, s, e, n], minzoom: cog.minzoom!, maxzoom: cog.maxzoom!, name: "stand-in" },
    async tile(x, y, z, opts) {
      calls.push({ x, y, z, ...opts, signal: opts.signal !== undefined });
      if (!cog.tileExists(x, y, z, { tileSize: opts.tileSize })) {
        const size = opts.tileSize ?? 256;
        const empty: Raster = { width: size, height: size, bands: 3, dtype: "uint8", data: new Uint8Array(size * size * 3), mask: new Uint8Array(size * size) };
        return { ...empty, assets: { used: [], failed: [] } };
      }
      const t = await cog.tile(x, y, z, { bands: opts.bands, resampling: opts.resampling, tileSize: opts.tileSize, signal: opts.signal });
      return { ...t, assets: { used: [cog.url], failed: [] } };
    },
    get requests() {
      return cog.requests;
    },
    close: () => cog.close(),
  };
}

describe("cogread serve: a MosaicJSON dataset (stand-in MosaicReader)", () => {
  let dir: string;
  let server: TileServer;
  let cog: COGReader;
  const calls: unknown[] = [];
  const opened: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "cogread-mosaic-"));
    writeFileSync(path.join(dir, "m.json"), "{}");
    writeFileSync(path.join(dir, "g.json.gz"), "");
    cog = await COGReader.open(SAMPLE, { blockCache: false, tileCache: false });
    server = await startServer({
      root: dir,
      port: 0,
      log: false,
      openMosaic: async (p) => {
        opened.push(p);
        return standIn(await COGReader.open(SAMPLE), calls);
      },
    });
  });

  afterAll(async () => {
    await server?.close();
    await cog?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("names .json and .json.gz files as mosaics, opened once through the adapter", async () => {
    expect(server.datasets.map((d) => [d.name, d.kind])).toEqual([["g", "mosaic"], ["m", "mosaic"]]);
    await fetch(`${server.url}/info/m`);
    await fetch(`${server.url}/info/m`);
    expect(opened).toEqual([path.join(dir, "m.json")]);
  });

  it("tiles pass pixel_selection, bidx, resampling and @2x to MosaicReader.tile and draw what it returns", async () => {
    const [w, , , n] = cog.geographicBounds!;
    const [x, y, z] = tileAt(w, n, 13);
    calls.length = 0;
    const res = await fetch(`${server.url}/tiles/m/${z}/${x}/${y}@2x.png?pixel_selection=lastbandhigh&bidx=1,2,3&resampling=bilinear`);
    expect(res.status).toBe(200);
    expect(calls).toEqual([{ x, y, z, pixelSelection: "lastBandHigh", bands: [1, 2, 3], resampling: "bilinear", tileSize: 512, signal: true }]);
    const { rgba } = await rgbaOf(new Uint8Array(await res.arrayBuffer()));
    expect(Buffer.from(rgba).equals(Buffer.from(expectedRgba(await cog.tile(x, y, z, { bands: [1, 2, 3], resampling: "bilinear", tileSize: 512 }))))).toBe(true);
  });

  it("a tile no asset covers is 204; info and TileJSON come from the mosaic's info", async () => {
    expect((await fetch(`${server.url}/tiles/m/1/0/0.png`)).status).toBe(204);
    expect(await (await fetch(`${server.url}/info/m`)).json()).toMatchObject({ name: "stand-in", type: "mosaic", bounds: cog.geographicBounds, minzoom: cog.minzoom, maxzoom: cog.maxzoom });
    const tj = await (await fetch(`${server.url}/tilejson/m.json?pixel_selection=highest`)).json();
    expect(tj).toMatchObject({ tilejson: "3.0.0", name: "m", minzoom: cog.minzoom, maxzoom: cog.maxzoom });
    expect(tj.tiles).toEqual([`${server.url}/tiles/m/{z}/{x}/{y}.png?pixel_selection=highest`]);
  });

  it("a .json that is no MosaicJSON answers 500 with MosaicReader's COG_FORMAT", async () => {
    const s = await startServer({ root: path.join(dir, "m.json"), port: 0, log: false });
    try {
      const res = await fetch(`${s.url}/tiles/m/0/0/0.png`);
      const body = await res.json();
      expect(res.status).toBe(500);
      expect(body.code).toBe("COG_FORMAT");
    } finally {
      await s.close();
    }
  });
});

describe("cogread serve: a MosaicJSON dataset (cogread/mosaic's MosaicReader)", () => {
  it("a mosaic of the sample serves the sample's tiles (first)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cogread-mosaic-real-"));
    writeFileSync(path.join(dir, "sample.json"), JSON.stringify(await createMosaic([SAMPLE])));
    const server = await startServer({ root: dir, port: 0, log: false });
    const cog = await COGReader.open(SAMPLE);
    try {
      const [w, , , n] = cog.geographicBounds!;
      const [x, y, z] = tileAt(w, n, 13);
      const res = await fetch(`${server.url}/tiles/sample/${z}/${x}/${y}.png?pixel_selection=first`);
      expect(res.status).toBe(200);
      const { rgba } = await rgbaOf(new Uint8Array(await res.arrayBuffer()));
      expect(Buffer.from(rgba).equals(Buffer.from(expectedRgba(await cog.tile(x, y, z))))).toBe(true);
      expect((await fetch(`${server.url}/tiles/sample/1/0/0.png`)).status).toBe(204);
      const [e, s] = [cog.geographicBounds![2], cog.geographicBounds![1]];
      const [lon, lat] = [(w + e) / 2, (s + n) / 2];
      const want = await cog.point(lon, lat);
      const point = await (await fetch(`${server.url}/point/sample/${lon},${lat}`)).json();
      expect(point).toEqual({ coordinates: [lon, lat], values: [{ asset: SAMPLE, values: want.values.map(Number), mask: want.mask }] });
      expect(await (await fetch(`${server.url}/tilejson/sample.json`)).json()).toMatchObject({ tilejson: "3.0.0", minzoom: cog.minzoom, maxzoom: cog.maxzoom });
    } finally {
      await server.close();
      await cog.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
