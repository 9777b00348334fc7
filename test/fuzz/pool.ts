/**
 * The parent side of the fuzzer: child processes (worker.ts) that each run one case at a time,
 * a timeout per case and an RSS watchdog. A child that hangs, crashes or grows past the limit is
 * killed and replaced, and the case is classified by what happened to it.
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CallOutcome } from "./exercise.js";

/** How a case ended, worst first. */
export type CaseKind = "crash" | "rss" | "hang" | "alloc" | "untyped" | "slow" | "typed" | "ok";

/** The verdict on one case. */
export interface CaseResult {
  kind: CaseKind;
  /** Signature for crash / rss / hang / alloc / untyped; the slowest call for slow. */
  signature?: string;
  outcomes: CallOutcome[];
  /** Wall time of the case. */
  ms: number;
  /** CPU time the case's child spent on it. */
  cpuMs: number;
  rssRiseBytes: number;
}

/** Limits a pool enforces. */
export interface PoolLimits {
  /**
   * CPU time one case may take in its child (default 5000 ms): the work a file causes, whatever
   * else loads the machine. A case that waits without working (a promise never settled) is
   * caught by the wall-clock limit, three times this.
   */
  timeoutMs: number;
  /** Bytes one allocation, or the rise of a case's peak RSS, may reach (default 256 MiB). */
  maxBytes: number;
  /** A call slower than this makes the case `slow` (default 1000 ms). */
  slowMs: number;
}

type Job = { payload: { type: "case"; index: number } | { type: "bytes"; bytes: Uint8Array }; resolve: (r: CaseResult) => void };

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));

/** User plus system CPU time of a process so far, in ms (Linux /proc); 0 where unknown. */
function cpuMsOf(pid: number): number {
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat times, on every mainstream architecture. */
const CLOCK_TICKS = 100;

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Sorts a finished case's call outcomes into a {@link CaseResult}. */
export function classify(outcomes: CallOutcome[], ms: number, rssRiseBytes: number, limits: PoolLimits): Omit<CaseResult, "cpuMs"> {
  const base = { outcomes, ms, rssRiseBytes };
  const untyped = outcomes.find((o) => o.kind === "untyped");
  if (untyped?.detail?.startsWith("FuzzAllocationError")) return { ...base, kind: "alloc", signature: `${untyped.call}: ${untyped.detail}` };
  if (untyped) return { ...base, kind: "untyped", signature: untyped.detail };
  if (rssRiseBytes > limits.maxBytes) return { ...base, kind: "rss", signature: `peak RSS rose ${rssRiseBytes >> 20} MiB` };
  const slow = outcomes.reduce<CallOutcome | undefined>((a, o) => (o.ms > (a?.ms ?? limits.slowMs) ? o : a), undefined);
  if (slow) return { ...base, kind: "slow", signature: `${slow.call} took ${Math.round(slow.ms)} ms` };
  return { ...base, kind: outcomes.some((o) => o.kind === "typed") ? "typed" : "ok" };
}

class Child {
  readonly proc: ChildProcess;
  ready: Promise<void>;
  job?: { job: Job; start: number; cpuStart: number; call: string; timer: NodeJS.Timeout; watch: NodeJS.Timeout; baseline: number };

  constructor(
    private readonly init: { seeds: string[]; seed: number; maxBytes: number },
    private readonly limits: PoolLimits,
    private readonly onGone: (child: Child) => void,
  ) {
    this.proc = fork(WORKER, [], {
      execArgv: ["--import", "tsx", "--max-old-space-size=1024"],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    this.proc.stderr?.resume();
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type === "ready") {
          this.proc.off("message", onMessage);
          resolve();
        }
      };
      this.proc.on("message", onMessage);
      this.proc.once("exit", () => reject(new Error("fuzz worker exited before it was ready")));
    });
    this.ready.catch(() => undefined);
    this.proc.on("message", (m) => this.onMessage(m as { type: string; call?: string; outcomes?: CallOutcome[]; rssRiseBytes?: number; message?: string }));
    this.proc.on("exit", (code, signal) => this.finish({ kind: "crash", signature: `worker exited (${signal ?? code}) in ${this.job?.call ?? "?"}` }, true));
    this.proc.send({ type: "init", ...init });
  }

  run(job: Job): void {
    const start = performance.now();
    const pid = this.proc.pid ?? 0;
    const wallMs = 3 * this.limits.timeoutMs;
    const timer = setTimeout(() => this.finish({ kind: "hang", signature: `over ${wallMs} ms of wall time in ${this.job?.call}` }, true), wallMs);
    const baseline = rssOf(pid);
    const cpuStart = cpuMsOf(pid);
    const watch = setInterval(() => {
      if (cpuMsOf(pid) - cpuStart > this.limits.timeoutMs) {
        this.finish({ kind: "hang", signature: `over ${this.limits.timeoutMs} ms of CPU in ${this.job?.call}` }, true);
        return;
      }
      const rise = rssOf(pid) - baseline;
      if (rise > this.limits.maxBytes) this.finish({ kind: "rss", signature: `RSS rose ${rise >> 20} MiB in ${this.job?.call}` }, true);
    }, 50);
    this.job = { job, start, cpuStart, call: "start", timer, watch, baseline };
    this.proc.send(job.payload);
  }

  private onMessage(m: { type: string; call?: string; outcomes?: CallOutcome[]; rssRiseBytes?: number; message?: string }): void {
    if (!this.job) return;
    if (m.type === "call") this.job.call = m.call ?? "?";
    else if (m.type === "done") {
      const ms = performance.now() - this.job.start;
      this.finish(classify(m.outcomes ?? [], ms, m.rssRiseBytes ?? 0, this.limits), false);
    } else if (m.type === "fatal") {
      const firstLines = (m.message ?? "").split("\n").slice(0, 2).join(" ").replace(/\d+/g, "N");
      this.finish({ kind: "untyped", signature: `escaped: ${firstLines}` }, true);
    }
  }

  private finish(partial: { kind: CaseKind; signature?: string; outcomes?: CallOutcome[]; ms?: number; rssRiseBytes?: number }, kill: boolean): void {
    const current = this.job;
    this.job = undefined;
    const cpuMs = current ? Math.max(0, cpuMsOf(this.proc.pid ?? 0) - current.cpuStart) : 0;
    if (current) {
      clearTimeout(current.timer);
      clearInterval(current.watch);
    }
    // A child being replaced leaves the pool before its case resolves, so no job is sent to it.
    if (kill) {
      this.proc.removeAllListeners("exit");
      this.proc.kill("SIGKILL");
      this.onGone(this);
    }
    current?.job.resolve({ outcomes: [], ms: performance.now() - (current?.start ?? 0), cpuMs, rssRiseBytes: 0, ...partial });
  }
}

