// Decode throughput of cogread's codecs against geotiff.js, node:zlib, sharp and jpeg-js, on the
// same compressed tiles. Run: `npm run bench:decode` (options: --runs N --min-ms N --warmup-ms N
// --only TEXT --out FILE). Prints Markdown; writes bench/results/decode.json. See bench/README.md.
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo, timeInterleaved, type Timing, type TimingOptions } from "./harness.js";
import { cogreadPeers, geotiffPeer, jpegJsPeer, loadSharp, sharpPeer, zlibPeers, type Column, type Missing, type Peer } from "./peers.js";
import { loadTiles, type TileSet } from "./tiles.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const FIX = "test/fixtures";
const CORPUS = "../shared/corpus";

/** One row: a codec on one file. `target` marks the row a target is judged on. */
interface Case {
  codec: string;
  file: string;
  target?: "deflate" | "lzw" | "jpeg";
}

const CASES: Case[] = [
  { codec: "deflate", file: `${FIX}/uint8_1band_deflate_block256_ovr2.tif`, target: "deflate" },
  { codec: "deflate, predictor 2", file: `${FIX}/uint16_3band_deflate_block256_predictor2_pixel_ovr1.tif` },
  { codec: "deflate, predictor 3", file: `${FIX}/float32_1band_deflate_block256_predictor3_nodata-9999_ovr2.tif` },
  { codec: "lzw", file: `${FIX}/uint8_1band_lzw_block256_ovr2.tif`, target: "lzw" },
  { codec: "lzw, predictor 2, BE", file: `${FIX}/uint16_1band_lzw_block256_predictor2_be_ovr2.tif` },
  { codec: "zstd", file: `${FIX}/uint8_1band_zstd_block256_ovr2.tif` },
  { codec: "packbits", file: `${FIX}/uint8_1band_packbits_block256_ovr1.tif` },
  { codec: "jpeg, YCbCr", file: `${CORPUS}/rasterio/rasterio__cogeo.tif`, target: "jpeg" },
  { codec: "jpeg, YCbCr", file: `${FIX}/uint8_3band_jpeg_ycbcr_block256_ovr2.tif` },
  { codec: "jpeg, gray", file: `${FIX}/uint8_1band_jpeg_block256_ovr2.tif` },
  { codec: "webp, lossy", file: `${FIX}/uint8_3band_webp_lossy_block256_epsg3857_ovr2.tif` },
  { codec: "webp, lossless", file: `${FIX}/uint8_3band_webp_lossless_block256_ovr1.tif` },
  { codec: "lerc", file: `${FIX}/float32_1band_lerc_block256_maxzerror0.01_epsg4326_ovr1.tif` },
];

/** How one peer's output compares with cogread's, over all tiles of a case. */
interface Check {
  samples: number;
  differing: number;
  maxAbs: number;
  lengthMismatch: boolean;
}

interface Result {
  case: Case;
  tile: string;
  tiles: number;
  inBytes: number;
  outBytes: number;
  timings: Array<Timing & { column: Column; note?: string; against?: Peer["against"]; check?: Check }>;
  missing: Missing[];
}

function parseArgs(argv: string[]): TimingOptions & { only?: string; out?: string } {
  const opts: TimingOptions & { only?: string; out?: string } = { runs: 7, minMs: 200, warmupMs: 300 };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === "--runs") opts.runs = Math.max(1, Number(value));
    else if (key === "--min-ms") opts.minMs = Number(value);
    else if (key === "--warmup-ms") opts.warmupMs = Number(value);
    else if (key === "--only") opts.only = value;
    else if (key === "--out") opts.out = value;
    else throw new Error(`unknown option ${key} (--runs, --min-ms, --warmup-ms, --only, --out)`);
  }
  return opts;
}

async function peersFor(set: TileSet): Promise<{ peers: Peer[]; missing: Missing[] }> {
  const all: Array<Peer | Missing> = [...(await cogreadPeers(set)), await geotiffPeer(set)];
  const code = set.image.compressionCode;
  if (code === 8) all.push(...zlibPeers(set));
  else if (code === 7 || code === 50001) all.push(await sharpPeer(set));
  else all.push({ name: "native", column: "native", reason: "no native decoder in Node for this codec" });
  if (code === 7) all.push(jpegJsPeer(set));
  const peers = all.filter((p): p is Peer => "decode" in p);
  return { peers, missing: all.filter((p): p is Missing => !("decode" in p)) };
}

