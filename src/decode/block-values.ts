import { CogError } from "../errors.js";
import type { DType } from "../tiff/dtype.js";
import { undoFloatPredictor, undoHorizontalPredictor } from "./predictor.js";
import { allocate, componentsOf, viewAs, type TypedArray } from "./samples.js";
import type { BlockInfo } from "./types.js";

// A decoded block's bytes to sample values: predictors, byte order, bit depths, half floats.
// Only decoding uses it; ./samples.ts (allocation, which resampling shares) stays small.

const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Turns a decoded block (file byte order, predictor applied) into host-order values of `dtype`:
 * `width × height × samples` values (× 2 for complex), pixel-interleaved; only the top
 * `block.rowsNeeded` rows when set. Packed 1/2/4/12-bit samples are unpacked (MSB first, each row
 * starting on a byte). A short block (a last strip) is padded with zeros.
 *
 * @example
 * ```ts
 * const values = blockValues(decoded, block, "uint16");
 * ```
 */
export function blockValues(bytes: Uint8Array, block: BlockInfo, dtype: DType): TypedArray {
  const bits = block.bitsPerSample;
  // Every step below works row by row: the rows past `rowsNeeded` are left out, not computed.
  const rows = Math.min(block.height, block.rowsNeeded ?? block.height);
  const count = block.width * rows * block.samples * componentsOf(dtype);
  if (bits % 8 !== 0) return unpackBits(bytes, block, dtype, rows);
  const size = bits / 8 / componentsOf(dtype);
  if (block.predictor === 3) {
    if (block.sampleFormat !== 3) {
      throw new CogError("COG_UNSUPPORTED", "floating-point predictor on integer samples", block.context);
    }
    const host = undoFloatPredictor(bytes.subarray(0, count * size), { width: block.width, samples: block.samples, bytesPerSample: size, context: block.context });
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
  return viewAs(dtype, aligned.buffer, aligned.byteOffset, count);
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
function unpackBits(bytes: Uint8Array, block: BlockInfo, dtype: DType, height: number): TypedArray {
  const bits = block.bitsPerSample;
  if (block.predictor !== 1 || bits > 32 || componentsOf(dtype) === 2 || block.sampleFormat === 3) {
    throw new CogError("COG_UNSUPPORTED", `${bits}-bit samples with predictor ${block.predictor}`, block.context);
  }
  const rowValues = block.width * block.samples;
  const out = allocate(dtype, rowValues * height);
  const rowBytes = Math.ceil((rowValues * bits) / 8);
  const rows = Math.min(height, Math.floor(bytes.byteLength / rowBytes));
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