/**
 * A pool of fuzz children. `runCase(i)` rebuilds and runs case i of `seed` in a child;
 * `runBytes(b)` runs given bytes (a reproducer, a minimisation step).
 *
 * @example
 * const pool = new FuzzPool({ seeds, seed: 1, workers: 2 });
 * const result = await pool.runCase(17);
 * await pool.close();
 */
export class FuzzPool {
  private readonly idle: Child[] = [];
  private readonly queue: Job[] = [];
  private readonly children = new Set<Child>();
  private closed = false;
  readonly limits: PoolLimits;

  constructor(private readonly opts: { seeds: string[]; seed: number; workers: number; limits?: Partial<PoolLimits> }) {
    this.limits = { timeoutMs: 5000, maxBytes: 256 * 1024 * 1024, slowMs: 1000, ...opts.limits };
    for (let i = 0; i < opts.workers; i++) this.spawn();
  }

  runCase(index: number): Promise<CaseResult> {
    return this.enqueue({ type: "case", index });
  }

  runBytes(bytes: Uint8Array): Promise<CaseResult> {
    return this.enqueue({ type: "bytes", bytes });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.children) {
      c.proc.removeAllListeners("exit");
      c.proc.kill("SIGKILL");
    }
  }

  private enqueue(payload: Job["payload"]): Promise<CaseResult> {
    return new Promise((resolve) => {
      this.queue.push({ payload, resolve });
      this.dispatch();
    });
  }

  private spawn(): void {
    if (this.closed) return;
    const child = new Child({ seeds: this.opts.seeds, seed: this.opts.seed, maxBytes: this.limits.maxBytes }, this.limits, (gone) => {
      this.children.delete(gone);
      const i = this.idle.indexOf(gone);
      if (i >= 0) this.idle.splice(i, 1);
      this.spawn();
    });
    this.children.add(child);
    child.ready.then(
      () => {
        this.idle.push(child);
        this.dispatch();
      },
      () => undefined,
    );
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const child = this.idle.pop()!;
      const job = this.queue.shift()!;
      const original = job.resolve;
      job.resolve = (r) => {
        original(r);
        if (this.children.has(child)) {
          this.idle.push(child);
          this.dispatch();
        }
      };
      child.run(job);
    }
  }
}
