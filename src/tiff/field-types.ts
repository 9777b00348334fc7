import { CogError, type CogErrorContext } from "../errors.js";

/**
 * Byte size of each TIFF field type (TIFF 6.0 §2 "IFD Entry", BigTIFF adds 16–18).
 * Types 14 and 15 are not defined by TIFF 6.0 nor BigTIFF; like libtiff, entries of an
 * undefined type are skipped.
 */
export const FIELD_TYPE_SIZE: Readonly<Record<number, number>> = {
  1: 1, // BYTE
  2: 1, // ASCII
  3: 2, // SHORT
  4: 4, // LONG
  5: 8, // RATIONAL
  6: 1, // SBYTE
  7: 1, // UNDEFINED
  8: 2, // SSHORT
  9: 4, // SLONG
  10: 8, // SRATIONAL
  11: 4, // FLOAT
  12: 8, // DOUBLE
  13: 4, // IFD
  16: 8, // LONG8
  17: 8, // SLONG8
  18: 8, // IFD8
};

/** A decoded tag value: numbers for numeric types, a string for ASCII, raw bytes for UNDEFINED. */
export type TagValue = number[] | string | Uint8Array;

const TWO_32 = 2 ** 32;

/**
 * Reads an unsigned 64-bit integer, refusing values past 2^53 (they cannot be offsets).
 *
 * @internal
 */
export function readUint64(view: DataView, pos: number, little: boolean, context: CogErrorContext): number {
  const lo = view.getUint32(pos + (little ? 0 : 4), little);
  const hi = view.getUint32(pos + (little ? 4 : 0), little);
  const value = hi * TWO_32 + lo;
  if (!Number.isSafeInteger(value)) {
    throw new CogError("COG_FORMAT", `64-bit value ${BigInt(hi) * 2n ** 32n + BigInt(lo)} is past 2^53`, context);
  }
  return value;
}

function readInt64(view: DataView, pos: number, little: boolean, context: CogErrorContext): number {
  const big = view.getBigInt64(pos, little);
  const value = Number(big);
  if (!Number.isSafeInteger(value)) throw new CogError("COG_FORMAT", `64-bit value ${big} is past 2^53`, context);
  return value;
}

/**
 * Reads element `i` of a numeric field of type `type` from `view` (byte order `little`).
 *
 * @internal
 */
export function readElement(
  view: DataView,
  type: number,
  i: number,
  little: boolean,
  context: CogErrorContext,
): number {
  switch (type) {
    case 1:
    case 2:
    case 7:
      return view.getUint8(i);
    case 6:
      return view.getInt8(i);
    case 3:
      return view.getUint16(i * 2, little);
    case 8:
      return view.getInt16(i * 2, little);
    case 4:
    case 13:
      return view.getUint32(i * 4, little);
    case 9:
      return view.getInt32(i * 4, little);
    case 5:
      return view.getUint32(i * 8, little) / view.getUint32(i * 8 + 4, little);
    case 10:
      return view.getInt32(i * 8, little) / view.getInt32(i * 8 + 4, little);
    case 11:
      return view.getFloat32(i * 4, little);
    case 12:
      return view.getFloat64(i * 8, little);
    case 16:
    case 18:
      return readUint64(view, i * 8, little, context);
    case 17:
      return readInt64(view, i * 8, little, context);
    default:
      throw new CogError("COG_FORMAT", `unknown TIFF field type ${type}`, context);
  }
}

/**
 * Decodes a whole field: ASCII to a string (up to the first NUL), UNDEFINED to bytes, the rest
 * to numbers.
 *
 * @internal
 */
export function decodeField(
  bytes: Uint8Array,
  type: number,
  count: number,
  little: boolean,
  context: CogErrorContext,
): TagValue {
  if (type === 2) {
    const end = bytes.indexOf(0);
    return new TextDecoder("latin1").decode(end === -1 ? bytes : bytes.subarray(0, end));
  }
  if (type === 7) return bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = readElement(view, type, i, little, context);
  return out;
}
