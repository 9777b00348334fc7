// Resampling and warping benchmark: cogread's tile() and read() (nearest, bilinear, cubic) against
// gdalwarp / gdal_translate (python3-gdal, warm block cache) and geotiff.js, cold tiles over the
// local HTTP server, and random-tile throughput at concurrency 8 that reports how many distinct
// source tiles it touched. See bench/README.md ("bench/warp.ts").
//
//   npm run bench:warp                               # about 2 minutes on 2 cores
//   npm run bench:warp -- --runs 7 --only jpeg --out /tmp/warp.json
//
// cogread comes from the BUILT package (dist/, `npm run build` first), loaded with a dynamic
// import(). The npm script compiles this file (and bench/server.ts) with esbuild into
// node_modules/.cache/cogread-bench/ and runs it with plain `node`: under the tsx loader every
// dynamic import() inside cogread (tile() and read() load their resampling code lazily) goes
// through tsx's resolve hook, a per-call cost that cogread's users do not pay. The types come
// from src/ (type-only imports), so `tsc` checks this file without dist/.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import proj4 from "proj4";
import { fromFile, fromUrl, type GeoTIFF, type GeoTIFFImage } from "geotiff";
import type * as Cogread from "../src/index.js";
import type { MapTileOptions, Raster } from "../src/index.js";
import { startServerProcess, type BenchServer } from "./server.js";
import { machineInfo, seededRandom } from "./harness.js";

// ---------------------------------------------------------------------------------------------
// where things are

/** The repository root: the nearest directory up with cogread's package.json (works from bench/ and from the compiled copy). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, "package.json");
    if (existsSync(p) && (JSON.parse(readFileSync(p, "utf8")) as { name?: string }).name === "cogread") return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("bench/warp.ts: cannot find the cogread repository root");
    dir = up;
  }
}
const ROOT = findRoot();
const COG_DIR = "/tmp/cogread-bench-cogs";
const PY_HELPER = join(ROOT, "bench", "gdalwarp_tiles.py");
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

// ---------------------------------------------------------------------------------------------
// arguments

const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
/** Timed passes per implementation in the warm scenarios (the median pass is reported). */
const RUNS = Math.max(1, Number(arg("--runs") ?? 5));
/**
 * A warm pass repeats its jobs until it has lasted this long (both here and in the GDAL helper):
 * a pass of 40 aligned reads lasts about 1 ms, and one garbage collection would decide it.
 */
const MIN_PASS_MS = Math.max(0, Number(arg("--min-pass-ms") ?? 50));
/** Passes over the tiles in the cold scenario (every tile of every pass on a fresh reader). */
const COLD_RUNS = Math.max(1, Number(arg("--cold-runs") ?? 1));
/** Runs of each random-throughput scenario (fresh reader and caches each run). */
const RANDOM_RUNS = Math.max(1, Number(arg("--random-runs") ?? 3));
const N_TILES = Math.max(1, Number(arg("--tiles") ?? 40));
const N_RANDOM = Math.max(1, Number(arg("--random") ?? 200));
const CONCURRENCY = Math.max(1, Number(arg("--concurrency") ?? 8));
const LATENCY = Number(arg("--latency") ?? 20);
const ONLY = arg("--only");
const OUT = arg("--out") ?? (ONLY ? undefined : join(ROOT, "bench", "results", "warp.json"));

type Method = "nearest" | "bilinear" | "cubic";
const METHODS: Method[] = ["nearest", "bilinear", "cubic"];
/** geotiff.js's resampleMethod knows nearest and bilinear only. */
const GEOTIFF_METHODS: ReadonlySet<Method> = new Set(["nearest", "bilinear"]);

interface FileCase {
  name: string;
  label: string;
}
/** The warm, read and cold scenarios run on every file; the random scenarios on RANDOM_FILE. */
const FILES: FileCase[] = [
  { name: "rgb_jpeg_256.tif", label: "4096² RGB uint8 JPEG (YCbCr), 256² tiles (16×16), UTM 33N" },
  { name: "gray_deflate_256.tif", label: "4096² gray uint8 deflate, 256² tiles (16×16), UTM 33N" },
  { name: "rgb_jpeg_256_3857.tif", label: "the RGB JPEG file's pixels in EPSG:3857 (a separable warp)" },
];
const RANDOM_FILE = "rgb_jpeg_256.tif";

// ---------------------------------------------------------------------------------------------
// small helpers


/** `n` distinct items of `xs`, in a seeded random order. */
function pickDistinct<T>(xs: readonly T[], n: number, seed: number): T[] {
  const rnd = seededRandom(seed);
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, Math.min(n, a.length));
}

