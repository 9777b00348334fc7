import type { Worker } from "node:worker_threads";
import { CogError, type CogErrorCode } from "../errors.js";
import type { DType } from "../tiff/dtype.js";
import type { TypedArray } from "./samples.js";
import type { BlockInfo } from "./types.js";

/**
 * Decodes blocks; {@link createDecodePool} makes one that runs on worker threads.
 *
 * @example
 * ```ts
 * const pool = await createDecodePool({ size: 2 });
 * const cog = await COGReader.open("a.tif", { decodePool: pool });
 * ```
 */
export interface DecodePool {
  decode(bytes: Uint8Array, block: BlockInfo, dtype: DType): Promise<TypedArray>;
  /** Stops the workers. Pending decodes are rejected. */
  close(): Promise<void>;
}

interface Pending {
  worker: Worker;
  resolve: (v: TypedArray) => void;
  reject: (e: unknown) => void;
}

/**
 * A pool of Node worker threads that decode blocks (codec, predictor, samples) off the main
 * thread: worth it for JPEG, WebP, LERC and LZW, whose decoders run on the calling thread
 * (deflate already inflates on libuv's pool). Each job goes to the least busy worker; the
 * compressed bytes are copied to it and the decoded values transferred back.
 *
 * @example
 * ```ts
 * const pool = await createDecodePool({ size: 2 });
 * try {
 *   const cog = await COGReader.open("a.tif", { decodePool: pool });
 *   await cog.getTile(0, 0, 0);
 * } finally {
 *   await pool.close();
 * }
 * ```
 */
export async function createDecodePool(opts: { size?: number } = {}): Promise<DecodePool> {
  const { Worker } = await import("node:worker_threads");
  const os = await import("node:os");
  const size = Math.max(1, opts.size ?? Math.max(1, os.availableParallelism() - 1));
  const script = workerScript();
  const pending = new Map<number, Pending>();
  const load = new Map<Worker, number>();
  let nextId = 0;
  const workers = Array.from({ length: size }, () => {
    const worker = script.eval ? new Worker(script.code, { eval: true }) : new Worker(script.url);
    load.set(worker, 0);
    // A worker that dies fails its jobs instead of leaving them waiting.
    worker.on("error", (e) => {
      for (const [id, job] of pending) {
        if (job.worker !== worker) continue;
        pending.delete(id);
        job.reject(new CogError("COG_UNSUPPORTED", `decode worker failed: ${e.message}`, {}, { cause: e }));
      }
    });
    worker.on("message", (msg: { id: number; values?: TypedArray; error?: { code: CogErrorCode; message: string; context: object } }) => {
      const job = pending.get(msg.id);
      if (job === undefined) return;
      pending.delete(msg.id);
      const left = (load.get(worker) ?? 1) - 1;
      load.set(worker, left);
      // An idle pool must not keep the process alive; a busy one must.
      if (left === 0) worker.unref();
      if (msg.error) job.reject(new CogError(msg.error.code, msg.error.message.replace(/ \(.*\)$/, ""), msg.error.context));
      else job.resolve(msg.values as TypedArray);
    });
    worker.unref();
    return worker;
  });
  return {
    decode(bytes, block, dtype) {
      const worker = workers.reduce((a, b) => ((load.get(b) ?? 0) < (load.get(a) ?? 0) ? b : a));
      load.set(worker, (load.get(worker) ?? 0) + 1);
      worker.ref();
      const id = nextId++;
      return new Promise<TypedArray>((resolve, reject) => {
        pending.set(id, { worker, resolve, reject });
        const copy = bytes.slice();
        worker.postMessage({ id, bytes: copy, block, dtype }, [copy.buffer]);
      });
    },
    async close() {
      for (const job of pending.values()) job.reject(new CogError("COG_ABORT", "decode pool closed"));
      pending.clear();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * The worker script: the built `decode/worker.js` beside the bundle; from the TypeScript sources
 * (tests, development) a bootstrap that registers tsx first.
 */
function workerScript(): { eval: false; url: URL } | { eval: true; code: string } {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return { eval: false, url: new URL("./decode/worker.js", here) };
  const source = JSON.stringify(new URL("./worker.ts", here).href);
  return { eval: true, code: `import("tsx/esm/api").then((m) => { m.register(); return import(${source}); });` };
}
