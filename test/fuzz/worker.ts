/**
 * A fuzz child: runs one case at a time for its parent (pool.ts), which times it out and
 * watches its memory. Messages in: `{ type: "init", seeds, seed, maxBytes }`, then
 * `{ type: "case", index }` (rebuilds case `index` itself) or `{ type: "bytes", bytes }`.
 * Messages out: `{ type: "ready" }`, `{ type: "call", call }` before each call (so a hang says
 * where), `{ type: "done", outcomes, peakRssBytes }`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { installAllocationGuard } from "./alloc-guard.js";

type Message =
  | { type: "init"; seeds: string[]; seed: number; maxBytes: number }
  | { type: "case"; index: number }
  | { type: "bytes"; bytes: Uint8Array };

const send = (m: unknown) => process.send?.(m);

/** Resets the kernel's peak-RSS counter (Linux clear_refs 5); false where it cannot. */
function resetPeak(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

function peakRss(): number {
  const m = /VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

let state: { seeds: Array<{ name: string; bytes: Uint8Array }>; seed: number } | undefined;
let modules: { exercise: typeof import("./exercise.js").exercise; makeCase: typeof import("./mutate.js").makeCase } | undefined;

async function run(bytes: Uint8Array): Promise<void> {
  if (!modules) throw new Error("not initialised");
  const before = process.memoryUsage().rss;
  const canPeak = resetPeak();
  const outcomes = await modules.exercise(bytes, (call) => send({ type: "call", call }));
  const peak = canPeak ? peakRss() : process.memoryUsage().rss;
  send({ type: "done", outcomes, rssRiseBytes: Math.max(0, peak - before) });
}

process.on("message", (raw) => {
  const m = raw as Message;
  void (async () => {
    if (m.type === "init") {
      installAllocationGuard(m.maxBytes);
      const [{ exercise }, { makeCase }] = await Promise.all([import("./exercise.js"), import("./mutate.js")]);
      modules = { exercise, makeCase };
      state = { seed: m.seed, seeds: m.seeds.map((path) => ({ name: path, bytes: new Uint8Array(readFileSync(path)) })) };
      send({ type: "ready" });
    } else if (m.type === "case") {
      if (!state || !modules) throw new Error("not initialised");
      await run(modules.makeCase(state.seeds, state.seed, m.index).bytes);
    } else {
      await run(new Uint8Array(m.bytes));
    }
  })().catch((e: unknown) => {
    send({ type: "fatal", message: String((e as Error)?.stack ?? e) });
  });
});

// A rejection nobody awaited is an escape too: report it as the case's outcome.
process.on("unhandledRejection", (e) => send({ type: "fatal", message: `unhandled rejection: ${String((e as Error)?.stack ?? e)}` }));