/** Compares every tile's output of `peer` with cogread's (values, or raw codec bytes). */
async function check(set: TileSet, peer: Peer, ours: Peer, codec: Peer): Promise<Check | undefined> {
  if (peer.output === undefined || peer.against === undefined) return undefined;
  const ref = peer.against === "values" ? ours : codec;
  const c: Check = { samples: 0, differing: 0, maxAbs: 0, lengthMismatch: false };
  for (let i = 0; i < set.tiles.length; i++) {
    const [a, b] = [await ref.output!(i), await peer.output(i)];
    if (a.length !== b.length) c.lengthMismatch = true;
    const n = Math.min(a.length, b.length);
    c.samples += n;
    for (let k = 0; k < n; k++) {
      const [x, y] = [Number(a[k]), Number(b[k])];
      if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
      c.differing++;
      const d = Math.abs(x - y);
      c.maxAbs = Math.max(c.maxAbs, Number.isNaN(d) ? Infinity : d);
    }
  }
  return c;
}

async function runCase(c: Case, opts: TimingOptions): Promise<Result | string> {
  const path = resolve(ROOT, c.file);
  if (!existsSync(path)) return `${c.file}: not found, skipped`;
  const set = await loadTiles(path);
  const { peers, missing } = await peersFor(set);
  const [ours, codec] = peers;
  const checks = new Map<string, Check | undefined>();
  for (const p of peers) checks.set(p.name, await check(set, p, ours, codec));
  const timings = await timeInterleaved(peers, set.tiles.length, set.outBytes, opts);
  const im = set.image;
  return {
    case: c,
    tile: `${im.tileWidth}×${im.tileHeight}×${im.bands} ${im.dtype}`,
    tiles: set.tiles.length,
    inBytes: set.inBytes,
    outBytes: set.outBytes,
    timings: timings.map((t, i) => ({ ...t, column: peers[i].column, note: peers[i].note, against: peers[i].against, check: checks.get(t.name) })),
    missing,
  };
}

const mbps = (v: number | undefined) => (v === undefined ? "n/a" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? "n/a" : `${(a / b).toFixed(2)}×`);
const col = (r: Result, c: Column) => r.timings.find((t) => t.column === c)?.median;

function summaryTable(results: Result[]): string {
  const head = [
    "| codec | file | tile | cogread MB/s | geotiff.js MB/s | native MB/s | cogread/geotiff.js | cogread/native | cogread codec-only MB/s | jpeg-js MB/s | cogread/jpeg-js |",
    "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  const rows = results.map((r) => {
    const [ours, gt, nat, js] = [col(r, "cogread"), col(r, "geotiff"), col(r, "native"), col(r, "jpegjs")];
    const cells = [r.case.codec, `\`${basename(r.case.file)}\``, `${r.tile} ×${r.tiles}`, mbps(ours), mbps(gt), mbps(nat)];
    cells.push(ratio(ours, gt), ratio(ours, nat), mbps(col(r, "codec")), r.case.codec.startsWith("jpeg") ? mbps(js) : "", r.case.codec.startsWith("jpeg") ? ratio(ours, js) : "");
    return `| ${cells.join(" | ")} |`;
  });
  return [...head, ...rows].join("\n");
}

function checkText(c: Check | undefined): string {
  if (c === undefined) return "";
  if (c.differing === 0 && !c.lengthMismatch) return "identical";
  const pct = ((100 * c.differing) / Math.max(1, c.samples)).toPrecision(2);
  return `${c.lengthMismatch ? "length differs; " : ""}${pct}% of samples differ, max abs diff ${c.maxAbs.toPrecision(3)}`;
}

