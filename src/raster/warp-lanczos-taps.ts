// The Lanczos kernel's weights as GDAL 3.6 computes them (GWKLanczosSinc and
// GWKResampleOptimizedLanczos): one sine per axis when upsampling, a table per job when
// downsampling.

/**
 * GDAL's Lanczos weight, sinc(x)·sinc(x/3) (GWKLanczosSinc with radius 3).
 *
 * @example
 * ```ts
 * lanczosWeight(0); // 1
 * ```
 */
export const lanczosWeight = (x: number): number => {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return (Math.sin(px) * Math.sin(px / 3)) / ((px * px) / 3);
};

/**
 * Lanczos taps on one axis: first and last offset (cut at the edges and at ±3) and the weights' sum.
 * `table` holds the weights of taps -r…r of a downsampling axis ({@link downTable}); upsampling
 * weights depend on `delta` and are computed here.
 *
 * @example
 * ```ts
 * const w = new Float64Array(8);
 * const [first, last, sum] = lanczosTaps(-3, 3, ix, width, 1, x - 0.5 - ix, w, undefined);
 * ```
 */
export function lanczosTaps(lo: number, hi: number, at: number, size: number, scale: number, delta: number, w: Float64Array, table: Float64Array | undefined): [number, number, number] {
  const r = hi;
  if (at + lo < 0) lo = -at;
  if (at + hi >= size) hi = size - at - 1;
  const down = scale < 1;
  while ((down ? lo * scale : lo - delta) < -3) lo++;
  while ((down ? hi * scale : hi - delta) > 3) hi--;
  let sum = 0;
  if (down) for (let i = lo; i <= hi; i++) sum += w[i - lo] = table![i + r];
  else {
    // GWKResampleOptimizedLanczos: sinc(x)·sinc(x/3) at x = i - delta from one sine, as GDAL
    // writes it (sin π(d+k) = ±sin πd, and sin π(d+k)/3 from sin and cos of πd/3).
    const s3 = Math.sin((-Math.PI / 3) * delta);
    const s3sq = s3 * s3;
    const a = (3 / (Math.PI * Math.PI)) * ((3 - 4 * s3sq) * s3);
    const m = -0.5 * a * s3;
    const q = 0.8660254037844386 * a * Math.sqrt(1 - s3sq);
    const cst = [a * s3, m - q, m + q];
    for (let i = lo; i <= hi; i++) {
      const x = i - delta;
      sum += w[i - lo] = x === 0 ? 1 : cst[(i + 3) % 3] / (x * x);
    }
  }
  return [lo, hi, sum];
}

/**
 * sinc(i × scale) for taps i = -r…r of a downsampling axis; undefined when the axis does not downsample.
 *
 * @example
 * ```ts
 * downTable(6, 0.5); // 13 weights, computed once per warp
 * ```
 */
export function downTable(r: number, scale: number): Float64Array | undefined {
  return scale < 1 ? Float64Array.from({ length: 2 * r + 1 }, (_, k) => lanczosWeight((k - r) * scale)) : undefined;
}
