import { CogError, type CogErrorContext } from "../errors.js";

/**
 * Pixel data types, spelled as rasterio spells them.
 *
 * @example
 * ```ts
 * const t: DType = cog.ifds[0].dtype; // "uint16"
 * ```
 */
export type DType =
  | "uint8"
  | "int8"
  | "uint16"
  | "int16"
  | "uint32"
  | "int32"
  | "uint64"
  | "int64"
  | "float16"
  | "float32"
  | "float64"
  | "complex_int16"
  | "complex_int32"
  | "complex64"
  | "complex128";

/**
 * The dtype of samples with `bits` bits and TIFF SampleFormat `format` (TIFF 6.0 §19: 1 uint,
 * 2 int, 3 float, 4 void, 5 complex int, 6 complex float). Packed integer widths (1, 2, 4, 12…)
 * widen to the next byte size, as GDAL does with its NBITS.
 *
 * @example
 * ```ts
 * dtypeOf(12, 1, {}); // "uint16"
 * ```
 */
export function dtypeOf(bits: number, format: number, context: CogErrorContext): DType {
  const unsupported = (): never => {
    throw new CogError("COG_UNSUPPORTED", `unsupported sample type: ${bits} bits, SampleFormat ${format}`, context);
  };
  // Whole-byte widths other than 8/16/32/64 (24, 40, 48, 56 bits) would need byte-order-aware
  // widening that has no GDAL-checked fixture here: refused rather than guessed.
  if (bits % 8 === 0 && ![8, 16, 32, 64, 128].includes(bits)) unsupported();
  if (format === 1 || format === 4) {
    if (bits >= 1 && bits <= 8) return "uint8";
    if (bits <= 16) return "uint16";
    if (bits <= 32) return "uint32";
    return bits === 64 ? "uint64" : unsupported();
  }
  if (format === 2) {
    if (bits >= 1 && bits <= 8) return "int8";
    if (bits <= 16) return "int16";
    if (bits <= 32) return "int32";
    return bits === 64 ? "int64" : unsupported();
  }
  if (format === 3) {
    if (bits === 16) return "float16";
    if (bits === 32) return "float32";
    return bits === 64 ? "float64" : unsupported();
  }
  if (format === 5) {
    if (bits === 32) return "complex_int16";
    return bits === 64 ? "complex_int32" : unsupported();
  }
  if (format === 6) {
    if (bits === 64) return "complex64";
    return bits === 128 ? "complex128" : unsupported();
  }
  return unsupported();
}
