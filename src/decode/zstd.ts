import { CogError } from "../errors.js";
import type { BlockInfo, Codec } from "./types.js";
import { codecWasm } from "./wasm.js";

const ZSTD_MAGIC = 0xfd2fb528;

/** What zstddec's libzstd build exports (its own JS wrapper is replaced by the few lines below). */
interface ZstdExports {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  ZSTD_decompress(dst: number, dstCapacity: number, src: number, srcSize: number): number;
}

type ZstdDecode = (bytes: Uint8Array, capacity: number) => Uint8Array;

let decoder: Promise<ZstdDecode> | undefined;

/**
 * Instantiates libzstd (zstddec's WASM, from {@link codecWasm}) once, on first use; a failed
 * load is not cached. Instantiating a compiled `WebAssembly.Module` is what workerd allows.
 */
function loadDecoder(): Promise<ZstdDecode> {
  decoder ??= codecWasm("zstd").then(async (module) => {
    let heap = new Uint8Array(0);
    const env = { emscripten_notify_memory_growth: () => (heap = new Uint8Array(exports.memory.buffer)) };
    const instance = await WebAssembly.instantiate(module, { env });
    const exports = instance.exports as unknown as ZstdExports;
    env.emscripten_notify_memory_growth();
    return (bytes, capacity) => {
      const src = exports.malloc(bytes.length);
      const dst = exports.malloc(capacity);
      try {
        if (src === 0 || dst === 0) return new Uint8Array(0);
        heap.set(bytes, src);
        const n = exports.ZSTD_decompress(dst, capacity, src, bytes.length);
        // libzstd returns an error as a huge size_t, which wraps to a negative i32 here.
        return n < 0 || n > capacity ? new Uint8Array(0) : heap.slice(dst, dst + n);
      } finally {
        exports.free(src);
        exports.free(dst);
      }
    };
  });
  decoder.catch(() => {
    decoder = undefined;
  });
  return decoder;
}

/**
 * Compression 50000 (ZSTD, RFC 8878), decoded by libzstd compiled to WASM (the module zstddec
 * builds, instantiated here; see {@link codecWasm}). Node 20's zlib has no zstd. On the 45 ZSTD tiles of
 * the fixtures and corpus (Node 20, MB/s of decoded output, copies in and out of WASM memory
 * included, median of 5): zstddec ~700, the pure-JS `fzstd` ~50, and ~2 on 1 KiB tiles, where
 * its per-call set-up dominates. libzstd also rejects more corrupt streams: fzstd decoded most
 * bit-flipped tiles to wrong bytes without an error, and the corpus's corrupt tile to nothing.
 *
 * libzstd decodes straight into a buffer of `expectedBytes`, so a bomb cannot allocate more.
 * Before that, the frame and block headers are walked (no decoding): frames that declare more
 * than `expectedBytes`, or whose raw and RLE blocks alone hold more, are `COG_LIMIT`; a malformed
 * frame is `COG_FORMAT`. A libzstd error comes back as empty output: `COG_FORMAT` (corrupt,
 * or too large for a frame that declares no size).
 *
 * @example
 * ```ts
 * import { decodeZstd } from "./zstd.js";
 * const pixels = await decodeZstd(compressed, block); // predictor not undone
 * ```
 */
export const decodeZstd: Codec = async (bytes, block) => {
  const zstd = await loadDecoder();
  const { declared, atLeast } = scanFrames(bytes, block);
  const size = Math.max(declared ?? 0, atLeast);
  if (size > block.expectedBytes) {
    throw new CogError("COG_LIMIT", `ZSTD block decodes to at least ${size} bytes, more than the ${block.expectedBytes} expected`, {
      ...block.context,
      limit: "expectedBytes",
    });
  }
  const out = zstd(bytes, block.expectedBytes);
  if (out.length === 0 && bytes.length > 0 && declared !== 0) {
    const why = declared === undefined ? ` or larger than the ${block.expectedBytes} bytes expected` : "";
    throw new CogError("COG_FORMAT", `corrupt ZSTD stream${why} (${bytes.length} bytes)`, block.context);
  }
  return out;
};

/**
 * Walks the frames and their block headers (RFC 8878 §3.1) without decoding anything, checking
 * that every block lies inside the input. `declared`: the sum of the frames' content sizes
 * (undefined when a frame declares none, as in GDAL's tiles, written with ZSTD_compressStream);
 * `atLeast`: the bytes that raw and RLE blocks alone produce (an RLE block is 4 bytes for 128 KiB).
 */
function scanFrames(b: Uint8Array, block: BlockInfo): { declared: number | undefined; atLeast: number } {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const bad = (why: string) => new CogError("COG_FORMAT", `corrupt ZSTD stream: ${why}`, block.context);
  let p = 0;
  let contentSize: number | undefined = 0;
  let atLeast = 0;
  while (p < b.length) {
    if (p + 8 > b.length) throw bad(`truncated frame header at byte ${p}`);
    const magic = view.getUint32(p, true);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      p += 8 + view.getUint32(p + 4, true); // skippable frame
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw bad(`no frame magic at byte ${p}`);
    const fhd = b[p + 4];
    const single = (fhd >> 5) & 1;
    const fcsBytes = [single, 2, 4, 8][fhd >> 6];
    const didBytes = [0, 1, 2, 4][fhd & 3];
    let q = p + 5 + (single ? 0 : 1) + didBytes; // skip the window descriptor and dictionary id
    if (q + fcsBytes > b.length) throw bad(`truncated frame header at byte ${p}`);
    let fcs = 0;
    for (let i = fcsBytes - 1; i >= 0; i--) fcs = fcs * 256 + b[q + i];
    if (fcsBytes === 2) fcs += 256;
    contentSize = fcsBytes > 0 && contentSize !== undefined ? contentSize + fcs : undefined;
    q += fcsBytes;
    for (let last = 0; !last; ) {
      if (q + 3 > b.length) throw bad(`truncated block header at byte ${q}`);
      const header = b[q] | (b[q + 1] << 8) | (b[q + 2] << 16);
      last = header & 1;
      const type = (header >> 1) & 3;
      if (type === 3) throw bad(`reserved block type at byte ${q}`);
      if (type < 2) atLeast += header >>> 3;
      q += 3 + (type === 1 ? 1 : header >>> 3);
    }
    p = q + ((fhd >> 2) & 1) * 4;
    if (p > b.length) throw bad(`frame runs past the end of the block (${p} > ${b.length} bytes)`);
  }
  return { declared: contentSize, atLeast };
}
