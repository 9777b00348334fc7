// The implementations bench/decode.ts times side by side, each decoding the SAME compressed tile
// bytes, and what each one's output is checked against.
import { inflate, inflateSync } from "node:zlib";
import { promisify } from "node:util";
import { fromFile, getDecoder, rgb } from "geotiff";
import { decodeBlock } from "../src/decode/block.js";
import { jpegCodec } from "../src/decode/jpeg.js";
import { getCodec } from "../src/decode/registry.js";
import type { DType } from "../src/tiff/dtype.js";
import type { Runner } from "./harness.js";
import { spliceJpegTables, type TileSet } from "./tiles.js";

/** Which column of the summary table a runner fills. */
export type Column = "cogread" | "codec" | "geotiff" | "native" | "native-async" | "jpegjs";

/** A runner, plus the values it produced for each tile (for the output check). */
export interface Peer extends Runner {
  column: Column;
  /** What its output is compared with: cogread's `decodeBlock` values, or cogread's raw codec bytes. */
  against?: "values" | "codec";
  output?(i: number): Promise<ArrayLike<number>>;
  note?: string;
}

/** A peer that cannot run on this case, and why ("n/a" in the table). */
export interface Missing {
  name: string;
  column: Column;
  reason: string;
}

const inflateAsync = promisify(inflate);

/** cogread's full decode (codec + predictor + byte order + typed array) and its codec alone. */
export async function cogreadPeers(set: TileSet): Promise<Peer[]> {
  const dtype = set.image.dtype;
  const codec = await getCodec(set.image.compressionCode);
  const t = set.tiles;
  return [
    {
      name: "cogread decodeBlock",
      column: "cogread",
      decode: (i) => decodeBlock(t[i].bytes, t[i].block, dtype),
      output: async (i) => asNumbers(await decodeBlock(t[i].bytes, t[i].block, dtype)),
    },
    {
      name: "cogread codec only",
      column: "codec",
      decode: (i) => codec(t[i].bytes, t[i].block),
      output: (i) => codec(t[i].bytes, t[i].block),
    },
  ];
}

/**
 * geotiff.js's decoder for the file, built from geotiff.js's own parse of it (its fileDirectory),
 * called as geotiff.js calls it: `decoder.decode(fileDirectory, arrayBuffer)`. That applies the
 * predictor (in host byte order) but leaves samples in an ArrayBuffer that `readRasters` reads
 * with a DataView in the file's byte order; the check reads them the same way. For YCbCr JPEG its
 * decoder returns Y, Cb, Cr and `readRGB` converts with `rgb.fromYCbCr`: that is timed too.
 */
export async function geotiffPeer(set: TileSet): Promise<Peer | Missing> {
  const base = { name: "geotiff.js decoder", column: "geotiff" as const };
  const tiff = await fromFile(set.path);
  try {
    const img = await tiff.getImage(0);
    const fd = img.fileDirectory as Record<string, unknown>;
    let decoder: { decode(fd: unknown, buffer: ArrayBuffer): Promise<ArrayBuffer> };
    try {
      decoder = await getDecoder(fd);
    } catch (e) {
      return { ...base, reason: (e as Error).message };
    }
    const ycbcr = fd.PhotometricInterpretation === 6;
    const { tileWidth: w, tileHeight: h } = set.image;
    const run = async (i: number): Promise<ArrayBuffer | Uint8ClampedArray> => {
      const out = await decoder.decode(fd, set.tiles[i].bytes.buffer);
      return ycbcr ? rgb.fromYCbCr(Object.assign(new Uint8Array(out), { width: w, height: h })) : out;
    };
    try {
      await run(0);
    } catch (e) {
      return { ...base, reason: `${(e as Error).message}`.slice(0, 120) };
    }
    const dtype = set.image.dtype;
    const count = (i: number) => (set.tiles[i].block.expectedBytes * 8) / set.image.bitsPerSample;
    return {
      ...base,
      note: ycbcr ? "decode() + rgb.fromYCbCr (what readRGB does)" : "decode(): codec + predictor",
      decode: run,
      against: "values",
      output: async (i) => {
        const out = await run(i);
        return out instanceof Uint8ClampedArray ? out : readAsGeotiff(out, dtype, set.littleEndian, count(i));
      },
    };
  } finally {
    await tiff.close();
  }
}