/** `n` draws with replacement. */
function draw<T>(xs: readonly T[], n: number, seed: number): T[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, () => xs[Math.floor(rnd() * xs.length)]);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const fmtMs = (ms: number | undefined): string => (ms === undefined ? "n/a" : ms < 1 ? `${ms.toFixed(2)} ms` : ms < 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(0)} ms`);
const fmtRatio = (r: number | undefined): string => (r === undefined || !Number.isFinite(r) ? "" : `${r < 10 ? r.toFixed(2) : r.toFixed(1)}×`);
const fmtBytes = (b: number): string => (b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : `${(b / 1e3).toFixed(1)} kB`);

/** Runs `fn(0 … n-1)` with `conc` workers pulling the next index. */
async function runConcurrent(n: number, conc: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/**
 * Interleaved timing: run k calls every runner once, in an order rotated by k, so that drift (a
 * neighbour on the shared machine, GC pressure) spreads over all of them. Each call returns the
 * ms per job of one pass.
 */
async function interleave(runners: { key: string; pass: () => Promise<number> }[], runs: number): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>(runners.map((r) => [r.key, []]));
  for (let k = 0; k < runs; k++)
    for (let j = 0; j < runners.length; j++) {
      const r = runners[(j + k) % runners.length];
      out.get(r.key)!.push(await r.pass());
    }
  return out;
}

// ---------------------------------------------------------------------------------------------
// the GDAL helper process (bench/gdalwarp_tiles.py --serve)

interface GdalReady {
  gdal: string;
  warmMs: number;
  cacheMaxBytes: number;
}

class GdalProcess {
  private waiting: ((line: string) => void)[] = [];
  private stderr = "";
  private exited = false;
  private constructor(private proc: ChildProcessWithoutNullStreams) {
    createInterface({ input: proc.stdout }).on("line", (line) => this.waiting.shift()?.(line));
    proc.stderr.on("data", (d: Buffer) => (this.stderr += d.toString()));
    proc.on("exit", () => {
      this.exited = true;
      for (const w of this.waiting.splice(0)) w("");
    });
  }

  /** Starts the helper; it warms GDAL's block cache and dumps the first pass's pixels to `dumpDir`. */
  static async start(file: string, jobsFile: string, dumpDir: string): Promise<{ gdal: GdalProcess; ready: GdalReady } | string> {
    const probe = spawnSync(PYTHON, ["-c", "from osgeo import gdal; print(gdal.__version__)"], { encoding: "utf8" });
    if (probe.status !== 0) return `python3-gdal not available (${PYTHON}: ${(probe.stderr || String(probe.error)).trim().split("\n").pop()})`;
    const proc = spawn(PYTHON, [PY_HELPER, "--file", file, "--jobs", jobsFile, "--methods", METHODS.join(","), "--dump", dumpDir, "--min-pass-ms", String(MIN_PASS_MS), "--serve"], { stdio: ["pipe", "pipe", "pipe"] });
    const gdal = new GdalProcess(proc);
    const line = await gdal.next();
    if (!line) return `gdalwarp_tiles.py failed: ${gdal.stderr.trim().split("\n").slice(-3).join(" ")}`;
    return { gdal, ready: JSON.parse(line) as GdalReady };
  }

  private next(): Promise<string> {
    if (this.exited) return Promise.resolve("");
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** One timed pass over the op's jobs in the helper; ms per job. */
  async pass(op: "warp" | "translate", method: Method): Promise<number> {
    const reply = this.next();
    this.proc.stdin.write(JSON.stringify({ op, method }) + "\n");
    const line = await reply;
    if (!line) throw new Error(`gdalwarp_tiles.py stopped: ${this.stderr.trim().split("\n").slice(-3).join(" ")}`);
    return (JSON.parse(line) as { msPerJob: number }).msPerJob;
  }

  close(): void {
    this.proc.stdin.end();
  }
}

// ---------------------------------------------------------------------------------------------
// geometry: map tiles inside the image, their footprints, aligned windows

interface MapTile {
  x: number;
  y: number;
  z: number;
  /** EPSG:3857 bounds. */
  bounds: [number, number, number, number];
  /** Source pixel window (level 0) covering the tile, [x0, y0, x1, y1]: what geotiff.js reads. */
  footprint: [number, number, number, number];
}

interface AlignedWindow {
  tx: number;
  ty: number;
  /** Bounds in the file's CRS. */
  bounds: [number, number, number, number];
  win: { x: number; y: number; width: number; height: number };
}

type Cog = Cogread.COGReader;

/** Every map tile at zoom z whose whole area (plus a margin of 4 source pixels) projects inside the image. */
function mapTilesInside(cog: Cog, lib: typeof Cogread, z: number): MapTile[] {
  const gt = cog.geoTransform!;
  const [w, s, e, n] = cog.geographicBounds!;
  const def = cog.crs.proj4 ?? `EPSG:${cog.epsg}`;
  const toSource = proj4("EPSG:3857", def);
  const nTiles = 2 ** z;
  const lonToX = (lon: number): number => Math.floor(((lon + 180) / 360) * nTiles);
  const latToY = (lat: number): number => Math.floor(((1 - Math.asinh(Math.tan((lat * Math.PI) / 180)) / Math.PI) / 2) * nTiles);
  const margin = 4;
  const out: MapTile[] = [];
  for (let y = latToY(n); y <= latToY(s); y++)
    for (let x = lonToX(w); x <= lonToX(e); x++) {
      const b = lib.tileBounds(x, y, z) as [number, number, number, number];
      let [c0, r0, c1, r1] = [Infinity, Infinity, -Infinity, -Infinity];
      const steps = 16;
      for (let i = 0; i <= steps; i++)
        for (const [mx, my] of [
          [b[0] + ((b[2] - b[0]) * i) / steps, b[1]],
          [b[0] + ((b[2] - b[0]) * i) / steps, b[3]],
          [b[0], b[1] + ((b[3] - b[1]) * i) / steps],
          [b[2], b[1] + ((b[3] - b[1]) * i) / steps],
        ]) {
          const [sx, sy] = toSource.forward([mx, my]);
          const c = (sx - gt[0]) / gt[1];
          const r = (sy - gt[3]) / gt[5];
          c0 = Math.min(c0, c);
          c1 = Math.max(c1, c);
          r0 = Math.min(r0, r);
          r1 = Math.max(r1, r);
        }
      if (c0 < margin || r0 < margin || c1 > cog.width - margin || r1 > cog.height - margin) continue;
      out.push({ x, y, z, bounds: b, footprint: [Math.floor(c0), Math.floor(r0), Math.ceil(c1), Math.ceil(r1)] });
    }
  return out;
}

function alignedWindows(cog: Cog): AlignedWindow[] {
  const gt = cog.geoTransform!;
  const info = cog.ifds[0];
  const out: AlignedWindow[] = [];
  for (let ty = 0; ty < info.tilesDown; ty++)
    for (let tx = 0; tx < info.tilesAcross; tx++) {
      const x = tx * info.tileWidth;
      const y = ty * info.tileHeight;
      const width = Math.min(info.tileWidth, info.width - x);
      const height = Math.min(info.tileHeight, info.height - y);
      if (width !== info.tileWidth || height !== info.tileHeight) continue; // whole tiles only
      const x0 = gt[0] + x * gt[1];
      const x1 = gt[0] + (x + width) * gt[1];
      const y0 = gt[3] + y * gt[5];
      const y1 = gt[3] + (y + height) * gt[5];
      out.push({ tx, ty, bounds: [Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)], win: { x, y, width, height } });
    }
  return out;
}

// ---------------------------------------------------------------------------------------------
// geotiff.js

/** readRGB for YCbCr files (readRasters would return Y/Cb/Cr), readRasters otherwise. */
function geotiffReader(img: GeoTIFFImage): (window: number[], method?: Method, size?: number) => Promise<unknown> {
  const ycbcr = img.fileDirectory.PhotometricInterpretation === 6;
  return (window, method, size) => {
    const resize = size !== undefined ? { width: size, height: size, resampleMethod: method } : {};
    return ycbcr ? img.readRGB({ window, ...resize }) : img.readRasters({ window, ...resize });
  };
}

// ---------------------------------------------------------------------------------------------
// output checks

interface Check {
  /** Share of samples equal. */
  equal: number;
  maxDiff: number;
  samples: number;
}

/** Compares cogread rasters (band-sequential) with a dump of the same jobs (band-sequential bytes, uint8 files only). */
function compare(rasters: Raster[], dump: Buffer | undefined): Check | undefined {
  if (!dump || rasters.some((r) => r.dtype !== "uint8")) return undefined;
  let off = 0;
  let equal = 0;
  let maxDiff = 0;
  let samples = 0;
  for (const r of rasters) {
    const d = r.data as Uint8Array;
    if (off + d.length > dump.length) return undefined;
    for (let i = 0; i < d.length; i++) {
      const diff = Math.abs(d[i] - dump[off + i]);
      if (diff === 0) equal++;
      else if (diff > maxDiff) maxDiff = diff;
    }
    samples += d.length;
    off += d.length;
  }
  return off === dump.length ? { equal: equal / samples, maxDiff, samples } : undefined;
}

function compareRasters(a: Raster[], b: Raster[]): Check {
  let equal = 0;
  let maxDiff = 0;
  let samples = 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k].data;
    const y = b[k].data;
    for (let i = 0; i < x.length; i++) {
      const diff = Math.abs(Number(x[i]) - Number(y[i]));
      if (diff === 0) equal++;
      else if (diff > maxDiff) maxDiff = diff;
    }
    samples += x.length;
  }
  return { equal: equal / samples, maxDiff, samples };
}

const fmtCheck = (c: Check | undefined, what: string): string =>
  c === undefined ? "" : c.equal === 1 ? `identical to ${what}` : `${(c.equal * 100).toFixed(2)}% of samples equal to ${what}, max diff ${c.maxDiff}`;

// ---------------------------------------------------------------------------------------------
// result rows

interface Row {
  scenario: string;
  file: string;
  op: string;
  /** cogread: ms per op (median), or ops/s for throughput rows. */
  cogread?: number;
  gdal?: number;
  geotiff?: number;
  readWindow?: number;
  /** Throughput rows: figures are ops per second (higher is better). */
  perSecond?: boolean;
  unit?: string;
  requests?: number;
  bytes?: number;
  distinct?: number;
  check?: string;
  note?: string;
  na?: { gdal?: string; geotiff?: string };
  runs?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// scenarios

interface FileContext {
  f: FileCase;
  path: string;
  url: string;
  tiles: MapTile[];
  windows: AlignedWindow[];
  gdal?: GdalProcess;
  gdalNa?: string;
  dumpDir: string;
}

async function warmScenarios(lib: typeof Cogread, ctx: FileContext, rows: Row[]): Promise<void> {
  const { f, path, tiles, windows, gdal } = ctx;
  const cog = await lib.COGReader.open(path, { blockCache: new lib.BlockCache({ maxBytes: 256 << 20 }), tileCache: new lib.TileCache({ maxBytes: 256 << 20 }) });
  const gtiff: GeoTIFF = await fromFile(path);
  gtiff.cache = true; // geotiff.js's decoded-tile cache, so that its warm passes decode nothing either
  const gread = geotiffReader(await gtiff.getImage(0));

  // Warm-up passes, which also keep the outputs for the checks.
  const tileOut = new Map<Method, Raster[]>();
  const readOut = new Map<Method, Raster[]>();
  for (const m of METHODS) {
    const t: Raster[] = [];
    for (const mt of tiles) t.push(await cog.tile(mt.x, mt.y, mt.z, { resampling: m } as MapTileOptions));
    tileOut.set(m, t);
    const r: Raster[] = [];
    for (const w of windows) r.push(await cog.read(w.bounds, { width: w.win.width, height: w.win.height }, { resampling: m }));
    readOut.set(m, r);
    if (GEOTIFF_METHODS.has(m)) for (const mt of tiles) await gread(mt.footprint, m, 256);
  }
  const windowOut: Raster[] = [];
  for (const w of windows) windowOut.push(await cog.readWindow(w.win, 0));
  for (const w of windows) await gread([w.win.x, w.win.y, w.win.x + w.win.width, w.win.y + w.win.height]);

  // Whole passes over the jobs until MIN_PASS_MS, as the GDAL helper times its passes.
  const timePass = async (n: number, fn: (i: number) => Promise<unknown>): Promise<number> => {
    const t0 = performance.now();
    let jobs = 0;
    do {
      for (let i = 0; i < n; i++) await fn(i);
      jobs += n;
    } while (performance.now() - t0 < MIN_PASS_MS);
    return (performance.now() - t0) / jobs;
  };

  // 1. warm tile()
  const tileRunners: { key: string; pass: () => Promise<number> }[] = [];
  for (const m of METHODS) {
    tileRunners.push({ key: `cogread/${m}`, pass: () => timePass(tiles.length, (i) => cog.tile(tiles[i].x, tiles[i].y, tiles[i].z, { resampling: m } as MapTileOptions)) });
    if (gdal) tileRunners.push({ key: `gdal/${m}`, pass: () => gdal.pass("warp", m) });
    if (GEOTIFF_METHODS.has(m)) tileRunners.push({ key: `geotiff/${m}`, pass: () => timePass(tiles.length, (i) => gread(tiles[i].footprint, m, 256)) });
  }
  const tileRuns = await interleave(tileRunners, RUNS);
  for (const m of METHODS) {
    const c = tileRuns.get(`cogread/${m}`)!;
    const g = tileRuns.get(`gdal/${m}`);
    const j = tileRuns.get(`geotiff/${m}`);
    const check = compare(tileOut.get(m)!, gdal ? readDump(ctx.dumpDir, "warp", m) : undefined);
    rows.push({
      scenario: "warm tile()",
      file: f.name,
      op: `${m}, ${tiles.length} map tiles at z${tiles[0].z}`,
      cogread: median(c),
      gdal: g && median(g),
      geotiff: j && median(j),
      check: fmtCheck(check, "gdalwarp"),
      na: { gdal: gdal ? undefined : ctx.gdalNa, geotiff: GEOTIFF_METHODS.has(m) ? undefined : "no cubic" },
      runs: { cogread: c, gdal: g, geotiff: j, check },
    });
    console.error(`  warm tile ${m}: cogread ${fmtMs(median(c))}, gdalwarp ${fmtMs(g && median(g))}, geotiff.js ${fmtMs(j && median(j))}`);
  }

  // 3. aligned read() vs readWindow() (and gdal_translate, geotiff.js window)
  const readRunners: { key: string; pass: () => Promise<number> }[] = [
    { key: "readWindow", pass: () => timePass(windows.length, (i) => cog.readWindow(windows[i].win, 0)) },
    {
      key: "geotiff/window",
      pass: () => timePass(windows.length, (i) => gread([windows[i].win.x, windows[i].win.y, windows[i].win.x + windows[i].win.width, windows[i].win.y + windows[i].win.height])),
    },
  ];
  for (const m of METHODS) {
    readRunners.push({ key: `cogread/${m}`, pass: () => timePass(windows.length, (i) => cog.read(windows[i].bounds, { width: windows[i].win.width, height: windows[i].win.height }, { resampling: m })) });
    if (gdal) readRunners.push({ key: `gdal/${m}`, pass: () => gdal.pass("translate", m) });
  }
  const readRuns = await interleave(readRunners, RUNS);
  const rw = readRuns.get("readWindow")!;
  const gw = readRuns.get("geotiff/window")!;
  const size = `${windows[0].win.width}²`;
  for (const m of METHODS) {
    const c = readRuns.get(`cogread/${m}`)!;
    const g = readRuns.get(`gdal/${m}`);
    const vsGdal = compare(readOut.get(m)!, gdal ? readDump(ctx.dumpDir, "translate", m) : undefined);
    const vsWindow = compareRasters(readOut.get(m)!, windowOut);
    rows.push({
      scenario: "warm read(), aligned",
      file: f.name,
      op: `${m}, ${windows.length} windows ${size} on the tile grid, level 0`,
      cogread: median(c),
      gdal: g && median(g),
      geotiff: median(gw),
      readWindow: median(rw),
      check: [fmtCheck(vsGdal, "gdal_translate"), vsWindow.equal === 1 ? "identical to readWindow()" : fmtCheck(vsWindow, "readWindow()")].filter(Boolean).join("; "),
      na: { gdal: gdal ? undefined : ctx.gdalNa },
      runs: { cogread: c, gdal: g, geotiff: gw, readWindow: rw, vsGdal, vsWindow },
    });
    console.error(`  warm read ${m}: cogread ${fmtMs(median(c))}, readWindow ${fmtMs(median(rw))}, gdal_translate ${fmtMs(g && median(g))}, geotiff.js ${fmtMs(median(gw))}`);
  }
  await cog.close();
  gtiff.close();
}

function readDump(dir: string, op: string, m: Method): Buffer | undefined {
  const p = join(dir, `${op}-${m}.bin`);
  return existsSync(p) ? readFileSync(p) : undefined;
}

/** 2. cold tile(): every tile on a fresh reader with empty caches, over HTTP with latency. */
async function coldScenario(lib: typeof Cogread, ctx: FileContext, srv: BenchServer, rows: Row[]): Promise<void> {
  const { f, url, tiles } = ctx;
  interface Sample {
    ms: number;
    requests: number;
    bytes: number;
    openMs: number;
    openRequests: number;
  }
  const samples = new Map<string, Sample[]>();
  const keys: { key: string; m: Method; peer: boolean }[] = [];
  for (const m of METHODS) {
    keys.push({ key: `cogread/${m}`, m, peer: false });
    if (GEOTIFF_METHODS.has(m)) keys.push({ key: `geotiff/${m}`, m, peer: true });
  }
  for (const k of keys) samples.set(k.key, []);
  for (let run = 0; run < COLD_RUNS; run++)
    for (let j = 0; j < keys.length; j++) {
      const { key, m, peer } = keys[(j + run) % keys.length];
      for (const t of tiles) {
        await srv.reset();
        const o0 = performance.now();
        let readTile: () => Promise<unknown>;
        let close: () => Promise<void> | void;
        if (peer) {
          const gtiff = await fromUrl(url); // geotiff.js defaults: 64 KiB blocks, 100-block cache
          const gread = geotiffReader(await gtiff.getImage(0));
          readTile = () => gread(t.footprint, m, 256);
          close = () => gtiff.close();
        } else {
          const cog = await lib.COGReader.open(url, { headerCache: false, blockCache: new lib.BlockCache({ maxBytes: 64 << 20 }), tileCache: new lib.TileCache({ maxBytes: 32 << 20 }) });
          readTile = () => cog.tile(t.x, t.y, t.z, { resampling: m } as MapTileOptions);
          close = () => cog.close();
        }
        const openMs = performance.now() - o0;
        const openRequests = (await srv.counts()).requests;
        await srv.reset();
        const t0 = performance.now();
        await readTile();
        const ms = performance.now() - t0;
        const served = await srv.counts();
        samples.get(key)!.push({ ms, requests: served.requests, bytes: served.bytes, openMs, openRequests });
        await close();
      }
    }
  for (const m of METHODS) {
    const c = samples.get(`cogread/${m}`)!;
    const g = samples.get(`geotiff/${m}`);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    rows.push({
      scenario: `cold tile(), HTTP ${LATENCY} ms`,
      file: f.name,
      op: `${m}, ${tiles.length} map tiles at z${tiles[0].z}, each on a fresh reader`,
      cogread: median(c.map((s) => s.ms)),
      geotiff: g && median(g.map((s) => s.ms)),
      requests: mean(c.map((s) => s.requests)),
      bytes: mean(c.map((s) => s.bytes)),
      note: g ? `geotiff.js: ${mean(g.map((s) => s.requests)).toFixed(1)} req · ${fmtBytes(mean(g.map((s) => s.bytes)))} per tile` : undefined,
      na: { gdal: "timed warm only", geotiff: g ? undefined : "no cubic" },
      runs: { cogread: c, geotiff: g },
    });
    console.error(`  cold tile ${m}: cogread ${fmtMs(median(c.map((s) => s.ms)))}, geotiff.js ${fmtMs(g && median(g.map((s) => s.ms)))}`);
  }
}

/** 4. random throughput at concurrency 8 over HTTP, one reader opened beforehand per run. */
async function randomScenarios(lib: typeof Cogread, ctx: FileContext, srv: BenchServer, rows: Row[]): Promise<void> {
  const { f, url, windows } = ctx;
  const info0 = await (async () => {
    const cog = await lib.COGReader.open(url, { headerCache: false });
    const i = cog.ifds[0];
    await cog.close();
    return i;
  })();
  const gridTiles = info0.tilesAcross * info0.tilesDown;
  const tileDraws = draw(windows, N_RANDOM, 11); // aligned windows = whole tiles of level 0
  const mapDraws = draw(allInside.get(f.name)!, N_RANDOM, 12); // map tiles wholly inside the image, native zoom
  const distinctDraws = new Set(tileDraws.map((w) => `${w.tx},${w.ty}`)).size;

  interface Measure {
    ms: number;
    perSec: number;
    requests: number;
    bytes: number;
    distinct: number;
    evictions: number;
  }
  type Op = { key: string; label: string; run: () => Promise<Measure> };
  let sharedPool: Awaited<ReturnType<typeof lib.createDecodePool>> | undefined;
  const cogOp = (key: string, label: string, fn: (cog: Cog, i: number) => Promise<unknown>, pooled = false): Op => ({
    key,
    label,
    async run() {
      const tileCache = new lib.TileCache({ maxBytes: 128 << 20 }); // holds all 256 RGB tiles: nothing evicted, misses = distinct tiles decoded
      // With a decode pool (worker threads, one per spare core) decoding leaves the main thread.
      // One pool serves every run, as a server keeps its pool: it holds no pixels, and a fresh
      // pool per run would charge each run its workers' start and WASM warm-up.
      const decodePool = pooled ? (sharedPool ??= await lib.createDecodePool()) : undefined;
      const cog = await lib.COGReader.open(url, { headerCache: false, blockCache: new lib.BlockCache({ maxBytes: 64 << 20 }), tileCache, decodePool });
      await srv.reset();
      const t0 = performance.now();
      await runConcurrent(N_RANDOM, CONCURRENCY, (i) => fn(cog, i));
      const ms = performance.now() - t0;
      const served = await srv.counts();
      const m = { ms, perSec: (N_RANDOM / ms) * 1000, requests: served.requests, bytes: served.bytes, distinct: tileCache.stats.misses, evictions: tileCache.stats.evictions };
      await cog.close();
      return m;
    },
  });
  const geoOp = (key: string, label: string, decodedCache: boolean): Op => ({
    key,
    label,
    async run() {
      // `fromUrl(url, { cache: true })`: geotiff.js 2.1.3 hands these options to its source, which
      // keeps only blockSize/cacheSize: this is its default 64 KiB block cache (100 blocks).
      const gtiff = await fromUrl(url, { cache: true });
      if (decodedCache) gtiff.cache = true; // GeoTIFF's own option: keep decoded tiles (unbounded)
      const gread = geotiffReader(await gtiff.getImage(0));
      await srv.reset();
      const t0 = performance.now();
      await runConcurrent(N_RANDOM, CONCURRENCY, (i) => {
        const w = tileDraws[i].win;
        return gread([w.x, w.y, w.x + w.width, w.y + w.height]);
      });
      const ms = performance.now() - t0;
      const served = await srv.counts();
      const m = { ms, perSec: (N_RANDOM / ms) * 1000, requests: served.requests, bytes: served.bytes, distinct: distinctDraws, evictions: 0 };
      gtiff.close();
      return m;
    },
  });
  const ops: Op[] = [
    cogOp("getTile", "getTile(x, y, 0)", (cog, i) => cog.getTile(tileDraws[i].tx, tileDraws[i].ty, 0)),
    cogOp("read", `read() nearest, aligned ${windows[0].win.width}²`, (cog, i) => cog.read(tileDraws[i].bounds, { width: tileDraws[i].win.width, height: tileDraws[i].win.height }, { resampling: "nearest" })),
    geoOp("geotiff", "geotiff.js readRGB/readRasters of the window", false),
    geoOp("geotiff+tiles", "geotiff.js, decoded-tile cache on", true),
    cogOp("tile/nearest", `tile() nearest at z${mapDraws[0].z}`, (cog, i) => cog.tile(mapDraws[i].x, mapDraws[i].y, mapDraws[i].z, { resampling: "nearest" })),
    cogOp("tile/bilinear", `tile() bilinear at z${mapDraws[0].z}`, (cog, i) => cog.tile(mapDraws[i].x, mapDraws[i].y, mapDraws[i].z, { resampling: "bilinear" })),
    cogOp("read+pool", "read() nearest, with a decode pool", (cog, i) => cog.read(tileDraws[i].bounds, { width: tileDraws[i].win.width, height: tileDraws[i].win.height }, { resampling: "nearest" }), true),
    cogOp("tile/nearest+pool", `tile() nearest at z${mapDraws[0].z}, with a decode pool`, (cog, i) => cog.tile(mapDraws[i].x, mapDraws[i].y, mapDraws[i].z, { resampling: "nearest" }), true),
  ];
  // No separate warm-up: the warm and cold scenarios before this one ran the same code paths.
  const results = new Map<string, Measure[]>(ops.map((o) => [o.key, []]));
  for (let k = 0; k < RANDOM_RUNS; k++)
    for (let j = 0; j < ops.length; j++) {
      const op = ops[(j + k) % ops.length];
      results.get(op.key)!.push(await op.run());
    }
  const med = (key: string): Measure => {
    const ms = results.get(key)!;
    const pick = (sel: (m: Measure) => number): number => median(ms.map(sel));
    return { ms: pick((m) => m.ms), perSec: pick((m) => m.perSec), requests: pick((m) => m.requests), bytes: pick((m) => m.bytes), distinct: pick((m) => m.distinct), evictions: Math.max(...ms.map((m) => m.evictions)) };
  };
  await sharedPool?.close();
  const scen = `${N_RANDOM} random, concurrency ${CONCURRENCY}, HTTP ${LATENCY} ms`;
  const g = med("geotiff");
  const gt = med("geotiff+tiles");
  for (const op of ops) {
    if (op.key.startsWith("geotiff")) continue;
    const m = med(op.key);
    const row: Row = {
      scenario: scen,
      file: f.name,
      op: op.label,
      cogread: m.perSec,
      perSecond: true,
      unit: op.key.startsWith("read") ? "windows/s" : "tiles/s",
      requests: m.requests,
      bytes: m.bytes,
      distinct: m.distinct,
      note: `${m.distinct} of the ${gridTiles} level-0 tiles touched${m.evictions ? ` (${m.evictions} tile-cache evictions: the distinct count is too high)` : ""}`,
      runs: { cogread: results.get(op.key) },
    };
    if (op.key.startsWith("read")) {
      rows.push({ ...row, op: `${op.label} vs geotiff.js (its 64 KiB block cache: fromUrl(url, { cache: true }))`, geotiff: g.perSec, runs: { cogread: results.get(op.key), geotiff: results.get("geotiff") }, note: `${row.note}; geotiff.js ${g.requests} req · ${fmtBytes(g.bytes)}` });
      rows.push({ ...row, op: `${op.label} vs geotiff.js with its decoded-tile cache (tiff.cache = true)`, geotiff: gt.perSec, runs: { cogread: results.get(op.key), geotiff: results.get("geotiff+tiles") }, note: `same cogread runs; geotiff.js ${gt.requests} req · ${fmtBytes(gt.bytes)}` });
    } else rows.push(row);
    console.error(`  random ${op.key}: ${m.perSec.toFixed(0)}/s, ${m.requests} req, ${m.distinct} distinct`);
  }
  console.error(`  random geotiff.js: ${g.perSec.toFixed(0)}/s (block cache), ${gt.perSec.toFixed(0)}/s (decoded-tile cache)`);
}

/** All map tiles inside each file at its native zoom (for the random draws). */
const allInside = new Map<string, MapTile[]>();

// ---------------------------------------------------------------------------------------------
// main

function ensureCogs(): void {
  if (FILES.every((f) => existsSync(join(COG_DIR, f.name)))) return;
  const gdal = spawnSync("gdal_translate", ["--version"], { encoding: "utf8" });
  if (gdal.status !== 0) {
    console.error(`Test COGs missing in ${COG_DIR} and gdal_translate not found.\n` + `Install GDAL (apt-get install gdal-bin python3-gdal python3-numpy), then: sh bench/cogs/make.sh`);
    process.exit(1);
  }
  console.error(`making test COGs in ${COG_DIR} with bench/cogs/make.sh …`);
  const r = spawnSync("sh", [join(ROOT, "bench", "cogs", "make.sh"), COG_DIR], { stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** dist/index.js, and whether any file under src/ is newer than it. */
function distState(): { url: string; builtAt: string; staleFiles: string[] } {
  const dist = join(ROOT, "dist", "index.js");
  if (!existsSync(dist)) {
    console.error("dist/index.js is missing: run `npm run build` first.");
    process.exit(1);
  }
  const built = statSync(dist).mtimeMs;
  const stale: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.mtimeMs > built) stale.push(p.slice(ROOT.length + 1));
    }
  };
  walk(join(ROOT, "src"));
  return { url: pathToFileURL(dist).href, builtAt: new Date(built).toISOString(), staleFiles: stale };
}

function gitFacts(): { commit: string; srcChanges: string[] } {
  const commit = spawnSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  const status = spawnSync("git", ["status", "--porcelain", "--", "src"], { cwd: ROOT, encoding: "utf8" }).stdout;
  return { commit, srcChanges: status.split("\n").filter(Boolean) };
}

async function main(): Promise<void> {
  const started = performance.now();
  const load0 = loadavg();
  ensureCogs();
  const dist = distState();
  if (dist.staleFiles.length) console.error(`warning: ${dist.staleFiles.length} file(s) under src/ are newer than dist/ (${dist.staleFiles.slice(0, 3).join(", ")}…): run \`npm run build\``);
  const lib = (await import(dist.url)) as typeof Cogread;
  console.error(`load average ${load0.map((l) => l.toFixed(2)).join(" ")}${load0[0] > 1.5 ? " (above 1.5: figures will be noisy)" : ""}`);

  // The HTTP server runs in a child process: the CPU of answering is not charged to the readers
  // measured (a reader's real server, S3 or a CDN, is elsewhere). npm run bench:warp compiles
  // bench/server.ts next to this file; under tsx the .ts is run through tsx.
  const compiled = fileURLToPath(new URL("./server.mjs", import.meta.url));
  const srv = existsSync(compiled)
    ? await startServerProcess({ root: COG_DIR, latencyMs: LATENCY, script: compiled })
    : await startServerProcess({ root: COG_DIR, latencyMs: LATENCY, script: fileURLToPath(new URL("./server.ts", import.meta.url)), execArgv: ["--import", "tsx"] });
  const work = mkdtempSync(join(tmpdir(), "cogread-warp-"));
  const rows: Row[] = [];
  const gdalInfo: Record<string, GdalReady | string> = {};
  const files = FILES.filter((f) => !ONLY || f.name.includes(ONLY));
  try {
    for (const f of files) {
      const path = join(COG_DIR, f.name);
      const probe = await lib.COGReader.open(path, { headerCache: false });
      const z = probe.maxzoom!;
      const inside = mapTilesInside(probe, lib, z);
      allInside.set(f.name, inside);
      const tiles = pickDistinct(inside, N_TILES, 7);
      const windows = alignedWindows(probe);
      const readWindows = pickDistinct(windows, N_TILES, 9);
      await probe.close();
      console.error(`${f.name}: ${inside.length} map tiles at z${z} inside the image, ${windows.length} level-0 tiles`);

      const jobsFile = join(work, `${f.name}.jobs.json`);
      writeFileSync(jobsFile, JSON.stringify({ size: 256, warp: tiles.map((t) => t.bounds), translate: readWindows.map((w) => w.bounds) }));
      const dumpDir = join(work, `${f.name}.dump`);
      const started = await GdalProcess.start(path, jobsFile, dumpDir);
      const ctx: FileContext = { f, path, url: srv.url(f.name), tiles, windows: readWindows, dumpDir };
      if (typeof started === "string") {
        ctx.gdalNa = started;
        gdalInfo[f.name] = started;
        console.error(`  GDAL: ${started}`);
      } else {
        ctx.gdal = started.gdal;
        gdalInfo[f.name] = started.ready;
      }
      try {
        await warmScenarios(lib, ctx, rows);
      } finally {
        ctx.gdal?.close();
      }
      await coldScenario(lib, ctx, srv, rows);
      if (f.name === RANDOM_FILE) await randomScenarios(lib, { ...ctx, windows }, srv, rows);
    }
  } finally {
    await srv.close();
    rmSync(work, { recursive: true, force: true });
  }
  const load1 = loadavg();
  const seconds = (performance.now() - started) / 1000;
  const gdalVersion = Object.values(gdalInfo).find((v): v is GdalReady => typeof v !== "string")?.gdal;
  const git = gitFacts();
  const targets = targetLines(rows);
  printTable(rows, load0, load1, gdalVersion, targets, seconds);
  if (OUT) {
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(
      OUT,
      JSON.stringify(
        {
          machine: { ...machineInfo(ROOT, ["geotiff", "proj4"]), loadavgStart: load0, loadavgEnd: load1 },
          gdal: gdalInfo,
          commit: git.commit,
          uncommittedSrcChanges: git.srcChanges,
          dist: { builtAt: dist.builtAt, srcFilesNewerThanDist: dist.staleFiles },
          settings: { runs: RUNS, coldRuns: COLD_RUNS, randomRuns: RANDOM_RUNS, tiles: N_TILES, random: N_RANDOM, concurrency: CONCURRENCY, latencyMs: LATENCY },
          seconds,
          targets,
          rows,
        },
        null,
        1,
      ) + "\n",
    );
    console.error(`wrote ${OUT}`);
  }
}

