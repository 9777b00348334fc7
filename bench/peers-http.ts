// Peer benchmark over HTTP: cogread vs geotiff.js vs @cogeotiff/core against bench/server.ts
// (127.0.0.1, injected latency per request), counting requests and bytes at the server.
//
//   npm run bench:peers                          # all files, 5 runs, 20 ms latency
//   npm run bench:peers -- --runs 7 --latency 50 --only jpeg --out /tmp/peers.json
//
// Test files come from bench/cogs/make.sh (GDAL), written to /tmp/cogread-bench-cogs/.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromUrl, Pool, type GeoTIFF } from "geotiff";
import { Tiff, type Source as CtSource } from "@cogeotiff/core";
import { BlockCache, COGReader, TileCache, createDecodePool, type DecodePool } from "../src/index.js";
import { seededRandom } from "./harness.js";
import { startServer, type BenchServer } from "./server.js";

const here = dirname(fileURLToPath(import.meta.url));
const COG_DIR = "/tmp/cogread-bench-cogs";

interface FileCase {
  name: string;
  label: string;
  tile: number;
  jpeg: boolean;
}
const FILES: FileCase[] = [
  { name: "rgb_jpeg_512.tif", label: "RGB uint8 JPEG, 512 tiles, overviews", tile: 512, jpeg: true },
  { name: "gray_deflate_256.tif", label: "gray uint8 deflate, 256 tiles, overviews", tile: 256, jpeg: false },
  { name: "f32_deflate_p3_512.tif", label: "float32 deflate pred. 3, 512 tiles, no overviews", tile: 512, jpeg: false },
];

// ---------------------------------------------------------------------------------------------
// arguments

const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const RUNS = Math.max(1, Number(arg("--runs") ?? 5));
const LATENCY = Number(arg("--latency") ?? 20);
const ONLY = arg("--only");
/** `--no-tile-cache`: cogread without its decoded-tile cache (every tile read is decoded). */
const NO_TILE_CACHE = argv.includes("--no-tile-cache");
const RANDOM_TILES = Number(arg("--tiles") ?? 200);
const OUT = arg("--out") ?? (ONLY ? undefined : join(here, "results", "peers.json"));

// ---------------------------------------------------------------------------------------------
// libraries

