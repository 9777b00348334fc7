// Worker-thread entry of the decode pool: runs decodeBlock on what the pool posts.
import { parentPort } from "node:worker_threads";
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

parentPort?.on("message", async (job: Job) => {
  try {
    const values = await decodeBlock(job.bytes, job.block, job.dtype);
    parentPort?.postMessage({ id: job.id, values }, [values.buffer as ArrayBuffer]);
  } catch (e) {
    const error = isCogError(e)
      ? { code: e.code, message: e.message, context: e.context }
      : { code: "COG_FORMAT", message: String((e as Error)?.message ?? e), context: job.block.context };
    parentPort?.postMessage({ id: job.id, error });
  }
});
