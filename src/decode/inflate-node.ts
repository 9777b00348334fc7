// node:zlib inflate, reached only through the Node side of the platform seam (src/platform/node.ts).
import { limitError, type Inflated } from "./inflate-common.js";
import type { BlockInfo } from "./types.js";

/** Blocks up to this many decoded bytes inflate synchronously (a 256×256 float32 tile). */
const SYNC_INFLATE_BYTES = 256 * 1024;

let nodeZlib: Promise<typeof import("node:zlib") | undefined> | undefined;

/**
 * DEFLATE on node:zlib (Node build only, see ./deflate.ts for the measurements behind it);
 * `undefined` in a runtime that looks like Node but has no node:zlib, so the caller falls back.
 *
 * @example
 * ```ts
 * const result = (await inflateNode(bytes, block, false)) ?? (await inflateStream(bytes, block, false));
 * ```
 */
export const inflateNode = async (bytes: Uint8Array, block: BlockInfo, raw: boolean): Promise<Inflated | undefined> => {
  nodeZlib ??= import("node:zlib").catch(() => undefined);
  const zlib = await nodeZlib;
  if (zlib === undefined) return undefined;
  // Z_SYNC_FLUSH: a stream cut short (or missing its Adler-32) returns what it inflated instead
  // of "unexpected end of file". One output chunk a little larger than the block: the whole
  // tile inflates in ONE thread-pool job (the default 16 KiB chunks cost a round trip each,
  // 2.5x slower on 256x256 tiles) and a bomb fails after that first chunk (maxOutputLength).
  const max = block.expectedBytes;
  const opts = { maxOutputLength: Math.max(1, max), chunkSize: Math.max(64, max + 64), finishFlush: zlib.constants.Z_SYNC_FLUSH };
  if (max <= SYNC_INFLATE_BYTES) {
    // A block this small inflates in well under a millisecond: quicker on this thread than the
    // ~90 µs round trip to libuv's pool (bench/decode: async reached 0.46x of inflateSync).
    try {
      const out = (raw ? zlib.inflateRawSync : zlib.inflateSync)(bytes, opts);
      return { out: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), broken: false };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw limitError(block);
      return { out: new Uint8Array(0), broken: true };
    }
  }
  return new Promise((resolve, reject) => {
    (raw ? zlib.inflateRaw : zlib.inflate)(bytes, opts, (err, out) => {
      if (err === null) resolve({ out: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), broken: false });
      else if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") reject(limitError(block));
      else resolve({ out: new Uint8Array(0), broken: true });
    });
  });
};

