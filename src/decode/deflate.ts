import { CogError } from "../errors.js";
import { nativeInflater } from "../platform/inflate.js";
import { limitError, type Inflater } from "./inflate-common.js";
import type { BlockInfo, Codec } from "./types.js";

/** Where inflate runs: node:zlib (off the event loop), the web `DecompressionStream`, or pako. */
export type InflateBackend = "node" | "stream" | "pako";

/**
 * Makes a DEFLATE codec (TIFF compression 8 and the legacy 32946: zlib streams) on one backend.
 * The default picks node:zlib in the Node build, else `DecompressionStream("deflate")`, else pako
 * (loaded with `import()` on first use). node:zlib lives behind the Node entry only
 * (src/platform/inflate.ts), so browser and worker bundles never see it; asking for `"node"` there
 * is `COG_UNSUPPORTED`.
 *
 * Measured on the 122 uint8 256×256 DEFLATE tiles of the fixtures and corpus (Node 20, 2 cores,
 * MB/s of decoded output, median of 7): node:zlib `inflate` async ~280 one tile at a time and
 * ~690 with 8 in flight; `inflateSync` ~810 (~635 with its default 16 KiB chunks); pako ~175;
 * Node's own DecompressionStream ~60. Sync is faster per tile but blocks the event loop for
 * every tile (tens of ms for a window of tiles); async stalls it < 4 ms and uses both cores,
 * which a reader that fetches while it decodes needs, so async is the Node default.
 *
 * GDAL (through libdeflate) and other writers leave some tiles with a bad or missing Adler-32
 * or bytes after the stream end. libtiff stops once it has the block's bytes and never looks at
 * the trailer, so here a stream that breaks *after* producing all `expectedBytes` is accepted;
 * one that breaks earlier is `COG_FORMAT`, one that ends early gives a shorter (truncated)
 * block, and one that would produce more than `expectedBytes` stops there with `COG_LIMIT`.
 *
 * @example
 * ```ts
 * import { createDeflateCodec } from "./deflate.js";
 * const inflatePako = createDeflateCodec("pako");
 * const pixels = await inflatePako(compressed, block);
 * ```
 */
export function createDeflateCodec(backend?: InflateBackend): Codec {
  const pick = backend ?? (nativeInflater !== undefined ? "node" : typeof DecompressionStream === "function" ? "stream" : "pako");
  return (bytes, block) => decodeWith(INFLATERS[pick], bytes, block);
}

/**
 * The DEFLATE codec for this runtime (see {@link createDeflateCodec}).
 *
 * @example
 * ```ts
 * import { decodeDeflate } from "./deflate.js";
 * const pixels = await decodeDeflate(compressed, block); // predictor not undone
 * ```
 */
export const decodeDeflate: Codec = createDeflateCodec();

async function decodeWith(inflate: Inflater, bytes: Uint8Array, block: BlockInfo): Promise<Uint8Array> {
  const max = block.expectedBytes;
  let result = await inflate(bytes, block, false);
  // A broken stream is retried raw (skipping the 2-byte zlib header, ignoring the Adler-32) when
  // the backend could not say how much it inflated before the break.
  if (result.broken && result.out.length < max && hasZlibHeader(bytes)) {
    result = await inflate(bytes.subarray(2), block, true);
  }
  if (result.broken && result.out.length < max) {
    throw new CogError("COG_FORMAT", `corrupt DEFLATE stream (${bytes.length} bytes in, ${result.out.length} out)`, block.context);
  }
  return result.out;
}

/** RFC 1950 §2.2: method 8, window ≤ 32 KiB, header check, no preset dictionary. */
function hasZlibHeader(b: Uint8Array): boolean {
  return b.length > 2 && (b[0] & 0x0f) === 8 && b[0] >> 4 <= 7 && ((b[0] << 8) | b[1]) % 31 === 0 && (b[1] & 0x20) === 0;
}

const inflateStream: Inflater = async (bytes, block, raw) => {
  const max = block.expectedBytes;
  const stream = new DecompressionStream(raw ? "deflate-raw" : "deflate");
  const writer = stream.writable.getWriter();
  // Web streams refuse views of a SharedArrayBuffer: copy those.
  writer.write((bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice()) as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = stream.readable.getReader();
  const out = new Uint8Array(max);
  let n = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (n + value.length > max) {
        reader.cancel().catch(() => undefined);
        throw limitError(block);
      }
      out.set(value, n);
      n += value.length;
    }
  } catch (e) {
    if (e instanceof CogError) throw e;
    return { out: out.subarray(0, n), broken: true };
  }
  return { out: n === max ? out : out.subarray(0, n), broken: false };
};

let pakoModule: Promise<typeof import("pako")> | undefined;

const inflatePako: Inflater = async (bytes, block, raw) => {
  const max = block.expectedBytes;
  pakoModule ??= import("pako");
  const pako = await pakoModule.catch((e: unknown) => {
    pakoModule = undefined;
    throw new CogError("COG_UNSUPPORTED", `cannot load pako for DEFLATE: ${(e as Error)?.message}`, block.context, { cause: e });
  });
  // One low-level inflate call straight into a buffer one byte larger than the block: no chunk
  // list, a bomb stops at max + 1 bytes, and the output before an error is still there.
  const strm = new pako.ZStream();
  pako.zlibInflateInit2(strm, raw ? -15 : 15);
  strm.input = bytes;
  strm.next_in = 0;
  strm.avail_in = bytes.length;
  strm.output = new Uint8Array(max + 1);
  strm.next_out = 0;
  strm.avail_out = max + 1;
  const status = pako.zlibInflate(strm, pako.Z_SYNC_FLUSH);
  pako.zlibInflateEnd(strm);
  const n = strm.next_out;
  if (n > max) throw limitError(block);
  const broken = status !== pako.Z_OK && status !== pako.Z_STREAM_END && status !== pako.Z_BUF_ERROR;
  return { out: strm.output.subarray(0, n), broken };
};

/** node:zlib; a runtime that looks like Node but has none uses the web stream, or pako. */
const inflateNode: Inflater = async (bytes, block, raw) => {
  if (nativeInflater === undefined) throw new CogError("COG_UNSUPPORTED", "the node:zlib DEFLATE backend exists only in the Node build of cogread", block.context);
  const out = await nativeInflater(bytes, block, raw);
  return out ?? (typeof DecompressionStream === "function" ? inflateStream : inflatePako)(bytes, block, raw);
};

const INFLATERS: Record<InflateBackend, Inflater> = { node: inflateNode, stream: inflateStream, pako: inflatePako };
