// Timing and machine facts for the benchmarks in bench/. Not part of the library or its tests.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

/** One way of decoding the tiles of a case; `decode(i)` decodes tile i and resolves when done. */
export interface Runner {
  name: string;
  decode(i: number): Promise<unknown>;
}

/** What one runner measured: MB/s (10^6 bytes of decoded output a second) of every run. */
export interface Timing {
  name: string;
  runs: number[];
  median: number;
  min: number;
  max: number;
  /** Passes over all tiles summed over the measured runs. */
  passes: number;
}

export interface TimingOptions {
  /** Measured runs per runner (the median is reported). */
  runs: number;
  /** Each run repeats whole passes over the tiles until at least this long. */
  minMs: number;
  /** Unmeasured time per runner before the first run (JIT, WASM instantiation, caches). */
  warmupMs: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Decodes every tile once per pass, whole passes until `minMs`; returns MB/s of output. */
async function timeRun(runner: Runner, tiles: number, outBytes: number, minMs: number): Promise<{ mbps: number; passes: number }> {
  let passes = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < tiles; i++) await runner.decode(i);
    passes++;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return { mbps: (passes * outBytes) / (elapsed / 1000) / 1e6, passes };
}

/**
 * Times the runners on the same tiles, interleaved: run k measures every runner once, in an
 * order rotated by k, so that drift (thermal, GC pressure, a noisy neighbour) spreads over all
 * of them instead of landing on whichever ran last.
 */
export async function timeInterleaved(runners: Runner[], tiles: number, outBytes: number, opts: TimingOptions): Promise<Timing[]> {
  for (const r of runners) await timeRun(r, tiles, outBytes, opts.warmupMs);
  const runs = runners.map(() => [] as number[]);
  const passes = runners.map(() => 0);
  for (let k = 0; k < opts.runs; k++) {
    for (let j = 0; j < runners.length; j++) {
      const idx = (j + k) % runners.length;
      gc?.();
      const t = await timeRun(runners[idx], tiles, outBytes, opts.minMs);
      runs[idx].push(t.mbps);
      passes[idx] += t.passes;
    }
  }
  return runners.map((r, i) => {
    const sorted = [...runs[i]].sort((a, b) => a - b);
    return { name: r.name, runs: runs[i], median: median(sorted), min: sorted[0], max: sorted[sorted.length - 1], passes: passes[i] };
  });
}

function median(sorted: number[]): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/** Node, CPU and package versions, so that a result file says what it was measured on. */
export function machineInfo(repoRoot: string, packages: string[]): Record<string, unknown> {
  const cpus = os.cpus();
  const versions: Record<string, string | null> = {};
  for (const p of packages) {
    try {
      versions[p] = (JSON.parse(readFileSync(`${repoRoot}/node_modules/${p}/package.json`, "utf8")) as { version: string }).version;
    } catch {
      versions[p] = null;
    }
  }
  let commit: string | null = null;
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
  } catch {
    // not a git checkout
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
    cpuModel: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? "4 (default)",
    exposeGc: gc !== undefined,
    commit,
    packages: versions,
  };
}

/** A seeded pseudo-random generator (mulberry32): the same draws on every run. */
export { mulberry32 as seededRandom } from "../test/helpers/seeded-random.js";
