// `cogread serve --snapshots`: with header snapshots a tile costs exactly its data requests,
// counted at a range server on 127.0.0.1 serving the COG.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COGReader, type HeaderSnapshot } from "../src/index.js";
import type { LogEntry } from "../src/serve/log.js";
import { startServer } from "../src/serve/server.js";
import { SnapshotStore } from "../src/serve/snapshots.js";
import { catchCogError } from "./helpers/local-server.js";
import { startRangeServer, type RangeServer } from "./helpers/range-server.js";
import { FIXTURES, SAMPLE, tileAt } from "./helpers/serve.js";

const LARGE = path.join(FIXTURES, "uint8_1band_6144x6144_deflate_block128_mask_ovr6.tif");
let rs: RangeServer;
let dir: string;
/** Each file served, with tiles inside it: the sample (whose block arrays are in its first 16 KiB) and a 6144² file with a mask (whose are not). */
const FILES: Array<{ path: string; tiles: Array<[number, number, number]> }> = [
  { path: "/sample.tif", tiles: [tileAt(13.501, 53.2, 13), tileAt(13.6, 53.24, 13), tileAt(13.55, 53.2, 12)] },
  { path: "/large.tif", tiles: [tileAt(13.9, 53.0, 13), tileAt(14.2, 52.8, 13), tileAt(14.0, 52.9, 10)] },
];

beforeAll(async () => {
  rs = await startRangeServer({ "/sample.tif": new Uint8Array(readFileSync(SAMPLE)), "/large.tif": new Uint8Array(readFileSync(LARGE)) });
  dir = mkdtempSync(path.join(tmpdir(), "cogread-snapshots-"));
});

