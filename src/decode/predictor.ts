import { CogError, type CogErrorContext } from "../errors.js";

/**
 * Undoes TIFF predictor 2 (horizontal differencing, TIFF 6.0 §14) in place on samples already in
 * host byte order. Each row of `width` pixels × `samples` values accumulates with wrap-around, as
 * libtiff's horAcc8/16/32/64 do. `values` may be any integer typed array of the sample width.
 *
 * @example
 * ```ts
 * const row = new Uint16Array([10, 1, 1, 65535]);
 * undoHorizontalPredictor(row, 4, 1); // row is now [10, 11, 12, 11]
 * ```
 */
export function undoHorizontalPredictor(
  values: Uint8Array | Uint16Array | Uint32Array | BigUint64Array,
  width: number,
  samples: number,
): void {
  const rowLength = width * samples;
  const rows = Math.floor(values.length / rowLength);
  if (values instanceof BigUint64Array) {
    for (let r = 0; r < rows; r++) {
      const base = r * rowLength;
      for (let i = base + samples; i < base + rowLength; i++) values[i] = BigInt.asUintN(64, values[i] + values[i - samples]);
    }
    return;
  }
  // Typed-array stores wrap modulo 2^bits, which is exactly the predictor's arithmetic.
  for (let r = 0; r < rows; r++) {
    const base = r * rowLength;
    for (let i = base + samples; i < base + rowLength; i++) values[i] = values[i] + values[i - samples];
  }
}

/**
 * Undoes TIFF predictor 3 (floating point, Adobe Photoshop TIFF Technical Note 3) for one block.
 * Each encoded row holds the bytes of its values split into planes, most significant byte first,
 * then byte-differenced with a stride of `samples`. The encoding does not depend on the file's
 * byte order, so the output is in HOST byte order (libtiff's fpAcc).
 *
 * @example
 * ```ts
 * const host = undoFloatPredictor(decoded, { width: 256, samples: 1, bytesPerSample: 4, context: {} });
 * const floats = new Float32Array(host.buffer, host.byteOffset, host.byteLength / 4);
 * ```
 */
export function undoFloatPredictor(
  bytes: Uint8Array,
  opts: { width: number; samples: number; bytesPerSample: number; context: CogErrorContext },
): Uint8Array {
  const { width, samples, bytesPerSample } = opts;
  if (![2, 4, 8].includes(bytesPerSample)) {
    throw new CogError("COG_UNSUPPORTED", `floating-point predictor with ${bytesPerSample * 8}-bit samples`, opts.context);
  }
  const rowValues = width * samples;
  const rowBytes = rowValues * bytesPerSample;
  const rows = Math.floor(bytes.byteLength / rowBytes);
  const out = new Uint8Array(rows * rowBytes);
  const hostLittle = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const row = new Uint8Array(rowBytes);
  const words = hostLittle && bytesPerSample === 4 ? new Uint32Array(out.buffer) : undefined;
  const halves = hostLittle && bytesPerSample === 2 ? new Uint16Array(out.buffer) : undefined;
  for (let r = 0; r < rows; r++) {
    row.set(bytes.subarray(r * rowBytes, (r + 1) * rowBytes));
    // Uint8Array stores wrap modulo 256: the byte-wise accumulation of the predictor.
    if (samples === 1) {
      let acc = row[0];
      for (let i = 1; i < rowBytes; i++) row[i] = acc = (acc + row[i]) & 0xff;
    } else {
      for (let i = samples; i < rowBytes; i++) row[i] += row[i - samples];
    }
    const base = r * rowBytes;
    const first = r * rowValues;
    // Plane p holds byte p (most significant first) of every value. Hot loops: one store per
    // value for the common little-endian host cases, else one loop per plane.
    if (words !== undefined) {
      const n = rowValues;
      for (let v = 0; v < n; v++) words[first + v] = ((row[v] << 24) | (row[n + v] << 16) | (row[2 * n + v] << 8) | row[3 * n + v]) >>> 0;
    } else if (halves !== undefined) {
      const n = rowValues;
      for (let v = 0; v < n; v++) halves[first + v] = (row[v] << 8) | row[n + v];
    } else {
      for (let p = 0; p < bytesPerSample; p++) {
        const target = base + (hostLittle ? bytesPerSample - 1 - p : p);
        const src = p * rowValues;
        for (let v = 0; v < rowValues; v++) out[target + v * bytesPerSample] = row[src + v];
      }
    }
  }
  return out;
}