// ---------------------------------------------------------------------------------------------
// report

function fmtFigure(v: number | undefined, row: Row, na?: string): string {
  if (v === undefined) return na ? `n/a (${na})` : "";
  return row.perSecond ? `${v.toFixed(0)} ${row.unit ?? "/s"}` : fmtMs(v);
}

/** Peer ÷ cogread as a time ratio (> 1: cogread faster). */
function timeRatio(row: Row, peer: number | undefined): number | undefined {
  if (peer === undefined || row.cogread === undefined) return undefined;
  return row.perSecond ? row.cogread / peer : peer / row.cogread;
}

function targetLines(rows: Row[]): string[] {
  const out: string[] = [];
  const met = (ok: boolean): string => (ok ? "met" : "not met");
  for (const r of rows.filter((r) => r.scenario === "warm tile()" && /^(nearest|bilinear)/.test(r.op) && r.gdal !== undefined)) {
    const share = r.cogread! / r.gdal!;
    out.push(`warm tile() ≤ 1/3 of gdalwarp, ${r.op.split(",")[0]}, \`${r.file}\`: ${fmtMs(r.cogread)} vs ${fmtMs(r.gdal)} = ${share.toFixed(2)} of gdalwarp's time (${met(share <= 1 / 3)})`);
  }
  for (const r of rows.filter((r) => r.scenario.startsWith("warm read()") && r.readWindow !== undefined)) {
    const x = r.cogread! / r.readWindow!;
    out.push(`aligned read() ≤ 2× readWindow(), ${r.op.split(",")[0]}, \`${r.file}\`: ${fmtMs(r.cogread)} vs ${fmtMs(r.readWindow)} = ${x.toFixed(2)}× (${met(x <= 2)})`);
  }
  for (const r of rows.filter((r) => r.perSecond && r.geotiff !== undefined)) {
    const x = r.cogread! / r.geotiff!;
    const which = r.op.includes("decoded-tile cache") ? "geotiff.js with its decoded-tile cache" : "geotiff.js with its block cache";
    out.push(`random read() at concurrency ${CONCURRENCY} ≥ 4× ${which}: ${r.cogread!.toFixed(0)} vs ${r.geotiff!.toFixed(0)} windows/s = ${x.toFixed(2)}× (${met(x >= 4)})`);
  }
  for (const r of rows.filter((r) => r.perSecond && r.op.startsWith("tile()"))) {
    out.push(`${N_RANDOM} random map tiles (${r.op}) at concurrency ${CONCURRENCY} ≥ 300 tiles/s: ${r.cogread!.toFixed(0)} tiles/s, ${r.distinct} distinct source tiles (${met(r.cogread! >= 300)})`);
  }
  return out;
}