afterAll(async () => {
  await rs?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Requests the range server saw while `fn` ran, as `[offset, length]`. */
async function ranges(fn: () => Promise<unknown>): Promise<Array<[number, number]>> {
  const before = rs.requests.length;
  await fn();
  return rs.requests.slice(before).map((r) => {
    const m = /^bytes=(\d+)-(\d+)$/.exec(r.range ?? "")!;
    return [Number(m[1]), Number(m[2]) - Number(m[1]) + 1];
  });
}

/** Serves `url` (header cache off: each server opens the file as a new process would), fetches each tile, closes. */
async function serveTiles(url: string, tiles: Array<[number, number, number]>, snapshots: string | undefined): Promise<{ perTile: Array<Array<[number, number]>>; logs: LogEntry[] }> {
  const logs: LogEntry[] = [];
  const s = await startServer({ root: url, port: 0, snapshots, log: (_l, e) => logs.push(e), openOptions: { headerCache: false } });
  const perTile: Array<Array<[number, number]>> = [];
  try {
    for (const [x, y, z] of tiles) {
      perTile.push(await ranges(async () => {
        const res = await fetch(`${s.url}/tiles/${s.datasets[0].name}/${z}/${x}/${y}.png`);
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }));
    }
  } finally {
    await s.close();
  }
  return { perTile, logs };
}

describe("cogread serve --snapshots", () => {
  it.each(FILES)("a tile of $path costs exactly its data requests once the snapshot is on file", async ({ path: p, tiles }) => {
    const url = `${rs.url}${p}`;
    const file = path.join(dir, `snapshots${p.replace(/\W/g, "_")}.json`);
    const without = await serveTiles(url, tiles, undefined);
    const first = await serveTiles(url, tiles, file);
    expect(existsSync(file)).toBe(true);
    const saved = JSON.parse(readFileSync(file, "utf8"));
    expect(saved).toMatchObject({ format: "cogread-serve-snapshots", version: 1 });
    expect(Object.keys(saved.datasets)).toEqual([url]);
    const warm = await serveTiles(url, tiles, file);

    // What each tile must cost: the data ranges of its plan, from a reader opened from the snapshot.
    const cog = await COGReader.open(url, { snapshot: saved.datasets[url].snapshot, blockCache: false, tileCache: false, headerCache: false });
    const plans = [];
    for (const [x, y, z] of tiles) plans.push(await cog.plan.tile(x, y, z));
    expect(cog.requests.count).toBe(0);
    await cog.close();
    for (let i = 0; i < tiles.length; i++) {
      expect(plans[i].header, `tile ${tiles[i]}`).toEqual([]);
      expect(plans[i].data.length).toBeGreaterThan(0);
      expect(warm.perTile[i], `tile ${tiles[i]}`).toEqual(plans[i].data);
      expect(warm.logs[i]).toMatchObject({ requests: plans[i].data.length, bytes: plans[i].data.reduce((a, [, n]) => a + n, 0) });
    }
    // Without snapshots the first tile also reads the header (16 KiB at offset 0).
    expect(without.perTile[0][0]).toEqual([0, 16384]);
    expect(without.perTile[0].length).toBeGreaterThan(warm.perTile[0].length);
    expect(first.perTile[0][0]).toEqual([0, 16384]);
    const counts = (r: { perTile: unknown[][] }) => r.perTile.map((t) => t.length).join(", ");
    console.log(`serve ${p}: requests per tile (3 tiles) without snapshots ${counts(without)}; first run with --snapshots ${counts(first)}; from the snapshots file ${counts(warm)}`);
  });

  it("a mosaic's assets open from the snapshots file too: its tiles then cost what the COG's do, data only", async () => {
    const { createMosaic } = await import("../src/mosaic.js");
    const asset = `${rs.url}/sample.tif`;
    const doc = path.join(dir, "mosaic.json");
    writeFileSync(doc, JSON.stringify(await createMosaic([asset], { reader: { headerCache: false } })));
    const file = path.join(dir, "snapshots_mosaic.json");
    const { tiles } = FILES[0];
    const first = await serveTiles(doc, tiles, file);
    expect(first.perTile[0][0]).toEqual([0, 16384]); // the asset's header, read once and snapshotted
    const saved = JSON.parse(readFileSync(file, "utf8"));
    expect(Object.keys(saved.datasets)).toEqual([asset]);
    const warm = await serveTiles(doc, tiles, file);
    const cogFile = path.join(dir, "snapshots_cog_for_mosaic.json");
    await serveTiles(asset, tiles, cogFile);
    const cogWarm = await serveTiles(asset, tiles, cogFile);
    expect(warm.perTile).toEqual(cogWarm.perTile);
    for (const t of warm.perTile) expect(t.some(([offset]) => offset === 0)).toBe(false);
  });

  it("SnapshotStore: writes coalesce, and the file holds every snapshot set", async () => {
    const file = path.join(dir, "store.json");
    const store = await SnapshotStore.load(file);
    const snap: HeaderSnapshot = { format: "cogread-header-snapshot", version: 1, url: "u", segments: [] };
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`k${i}`, String(i), { ...snap, url: `u${i}` })));
    const again = await SnapshotStore.load(file);
    for (let i = 0; i < 20; i++) expect(again.get(`k${i}`, String(i))?.url).toBe(`u${i}`);
    expect(again.get("k1", "other stamp")).toBeUndefined();
    await store.delete("k1");
    expect((await SnapshotStore.load(file)).get("k1", "1")).toBeUndefined();
  });

  it("a snapshots file that is not one stops the start with COG_USAGE", async () => {
    const file = path.join(dir, "bad.json");
    writeFileSync(file, '{"hello": 1}');
    expect((await catchCogError(startServer({ root: `${rs.url}/sample.tif`, port: 0, snapshots: file }))).message).toMatch(/is not a cogread serve snapshots file/);
    writeFileSync(file, "{");
    expect((await catchCogError(startServer({ root: `${rs.url}/sample.tif`, port: 0, snapshots: file }))).message).toMatch(/is not JSON/);
  });

  it("in a served folder, the snapshots file is not a dataset, and a changed file is snapshotted again", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "cogread-snapfolder-"));
    try {
      const tif = path.join(folder, "a.tif");
      writeFileSync(tif, readFileSync(SAMPLE));
      const file = path.join(folder, "snapshots.json");
      const once = async () => {
        const s = await startServer({ root: folder, port: 0, snapshots: file, log: false });
        expect(s.datasets.map((d) => d.name)).toEqual(["a"]);
        expect((await fetch(`${s.url}/info/a`)).status).toBe(200);
        await s.close();
        return JSON.parse(readFileSync(file, "utf8")).datasets[tif].stamp as string;
      };
      const stamp = await once();
      expect(stamp).toMatch(/^\d+:\d+$/);
      writeFileSync(tif, readFileSync(SAMPLE));
      const { utimesSync } = await import("node:fs");
      utimesSync(tif, new Date(), new Date(Date.now() + 5000));
      expect(await once()).not.toBe(stamp);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
