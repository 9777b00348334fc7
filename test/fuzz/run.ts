/**
 * `npm run fuzz -- [--minutes N | --cases N] [--seed S] [--workers W] [--timeout MS] [--no-save] [--json out.json]`
 *
 * Mutates the corpus (../shared/corpus) and test/fixtures, runs each case in a child process
 * (pool.ts) with a timeout and an RSS watchdog, classifies every outcome, and saves a minimised
 * reproducer for each signature not seen before under test/fuzz-regressions/<kind>/. Exits 1
 * when any case escaped as an untyped error, hung, crashed or allocated past the limit.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { basename, join } from "node:path";
import { makeCase } from "./mutate.js";
import { FuzzPool, type CaseKind, type CaseResult } from "./pool.js";
import { knownSignatures, REGRESSIONS_DIR } from "./regressions.js";
import { seedFiles } from "./seeds.js";

const FAILING: ReadonlySet<CaseKind> = new Set(["crash", "rss", "hang", "alloc", "untyped"]);

interface Args {
  minutes?: number;
  cases?: number;
  seed: number;
  workers: number;
  timeoutMs: number;
  save: boolean;
  json?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seed: 1, workers: 2, timeoutMs: 5000, save: true };
  for (let i = 0; i < argv.length; i++) {
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    const a = argv[i];
    if (a === "--minutes") args.minutes = Number(next());
    else if (a === "--cases") args.cases = Number(next());
    else if (a === "--seed") args.seed = Number(next());
    else if (a === "--workers") args.workers = Number(next());
    else if (a === "--timeout") args.timeoutMs = Number(next());
    else if (a === "--no-save") args.save = false;
    else if (a === "--json") args.json = next();
    else throw new Error(`unknown option ${a}`);
  }
  if (args.minutes === undefined && args.cases === undefined) args.minutes = 1;
  return args;
}

/** Shortest prefix of `bytes` that still gives `signature` (greedy, halving steps). */
async function minimise(pool: FuzzPool, bytes: Uint8Array, signature: string): Promise<Uint8Array> {
  let best = bytes;
  for (let step = best.length >> 1; step >= 1; step >>= 1) {
    for (let tries = 0; best.length > step && tries < 8; tries++) {
      const candidate = best.subarray(0, best.length - step);
      const r = await pool.runBytes(candidate.slice());
      if (r.signature !== signature) break;
      best = candidate;
    }
  }
  return best.slice();
}