/** A @cogeotiff/core Source over fetch: what @chunkd/source-http does, without the dependency. */
class FetchRangeSource implements CtSource {
  url: URL;
  metadata?: { size?: number };
  constructor(url: string) {
    this.url = new URL(url);
  }
  async fetch(offset: number, length?: number, options?: { signal?: AbortSignal }): Promise<ArrayBuffer> {
    const range = length == null ? (offset < 0 ? `bytes=${offset}` : `bytes=${offset}-`) : `bytes=${offset}-${offset + length - 1}`;
    const res = await fetch(this.url, { headers: { range }, signal: options?.signal });
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${this.url} ${range}`);
    const cr = res.headers.get("content-range");
    const total = cr ? Number(cr.split("/")[1]) : NaN;
    if (Number.isFinite(total)) this.metadata = { size: total };
    return res.arrayBuffer();
  }
}

type Lib = "cogread" | "cogread+decodePool" | "geotiff.js" | "geotiff.js+Pool" | "@cogeotiff/core";
const ALL_LIBS: Lib[] = ["cogread", "cogread+decodePool", "geotiff.js", "geotiff.js+Pool", "@cogeotiff/core"];
// Default set; `--libs cogread,cogread+decodePool` picks others (cogread must come first: ratios are to it).
const LIBS: Lib[] = arg("--libs")
  ? (arg("--libs")!.split(",").filter((l): l is Lib => (ALL_LIBS as string[]).includes(l)))
  : ["cogread", "geotiff.js", "geotiff.js+Pool", "@cogeotiff/core"];

/** One opened reader of one library; each op returns a sample count so nothing is optimised away. */
interface Handle {
  tile(x: number, y: number): Promise<number>;
  window(x: number, y: number, w: number, h: number): Promise<number>;
  overview(w: number, h: number): Promise<number>;
  close(): Promise<void>;
  /** Set when the library only fetches (no decode) for tile-like ops. */
  fetchOnly?: boolean;
  /** Set when the library cannot do an op: op → reason. */
  na?: Partial<Record<Op, string>>;
}
type Op = "tile" | "window" | "overview";

let pool: Pool | undefined;
let cogPool: DecodePool | undefined;

async function open(lib: Lib, url: string, tileSize: number): Promise<Handle> {
  if (lib === "cogread" || lib === "cogread+decodePool") {
    // Same worker count as geotiff.js's Pool in Node 20 (2).
    const decodePool = lib === "cogread+decodePool" ? (cogPool ??= await createDecodePool({ size: 2 })) : undefined;
    // Fresh caches per open, so that no run starts warm from an earlier one.
    const tileCache = NO_TILE_CACHE ? false : new TileCache({ maxBytes: 32 << 20 });
    const cog = await COGReader.open(url, { headerCache: false, blockCache: new BlockCache({ maxBytes: 64 << 20 }), tileCache, decodePool });
    return {
      tile: async (x, y) => (await cog.getTile(x, y, 0)).data.length,
      window: async (x, y, width, height) => (await cog.readWindow({ x, y, width, height }, 0)).data.length,
      overview: async (width, height) => (await cog.read(cog.bounds!, { width, height })).data.length,
      close: () => cog.close(),
    };
  }
  if (lib === "geotiff.js" || lib === "geotiff.js+Pool") {
    const usePool = lib === "geotiff.js+Pool" ? (pool ??= new Pool()) : undefined;
    const tiff: GeoTIFF = await fromUrl(url); // defaults: 64 KiB blocks, cacheSize 100, no multi-range
    const img0 = await tiff.getImage(0);
    const count = (r: unknown): number => (r as ArrayLike<number>[]).reduce((s, a) => s + a.length, 0);
    return {
      tile: async (x, y) => count(await img0.readRasters({ window: [x * tileSize, y * tileSize, (x + 1) * tileSize, (y + 1) * tileSize], pool: usePool })),
      window: async (x, y, w, h) => count(await img0.readRasters({ window: [x, y, x + w, y + h], pool: usePool })),
      overview: async (width, height) => count(await tiff.readRasters({ width, height, pool: usePool })),
      close: async () => tiff.close(),
    };
  }
  const tiff = await Tiff.create(new FetchRangeSource(url));
  const img = tiff.images[0]!;
  const fetchTile = async (x: number, y: number): Promise<number> => (await img.getTile(x, y))?.bytes.byteLength ?? 0;
  return {
    fetchOnly: true,
    tile: fetchTile,
    // No window API: fetch the tiles the window covers (in parallel), no decode, no crop.
    window: async (x, y, w, h) => {
      const { width: tw, height: th } = img.tileSize;
      const jobs: Promise<number>[] = [];
      for (let ty = Math.floor(y / th); ty <= Math.floor((y + h - 1) / th); ty++)
        for (let tx = Math.floor(x / tw); tx <= Math.floor((x + w - 1) / tw); tx++) jobs.push(fetchTile(tx, ty));
      return (await Promise.all(jobs)).reduce((s, n) => s + n, 0);
    },
    overview: async () => 0,
    na: { overview: "no resampling or overview choice" },
    close: async () => undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// scenarios

interface Measure {
  ms: number;
  requests: number;
  bytes: number;
  /** tiles per second, for the random-tile scenarios */
  tilesPerSec?: number;
}
interface Scenario {
  id: string;
  label: string;
  jpegOnly?: boolean;
  op?: Op;
  /** Runs one measured pass; `mark()` resets the server counters and starts the clock. */
  run(lib: Lib, url: string, f: FileCase, srv: BenchServer): Promise<Measure | string>;
}


async function measure(srv: BenchServer, fn: () => Promise<unknown>): Promise<Measure> {
  await srv.reset();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const { requests, bytes } = await srv.counts();
  return { ms, requests, bytes };
}

const SIZE = 4096;
const midTile = (f: FileCase): [number, number] => [Math.floor(SIZE / f.tile / 2), Math.floor(SIZE / f.tile / 2)];
// An unaligned 512×512 window: crosses 2×2 tiles of 512, 3×3 tiles of 256.
const WIN = { x: 1000, y: 1300, w: 512, h: 512 };

const SCENARIOS: Scenario[] = [
  {
    id: "open",
    label: "cold open",
    async run(lib, url, f, srv) {
      let h: Handle | undefined;
      const m = await measure(srv, async () => (h = await open(lib, url, f.tile)));
      await h!.close();
      return m;
    },
  },
  {
    id: "tile-cold",
    label: "one tile, cold (after open)",
    op: "tile",
    async run(lib, url, f, srv) {
      const h = await open(lib, url, f.tile);
      const [x, y] = midTile(f);
      const m = await measure(srv, () => h.tile(x, y));
      await h.close();
      return m;
    },
  },
  {
    id: "tile-warm",
    label: "same tile again, warm (same reader)",
    op: "tile",
    async run(lib, url, f, srv) {
      const h = await open(lib, url, f.tile);
      const [x, y] = midTile(f);
      await h.tile(x, y);
      const m = await measure(srv, () => h.tile(x, y));
      await h.close();
      return m;
    },
  },
  {
    id: "window",
    label: `unaligned ${WIN.w}×${WIN.h} window at (${WIN.x},${WIN.y}), full res`,
    op: "window",
    async run(lib, url, f, srv) {
      const h = await open(lib, url, f.tile);
      const m = await measure(srv, () => h.window(WIN.x, WIN.y, WIN.w, WIN.h));
      await h.close();
      return m;
    },
  },
  {
    id: "overview",
    label: "whole image to 256×256",
    op: "overview",
    async run(lib, url, f, srv) {
      const h = await open(lib, url, f.tile);
      if (h.na?.overview) return h.na.overview;
      const m = await measure(srv, () => h.overview(256, 256));
      await h.close();
      return m;
    },
  },
  ...[1, 8].map(
    (conc): Scenario => ({
      id: `random-c${conc}`,
      label: `${RANDOM_TILES} random full-res tiles, concurrency ${conc}`,
      jpegOnly: true,
      op: "tile",
      async run(lib, url, f, srv) {
        const h = await open(lib, url, f.tile);
        const n = SIZE / f.tile;
        const rnd = seededRandom(1234);
        const coords = Array.from({ length: RANDOM_TILES }, () => [Math.floor(rnd() * n), Math.floor(rnd() * n)] as const);
        let next = 0;
        const worker = async (): Promise<void> => {
          for (let guard = 0; guard < RANDOM_TILES && next < coords.length; guard++) {
            const [x, y] = coords[next++]!;
            await h.tile(x, y);
          }
        };
        const m = await measure(srv, () => Promise.all(Array.from({ length: conc }, worker)));
        await h.close();
        return { ...m, tilesPerSec: (RANDOM_TILES / m.ms) * 1000 };
      },
    }),
  ),
];

// ---------------------------------------------------------------------------------------------
// main

function ensureCogs(): void {
  if (FILES.every((f) => existsSync(join(COG_DIR, f.name)))) return;
  const gdal = spawnSync("gdal_translate", ["--version"], { encoding: "utf8" });
  if (gdal.status !== 0) {
    console.error(`Test COGs missing in ${COG_DIR} and gdal_translate not found.\n` +
      `Install GDAL (apt-get install gdal-bin python3-gdal python3-numpy), then: sh bench/cogs/make.sh`);
    process.exit(1);
  }
  console.error(`making test COGs in ${COG_DIR} with bench/cogs/make.sh …`);
  const r = spawnSync("sh", [join(here, "cogs", "make.sh"), COG_DIR], { stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Cell {
  file: string;
  scenario: string;
  lib: Lib;
  na?: string;
  fetchOnly?: boolean;
  runs: Measure[];
  median?: Measure;
}

async function main(): Promise<void> {
  ensureCogs();
  const srv = await startServer({ root: COG_DIR, latencyMs: LATENCY });
  const files = FILES.filter((f) => !ONLY || f.name.includes(ONLY));
  const cells: Cell[] = [];
  const load0 = (await import("node:os")).loadavg()[0]!;
  console.error(`server ${srv.base}, latency ${LATENCY} ms, ${RUNS} runs, load ${load0.toFixed(2)}`);
  try {
    // Warm-up: JIT, WASM codecs, worker pool start, connection pools. Not measured.
    for (const f of files)
      for (const lib of LIBS) {
        const h = await open(lib, srv.url(f.name), f.tile);
        await h.tile(0, 0);
        await h.close();
      }
    for (const f of files) {
      const url = srv.url(f.name);
      for (const sc of SCENARIOS) {
        if (sc.jpegOnly && !f.jpeg) continue;
        const row = LIBS.map((lib): Cell => ({ file: f.name, scenario: sc.id, lib, runs: [], fetchOnly: lib === "@cogeotiff/core" && sc.op !== undefined }));
        for (let k = 0; k < RUNS; k++) {
          // Interleaved: run k goes over every library, in an order rotated by k.
          for (let j = 0; j < LIBS.length; j++) {
            const cell = row[(j + k) % LIBS.length]!;
            if (cell.na) continue;
            const r = await sc.run(cell.lib, url, f, srv);
            if (typeof r === "string") cell.na = r;
            else cell.runs.push(r);
          }
        }
        for (const c of row) {
          if (c.runs.length) {
            const tps = c.runs.map((r) => r.tilesPerSec).filter((v): v is number => v !== undefined);
            c.median = {
              ms: median(c.runs.map((r) => r.ms)),
              requests: median(c.runs.map((r) => r.requests)),
              bytes: median(c.runs.map((r) => r.bytes)),
              ...(tps.length ? { tilesPerSec: median(tps) } : {}),
            };
          }
          cells.push(c);
        }
        console.error(`${f.name} ${sc.id}: ` + row.map((c) => `${c.lib} ${c.median ? c.median.ms.toFixed(0) + " ms" : "n/a"}`).join(", "));
      }
    }
  } finally {
    await srv.close();
    await pool?.destroy();
    await cogPool?.close();
  }
  printTable(files, cells);
  if (OUT) {
    mkdirSync(dirname(OUT), { recursive: true });
    const versions = {
      node: process.version,
      geotiff: pkgVersion("geotiff"),
      cogeotiff: pkgVersion("@cogeotiff/core"),
    };
    const commit = spawnSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).stdout.trim();
    writeFileSync(OUT, JSON.stringify({
      date: new Date().toISOString(), commit, latencyMs: LATENCY, runs: RUNS, randomTiles: RANDOM_TILES, window: WIN,
      machine: { cpu: cpus()[0]?.model, cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), loadStart: load0 },
      versions, cells,
    }, null, 1) + "\n");
    console.error(`wrote ${OUT}`);
  }
}

function pkgVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(here, "..", "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

function fmtCell(c: Cell | undefined): string {
  if (!c) return "";
  if (c.na) return `n/a (${c.na})`;
  const m = c.median!;
  const kb = m.bytes >= 1e6 ? `${(m.bytes / 1e6).toFixed(2)} MB` : `${(m.bytes / 1e3).toFixed(1)} kB`;
  const t = m.tilesPerSec !== undefined ? `${m.tilesPerSec.toFixed(0)} tiles/s` : `${m.ms < 10 ? m.ms.toFixed(1) : m.ms.toFixed(0)} ms`;
  return `${m.requests} req · ${kb} · ${t}${c.fetchOnly ? " (fetch only)" : ""}`;
}

function ratio(c: Cell | undefined, base: Cell | undefined): string {
  if (!c?.median || !base?.median) return "";
  return `${(c.median.ms / base.median.ms).toFixed(2)}×`;
}

function printTable(files: FileCase[], cells: Cell[]): void {
  const out: string[] = [];
  out.push(`Latency ${LATENCY} ms per request; median of ${RUNS} runs. Cells: requests · bytes · time (or tiles/s). Ratios are peer time ÷ cogread time (> 1: cogread faster).`);
  out.push("");
  out.push(`| file | scenario | ${LIBS.join(" | ")} | ${LIBS.slice(1).map((l) => `${l} ÷ cogread`).join(" | ")} |`);
  out.push(`|---|---|${LIBS.map(() => "---").join("|")}|${LIBS.slice(1).map(() => "---:").join("|")}|`);
  for (const f of files)
    for (const sc of SCENARIOS) {
      const row = LIBS.map((l) => cells.find((c) => c.file === f.name && c.scenario === sc.id && c.lib === l));
      if (!row[0]) continue;
      out.push(`| \`${f.name}\` | ${sc.label} | ${row.map(fmtCell).join(" | ")} | ${row.slice(1).map((c) => ratio(c, row[0])).join(" | ")} |`);
    }
  console.log(out.join("\n"));
}

await main();
