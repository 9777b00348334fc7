import { CogError } from "../errors.js";
import type { DType } from "../tiff/dtype.js";
import { undoFloatPredictor, undoHorizontalPredictor } from "./predictor.js";
import type { BlockInfo } from "./types.js";

/**
 * The typed array of each dtype. float16 becomes Float32Array (Float16Array where the runtime
 * has it); complex dtypes hold two values (re, im) per sample.
 *
 * @example
 * ```ts
 * const data: TypedArray = new Uint16Array(256 * 256);
 * ```
 */
export type TypedArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array;

type ArrayCtor = new (length: number) => TypedArray;

const FLOAT16 = (globalThis as { Float16Array?: ArrayCtor }).Float16Array;

const CTORS: Record<DType, ArrayCtor> = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  uint64: BigUint64Array,
  int64: BigInt64Array,
  float16: FLOAT16 ?? Float32Array,
  float32: Float32Array,
  float64: Float64Array,
  complex_int16: Int16Array,
  complex_int32: Int32Array,
  complex64: Float32Array,
  complex128: Float64Array,
};

/**
 * A new zero-filled typed array for `length` values of `dtype`.
 *
 * @example
 * ```ts
 * allocate("float32", 16).length; // 16
 * ```
 */
export function allocate(dtype: DType, length: number): TypedArray {
  // Sizes come from file fields: the reader checks them against its limits before it gets here,
  // and a size that is no size at all (NaN, negative, past 2^31 values) is refused here too.
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_VALUES) {
    throw new CogError("COG_LIMIT", `cannot allocate ${length} values of ${dtype}`, { limit: "maxTileBytes" });
  }
  return new CTORS[dtype](length);
}

/** Most values one typed array may hold here (V8 allows 2^32 bytes; file sizes never need that). */
const MAX_VALUES = 2 ** 31 - 1;

/**
 * A new typed array for `length` values of `dtype`, every value set to `fill` (nodata).
 *
 * @example
 * ```ts
 * allocateFilled("int16", 4, -9999); // Int16Array [-9999, -9999, -9999, -9999]
 * ```
 */
export function allocateFilled(dtype: DType, length: number, fill: number): TypedArray {
  const data = allocate(dtype, length);
  // A 64-bit integer raster cannot hold NaN or infinities as fill: those fill with 0.
  if (fill !== 0) data.fill((typeof data[0] === "bigint" ? BigInt(Number.isFinite(fill) ? Math.trunc(fill) : 0) : fill) as never);
  return data;
}

/** Values per sample: 2 for complex dtypes, else 1. */
export function componentsOf(dtype: DType): 1 | 2 {
  return dtype.startsWith("complex") ? 2 : 1;
}

const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Turns a decoded block (file byte order, predictor applied) into host-order values of `dtype`:
 * `width × height × samples` values (× 2 for complex), pixel-interleaved. Packed 1/2/4/12-bit
 * samples are unpacked (MSB first, each row starting on a byte). A short block (a last strip)
 * is padded with zeros.
 *
 * @example
 * ```ts
 * const values = blockValues(decoded, block, "uint16");
 * ```
 */
export function blockValues(bytes: Uint8Array, block: BlockInfo, dtype: DType): TypedArray {
  const bits = block.bitsPerSample;
  const count = block.width * block.height * block.samples * componentsOf(dtype);
  if (bits % 8 !== 0) return unpackBits(bytes, block, dtype, count);
  const size = bits / 8 / componentsOf(dtype);
  if (block.predictor === 3) {
    if (block.sampleFormat !== 3) {
      throw new CogError("COG_UNSUPPORTED", "floating-point predictor on integer samples", block.context);
    }
    const host = undoFloatPredictor(bytes, { width: block.width, samples: block.samples, bytesPerSample: size, context: block.context });
    return fromHostBytes(host, dtype, size, count);
  }
  const direct = block.predictor === 1 && (size === 1 || block.littleEndian === HOST_LITTLE) && bytes.byteLength >= count * size && bytes.byteOffset % size === 0;
  // The codec's output is ours: view it in place when nothing needs changing.
  if (direct && dtype !== "float16") return fromHostBytes(bytes, dtype, size, count);
  const host = new Uint8Array(count * size);
  host.set(bytes.subarray(0, Math.min(bytes.byteLength, host.byteLength)));
  if (size > 1 && block.littleEndian !== HOST_LITTLE) swapBytes(host, size);
  if (block.predictor === 2) {
    undoHorizontalPredictor(unsignedView(host, size), block.width, block.samples * componentsOf(dtype));
  } else if (block.predictor !== 1) {
    throw new CogError("COG_UNSUPPORTED", `predictor ${block.predictor}`, block.context);
  }
  return fromHostBytes(host, dtype, size, count);
}

