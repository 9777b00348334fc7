import { CogError } from "../errors.js";
import type { DType } from "../tiff/dtype.js";

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

/**
 * A `dtype` view of `count` values of `buffer` from `byteOffset` (a multiple of the sample size).
 *
 * @example
 * ```ts
 * viewAs("uint16", bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
 * ```
 */
export function viewAs(dtype: DType, buffer: ArrayBufferLike, byteOffset: number, count: number): TypedArray {
  const Ctor = CTORS[dtype] as unknown as new (b: ArrayBufferLike, o: number, n: number) => TypedArray;
  return new Ctor(buffer, byteOffset, count);
}