function detailTable(results: Result[]): string {
  const lines = ["| file | implementation | median MB/s | min–max MB/s | µs/tile | output vs cogread | note |", "|---|---|---:|---:|---:|---|---|"];
  for (const r of results) {
    for (const t of r.timings) {
      const us = (1e6 * r.outBytes) / r.tiles / (t.median * 1e6);
      const ref = t.against === "codec" ? " (vs raw codec bytes)" : "";
      lines.push(`| \`${basename(r.case.file)}\` | ${t.name} | ${mbps(t.median)} | ${mbps(t.min)}–${mbps(t.max)} | ${us.toFixed(0)} | ${checkText(t.check)}${ref} | ${t.note ?? ""} |`);
    }
    for (const m of r.missing) lines.push(`| \`${basename(r.case.file)}\` | ${m.name} | n/a | | | | ${m.reason} |`);
  }
  return lines.join("\n");
}

function targets(results: Result[]): string[] {
  const of = (t: Case["target"]) => results.find((r) => r.case.target === t);
  const out: string[] = [];
  const d = of("deflate");
  if (d) {
    const [ours, sync, async] = [col(d, "cogread"), col(d, "native"), col(d, "native-async")];
    out.push(`- deflate ≥ 90% of node:zlib: ${ratio(ours, sync)} of inflateSync (${ours !== undefined && sync !== undefined && ours >= 0.9 * sync ? "met" : "NOT met"}), ${ratio(ours, async)} of async inflate awaited tile by tile (${ours !== undefined && async !== undefined && ours >= 0.9 * async ? "met" : "NOT met"})`);
  }
  const l = of("lzw");
  if (l) {
    const [ours, gt] = [col(l, "cogread"), col(l, "geotiff")];
    out.push(`- LZW ≥ 10× geotiff.js: ${ratio(ours, gt)} (${ours !== undefined && gt !== undefined && ours >= 10 * gt ? "met" : "NOT met"})`);
  }
  const j = of("jpeg");
  if (j) {
    const [ours, js] = [col(j, "cogread"), col(j, "jpegjs")];
    out.push(`- JPEG ≥ 3× jpeg-js: ${ratio(ours, js)} (${ours !== undefined && js !== undefined && ours >= 3 * js ? "met" : "NOT met"})`);
  }
  return out;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const loadAtStart = os.loadavg();
  const cases = CASES.filter((c) => opts.only === undefined || `${c.codec} ${c.file}`.includes(opts.only));
  const results: Result[] = [];
  const skipped: string[] = [];
  for (const c of cases) {
    process.stderr.write(`${c.codec}: ${basename(c.file)}\n`);
    const r = await runCase(c, opts);
    if (typeof r === "string") skipped.push(r);
    else results.push(r);
  }
  const sharp = await loadSharp();
  const machine = {
    ...machineInfo(ROOT, ["geotiff", "jpeg-js", "@cornerstonejs/codec-libjpeg-turbo-8bit", "@jsquash/webp", "zstddec", "lerc", "pako", "sharp"]),
    zlib: process.versions.zlib,
    libvips: typeof sharp === "string" ? null : sharp.versions.vips,
    loadAverage: { start: loadAtStart.map((l) => Number(l.toFixed(2))), end: os.loadavg().map((l) => Number(l.toFixed(2))) },
  };
  const m = machine as Record<string, unknown>;
  console.log(`## Decode throughput (MB/s of decoded output, 1 MB = 10^6 bytes; median of ${opts.runs} runs ≥ ${opts.minMs} ms)\n`);
  console.log(`Node ${m.node}, ${m.cpuModel}, ${m.cores} cores, ${m.platform}; geotiff ${(m.packages as Record<string, string>).geotiff}; sharp ${typeof sharp === "string" ? "absent" : (m.packages as Record<string, string>).sharp}\n`);
  if (loadAtStart[0] > 0.5) {
    console.log(`**Warning:** load average ${loadAtStart[0].toFixed(2)} at the start: other processes were probably using the CPU, so absolute figures may be low and noisy (ratios suffer less: runs are interleaved).\n`);
  }
  console.log(summaryTable(results));
  console.log(`\n### Targets\n\n${targets(results).join("\n")}`);
  console.log(`\n### Every implementation\n\n${detailTable(results)}`);
  if (skipped.length > 0) console.log(`\nSkipped: ${skipped.join("; ")}`);
  const out = opts.out ?? (opts.only === undefined ? "bench/results/decode.json" : undefined);
  if (out !== undefined) {
    const path = resolve(ROOT, out);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify({ machine, options: opts, results, skipped }, null, 2)}\n`);
    process.stderr.write(`wrote ${out}\n`);
  }
}

await main();