/** node:zlib on the raw DEFLATE stream: the floor for any JS-hosted inflate (no predictor). */
export function zlibPeers(set: TileSet): Peer[] {
  const t = set.tiles;
  // One output chunk the size of the block, as cogread asks for: the default 16 KiB chunks cost
  // a copy each (sync) or a thread-pool round trip each (async).
  const opts = (i: number) => ({ chunkSize: Math.max(64, t[i].block.expectedBytes + 64) });
  return [
    {
      name: "node:zlib inflateSync",
      column: "native",
      decode: async (i) => inflateSync(t[i].bytes, opts(i)),
      against: "codec",
      output: async (i) => inflateSync(t[i].bytes, opts(i)),
    },
    {
      name: "node:zlib inflate (async)",
      column: "native-async",
      decode: (i) => inflateAsync(t[i].bytes, opts(i)),
      against: "codec",
      output: (i) => inflateAsync(t[i].bytes, opts(i)),
    },
  ];
}

interface SharpPipeline {
  toColourspace(space: string): SharpPipeline;
  raw(): SharpPipeline;
  toBuffer(): Promise<Buffer>;
}

type SharpFn = ((input: Uint8Array) => SharpPipeline) & {
  cache(on: boolean): void;
  concurrency(n: number): number;
  versions: Record<string, string>;
};

let sharpLoad: Promise<SharpFn | string> | undefined;

/** sharp, if installed (optional: the bench runs without it). A string says why it is not. */
export function loadSharp(): Promise<SharpFn | string> {
  sharpLoad ??= (async () => {
    const spec = "sharp"; // a variable, so that typechecking never needs sharp installed
    try {
      const mod = (await import(spec)) as { default: SharpFn };
      const sharp = mod.default;
      sharp.cache(false); // libvips would otherwise serve repeats of the same input from its cache
      sharp.concurrency(1); // one thread per image, like the single-threaded WASM decoders
      return sharp;
    } catch (e) {
      return `sharp not installed (${(e as Error).message.split("\n")[0]})`;
    }
  })();
  return sharpLoad;
}

/** libvips (libjpeg-turbo / libwebp, native) via sharp, on JPEG or WebP tiles, to raw pixels. */
export async function sharpPeer(set: TileSet): Promise<Peer | Missing> {
  const sharp = await loadSharp();
  const base = { name: "sharp (libvips)", column: "native" as const };
  if (typeof sharp === "string") return { ...base, reason: sharp };
  const streams = set.tiles.map((t) => (set.image.compressionCode === 7 ? spliceJpegTables(t.bytes, t.block.jpegTables) : t.bytes));
  // libvips outputs sRGB unless told otherwise: keep a gray JPEG one band, as cogread does.
  const gray = set.image.bands === 1;
  const run = (i: number) => (gray ? sharp(streams[i]).toColourspace("b-w") : sharp(streams[i])).raw().toBuffer();
  return { ...base, note: "concurrency(1), cache off", decode: run, against: "values", output: run };
}

/** jpeg-js (pure JS) behind cogread's JPEG codec: the same splicing and YCbCr handling. */
export function jpegJsPeer(set: TileSet): Peer {
  const codec = jpegCodec("jpeg-js");
  const t = set.tiles;
  return {
    name: "jpeg-js (jpegCodec)",
    column: "jpegjs",
    decode: (i) => codec(t[i].bytes, t[i].block),
    against: "values",
    output: (i) => codec(t[i].bytes, t[i].block),
  };
}

/** Samples as geotiff.js's readRasters reads them: a DataView in the FILE's byte order. */
function readAsGeotiff(buffer: ArrayBuffer, dtype: DType, littleEndian: boolean, count: number): ArrayLike<number> {
  const view = new DataView(buffer);
  const size = { uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, float64: 8 }[dtype as string];
  if (size === undefined) throw new Error(`bench check: dtype ${dtype} not handled`);
  const n = Math.min(count, Math.floor(buffer.byteLength / size));
  const out = new Float64Array(n);
  const get: Record<string, (o: number) => number> = {
    uint8: (o) => view.getUint8(o),
    int8: (o) => view.getInt8(o),
    uint16: (o) => view.getUint16(o, littleEndian),
    int16: (o) => view.getInt16(o, littleEndian),
    uint32: (o) => view.getUint32(o, littleEndian),
    int32: (o) => view.getInt32(o, littleEndian),
    float32: (o) => view.getFloat32(o, littleEndian),
    float64: (o) => view.getFloat64(o, littleEndian),
  };
  const read = get[dtype];
  for (let i = 0; i < n; i++) out[i] = read(i * size);
  return out;
}

function asNumbers(values: ArrayLike<number | bigint>): ArrayLike<number> {
  return values as ArrayLike<number>; // the bench files hold no 64-bit integers
}
