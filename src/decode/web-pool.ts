import { CogError, type CogErrorCode } from "../errors.js";
import type { DType } from "../tiff/dtype.js";
import type { TypedArray } from "./samples.js";
import type { BlockInfo } from "./types.js";
import type { DecodePool } from "./worker-pool.js";

interface Pending {
  worker: Worker;
  resolve: (v: TypedArray) => void;
  reject: (e: unknown) => void;
}

type Reply = { ready?: true; id?: number; values?: TypedArray; error?: { code: CogErrorCode; message: string; context: object } };

/** How long a worker may take to start before the pool gives up on it. */
const START_MS = 10_000;

/**
 * A {@link DecodePool} on Web Workers (module workers), for browsers: each job goes to the least
 * busy worker, the compressed bytes are copied to it and the values transferred back. The worker
 * script is `new URL("../decode/web-worker.js", import.meta.url)`, which Vite and webpack 5 bundle
 * as a worker; where it cannot start (a bundler that does not, no `Worker` here), the pool is
 * `COG_UNSUPPORTED` and decoding stays on the calling thread.
 *
 * @example
 * ```ts
 * const pool = await createWebDecodePool({ size: 2 }, () => new Worker(new URL("./web-worker.js", import.meta.url), { type: "module" }));
 * ```
 */
export async function createWebDecodePool(opts: { size?: number }, spawn: () => Worker): Promise<DecodePool> {
  if (typeof Worker !== "function") throw new CogError("COG_UNSUPPORTED", "createDecodePool needs Web Workers, which this runtime does not have");
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2;
  const size = Math.max(1, opts.size ?? Math.max(1, cores - 1));
  const pending = new Map<number, Pending>();
  const load = new Map<Worker, number>();
  let nextId = 0;
  const start = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = spawn();
      const fail = (why: string) => {
        clearTimeout(timer);
        worker.terminate();
        reject(new CogError("COG_UNSUPPORTED", `decode worker did not start (${why}): bundle src/decode/web-worker.js as a module worker, or decode without a pool`));
      };
      const timer = setTimeout(() => fail(`no answer in ${START_MS} ms`), START_MS);
      worker.onerror = (e) => fail(e.message || "error loading the worker script");
      worker.onmessage = (e: MessageEvent<Reply>) => {
        if (!e.data.ready) return;
        clearTimeout(timer);
        worker.onmessage = (m: MessageEvent<Reply>) => settle(worker, m.data);
        worker.onerror = (err) => failJobs(worker, err.message);
        load.set(worker, 0);
        resolve(worker);
      };
    });
  const settle = (worker: Worker, msg: Reply) => {
    const job = msg.id === undefined ? undefined : pending.get(msg.id);
    if (job === undefined) return;
    pending.delete(msg.id!);
    load.set(worker, (load.get(worker) ?? 1) - 1);
    if (msg.error) job.reject(new CogError(msg.error.code, msg.error.message.replace(/ \(.*\)$/, ""), msg.error.context));
    else job.resolve(msg.values as TypedArray);
  };
  const failJobs = (worker: Worker, why: string) => {
    for (const [id, job] of pending) {
      if (job.worker !== worker) continue;
      pending.delete(id);
      job.reject(new CogError("COG_UNSUPPORTED", `decode worker failed: ${why}`));
    }
  };
  const started = await Promise.allSettled(Array.from({ length: size }, start));
  const workers = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  if (workers.length < size) {
    for (const w of workers) w.terminate();
    throw (started.find((r) => r.status === "rejected") as PromiseRejectedResult).reason;
  }
  return {
    decode(bytes: Uint8Array, block: BlockInfo, dtype: DType) {
      const worker = workers.reduce((a, b) => ((load.get(b) ?? 0) < (load.get(a) ?? 0) ? b : a));
      load.set(worker, (load.get(worker) ?? 0) + 1);
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
      for (const w of workers) w.terminate();
    },
  };
}