function printTable(rows: Row[], load0: number[], load1: number[], gdalVersion: string | undefined, targets: string[], seconds: number): void {
  const out: string[] = [];
  const la = (l: number[]): string => l.map((v) => v.toFixed(2)).join(" / ");
  out.push(
    `Load average (1 / 5 / 15 min) ${la(load0)} at the start, ${la(load1)} at the end; ${seconds.toFixed(0)} s. ` +
      `Warm figures: median of ${RUNS} interleaved passes, ms per tile or window. Cold: median over ${N_TILES} tiles × ${COLD_RUNS} pass(es). ` +
      `Random: median of ${RANDOM_RUNS} runs. GDAL ${gdalVersion ?? "n/a"} through python3-gdal (gdal.Warp / gdal.Translate to MEM, warm block cache, one thread). ` +
      `geotiff.js does no reprojection: its tile() cells read the tile's footprint window in the file's CRS, resized to 256² (nearest or bilinear).`,
  );
  out.push("");
  out.push("| scenario | file | op | cogread | gdalwarp / gdal_translate | geotiff.js | readWindow() | GDAL ÷ cogread | geotiff.js ÷ cogread | cogread ÷ readWindow | cogread requests · bytes | distinct source tiles | output check |");
  out.push("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|");
  for (const r of rows) {
    const req = r.requests !== undefined ? `${Number.isInteger(r.requests) ? r.requests : r.requests.toFixed(1)} req · ${fmtBytes(r.bytes ?? 0)}${r.perSecond ? "" : " per tile"}` : "";
    const check = [r.check, r.note].filter(Boolean).join("; ");
    out.push(
      `| ${r.scenario} | \`${r.file}\` | ${r.op} | ${fmtFigure(r.cogread, r)} | ${fmtFigure(r.gdal, r, r.na?.gdal)} | ${fmtFigure(r.geotiff, r, r.na?.geotiff)} | ${fmtFigure(r.readWindow, r)} | ` +
        `${fmtRatio(timeRatio(r, r.gdal))} | ${fmtRatio(timeRatio(r, r.geotiff))} | ${r.readWindow !== undefined ? fmtRatio(r.cogread! / r.readWindow) : ""} | ${req} | ${r.distinct ?? ""} | ${check} |`,
    );
  }
  out.push("");
  out.push("Targets (figures, not assertions):");
  out.push("");
  for (const t of targets) out.push(`- ${t}`);
  console.log(out.join("\n"));
}

await main();
