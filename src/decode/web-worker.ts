// Web Worker entry of the browser decode pool (src/decode/web-pool.ts): runs decodeBlock on what
// the pool posts, the same protocol as the Node worker (./worker.ts).
import { isCogError } from "../errors.js";
import type { DType } from "../tiff/dtype.js";
import { decodeBlock } from "./block.js";
import type { BlockInfo } from "./types.js";

interface Job {
  id: number;
  bytes: Uint8Array;
  block: BlockInfo;
  dtype: DType;
}

const scope = globalThis as unknown as { postMessage(message: unknown, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<Job>) => void) | null };

scope.onmessage = async ({ data: job }) => {
  try {
    const values = await decodeBlock(job.bytes, job.block, job.dtype);
    scope.postMessage({ id: job.id, values }, [values.buffer as ArrayBuffer]);
  } catch (e) {
    const error = isCogError(e)
      ? { code: e.code, message: e.message, context: e.context }
      : { code: "COG_FORMAT", message: String((e as Error)?.message ?? e), context: job.block.context };
    scope.postMessage({ id: job.id, error });
  }
};
scope.postMessage({ ready: true });