function fromHostBytes(host: Uint8Array, dtype: DType, size: number, count: number): TypedArray {
  // A short block (a last strip, an edge tile cut at the image) is padded with zeros; a view
  // whose offset is not a multiple of the sample size is copied.
  const fits = host.byteLength >= count * size && host.byteOffset % size === 0;
  const aligned = fits ? host : padded(host, count * size);
  if (dtype === "float16") return halfToFloat(new Uint16Array(aligned.buffer, aligned.byteOffset, count));
  const Ctor = CTORS[dtype] as unknown as new (b: ArrayBufferLike, o: number, n: number) => TypedArray;
  return new Ctor(aligned.buffer, aligned.byteOffset, count);
}

function padded(bytes: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(bytes.subarray(0, Math.min(bytes.byteLength, length)));
  return out;
}

function unsignedView(host: Uint8Array, size: number): Uint8Array | Uint16Array | Uint32Array | BigUint64Array {
  const n = host.byteLength / size;
  if (size === 1) return host;
  if (size === 2) return new Uint16Array(host.buffer, host.byteOffset, n);
  if (size === 4) return new Uint32Array(host.buffer, host.byteOffset, n);
  return new BigUint64Array(host.buffer, host.byteOffset, n);
}

/** Reverses the bytes of each `size`-byte value in place. */
export function swapBytes(bytes: Uint8Array, size: number): void {
  // Hot loop; the common sizes get their own straight-line bodies.
  const n = bytes.byteLength - (bytes.byteLength % size);
  if (size === 2) {
    for (let i = 0; i < n; i += 2) {
      const t = bytes[i];
      bytes[i] = bytes[i + 1];
      bytes[i + 1] = t;
    }
  } else if (size === 4) {
    for (let i = 0; i < n; i += 4) {
      const a = bytes[i];
      const b = bytes[i + 1];
      bytes[i] = bytes[i + 3];
      bytes[i + 1] = bytes[i + 2];
      bytes[i + 2] = b;
      bytes[i + 3] = a;
    }
  } else {
    for (let i = 0; i < n; i += size) {
      for (let a = i, b = i + size - 1; a < b; a++, b--) {
        const t = bytes[a];
        bytes[a] = bytes[b];
        bytes[b] = t;
      }
    }
  }
}

/** IEEE 754 half precision to float, exactly. */
function halfToFloat(halves: Uint16Array): TypedArray {
  const out = allocate("float16", halves.length);
  for (let i = 0; i < halves.length; i++) {
    const h = halves[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) out[i] = sign * frac * 2 ** -24;
    else if (exp === 31) out[i] = frac === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
    else out[i] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
}

/** Unpacks an MSB-first bit stream whose rows start on byte boundaries (TIFF 6.0 §8). */
function unpackBits(bytes: Uint8Array, block: BlockInfo, dtype: DType, count: number): TypedArray {
  const bits = block.bitsPerSample;
  if (block.predictor !== 1 || bits > 32 || componentsOf(dtype) === 2 || block.sampleFormat === 3) {
    throw new CogError("COG_UNSUPPORTED", `${bits}-bit samples with predictor ${block.predictor}`, block.context);
  }
  const out = allocate(dtype, count);
  const rowValues = block.width * block.samples;
  const rowBytes = Math.ceil((rowValues * bits) / 8);
  const rows = Math.min(block.height, Math.floor(bytes.byteLength / rowBytes));
  const signed = block.sampleFormat === 2;
  for (let r = 0; r < rows; r++) {
    let bitPos = r * rowBytes * 8;
    for (let v = 0; v < rowValues; v++, bitPos += bits) {
      let value = 0;
      for (let b = 0; b < bits; b++) {
        const p = bitPos + b;
        value = value * 2 + ((bytes[p >> 3] >> (7 - (p & 7))) & 1);
      }
      if (signed && value >= 2 ** (bits - 1)) value -= 2 ** bits;
      out[r * rowValues + v] = value;
    }
  }
  return out;
}