function save(kind: CaseKind, signature: string, bytes: Uint8Array, meta: object): string {
  const hash = createHash("sha256").update(signature).digest("hex").slice(0, 12);
  const dir = join(REGRESSIONS_DIR, kind);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${hash}.tif`), bytes);
  writeFileSync(join(dir, `${hash}.json`), `${JSON.stringify({ kind, signature, bytes: bytes.length, ...meta }, null, 2)}\n`);
  return join(kind, `${hash}.tif`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const seeds = seedFiles();
  const seedBytes = seeds.map((name) => ({ name, bytes: new Uint8Array(readFileSync(name)) }));
  const pool = new FuzzPool({ seeds, seed: args.seed, workers: args.workers, limits: { timeoutMs: args.timeoutMs } });
  const known = knownSignatures();
  const kinds = new Map<CaseKind, number>();
  const codes = new Map<string, number>();
  const signatures = new Map<string, { kind: CaseKind; count: number; firstCase: number; saved?: string }>();
  const deadline = args.minutes !== undefined ? Date.now() + args.minutes * 60_000 : Infinity;
  const limit = args.cases ?? Infinity;
  const started = Date.now();
  let next = 0;
  let done = 0;
  let slowestMs = 0;
  let slowestCaseMs = 0;
  let slowestCaseCpuMs = 0;
  let casesOver5sWall = 0;
  const slowCalls: Array<{ case: number; call: string; ms: number; cpuMs: number; outcome: string }> = [];
  let maxRise = 0;
  let lastReport = Date.now();
  const pending: Array<Promise<void>> = [];

  const handle = async (index: number, r: CaseResult) => {
    done++;
    kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
    for (const o of r.outcomes) if (o.kind === "typed" && o.detail) codes.set(o.detail, (codes.get(o.detail) ?? 0) + 1);
    slowestMs = Math.max(slowestMs, ...r.outcomes.map((o) => o.ms));
    slowestCaseMs = Math.max(slowestCaseMs, r.ms);
    slowestCaseCpuMs = Math.max(slowestCaseCpuMs, r.cpuMs);
    if (r.ms > 5000) casesOver5sWall++;
    // The slowest calls, to look at: a call over 1 s is "slow", not a failure.
    for (const o of r.outcomes) if (o.ms > 1000) slowCalls.push({ case: index, call: o.call, ms: Math.round(o.ms), cpuMs: Math.round(r.cpuMs), outcome: o.kind === "typed" ? (o.detail ?? "typed") : o.kind });
    maxRise = Math.max(maxRise, r.rssRiseBytes);
    if (!FAILING.has(r.kind) || r.signature === undefined) return;
    const entry = signatures.get(r.signature);
    if (entry) {
      entry.count++;
      return;
    }
    const record: { kind: CaseKind; count: number; firstCase: number; saved?: string } = { kind: r.kind, count: 1, firstCase: index };
    signatures.set(r.signature, record);
    process.stderr.write(`\nnew ${r.kind}: ${r.signature} (case ${index})\n`);
    if (!args.save || known.has(r.signature)) return;
    const { bytes, recipe } = makeCase(seedBytes, args.seed, index);
    const small = r.kind === "hang" || r.kind === "crash" || r.kind === "rss" ? bytes : await minimise(pool, bytes, r.signature);
    record.saved = save(r.kind, r.signature, small, { seed: args.seed, case: index, seedFile: basename(recipe.seedFile), mutations: recipe.mutations });
  };

  const inFlight = new Set<Promise<void>>();
  while (next < limit && Date.now() < deadline) {
    const index = next++;
    const p: Promise<void> = pool.runCase(index).then((r) => handle(index, r)).finally(() => inFlight.delete(p));
    inFlight.add(p);
    pending.push(p);
    if (inFlight.size >= args.workers * 2) await Promise.race(inFlight);
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      process.stderr.write(`\r${done} cases, ${[...signatures.keys()].length} failing signatures, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  await Promise.all(inFlight);
  await pool.close();
  const seconds = (Date.now() - started) / 1000;
  const failing = [...kinds].filter(([k]) => FAILING.has(k)).reduce((n, [, c]) => n + c, 0);
  const report = {
    seed: args.seed,
    cases: done,
    seconds: Math.round(seconds),
    casesPerSecond: Math.round(done / seconds),
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    seedFiles: seeds.length,
    outcomes: Object.fromEntries([...kinds].sort((a, b) => b[1] - a[1])),
    typedCodes: Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])),
    slowestCallMs: Math.round(slowestMs),
    slowestCaseMs: Math.round(slowestCaseMs),
    slowestCaseCpuMs: Math.round(slowestCaseCpuMs),
    casesOver5sWall,
    slowCalls: slowCalls.sort((a, b) => b.ms - a.ms).slice(0, 50),
    maxPeakRssRiseMiB: Math.round(maxRise / 2 ** 20),
    failing,
    signatures: [...signatures].map(([signature, s]) => ({ signature, ...s })),
  };
  process.stderr.write("\n");
  console.log(`fuzz: ${done} cases in ${report.seconds} s (seed ${args.seed}, ${seeds.length} seed files, load ${report.loadAverage.join(" ")})`);
  for (const [kind, count] of Object.entries(report.outcomes)) console.log(`  ${kind.padEnd(8)} ${count}`);
  console.log(`  slowest call ${report.slowestCallMs} ms; slowest case ${report.slowestCaseMs} ms wall, ${report.slowestCaseCpuMs} ms CPU; ${casesOver5sWall} cases over 5 s wall`);
  console.log(`  largest peak-RSS rise ${report.maxPeakRssRiseMiB} MiB`);
  for (const s of report.signatures) console.log(`  ${s.kind} x${s.count}: ${s.signature}${s.saved ? ` -> ${s.saved}` : ""}`);
  if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  console.log(failing === 0 ? "fuzz: 0 untyped errors, hangs, crashes or allocations over the limit" : `fuzz: ${failing} failing cases`);
  // The plain closing line CI reads: a case passes when every call ended ok or in a CogError, in time.
  console.log(`fuzz: ${done - failing} passed, ${failing} failed`);
  process.exitCode = failing === 0 ? 0 : 1;
}

await main();
