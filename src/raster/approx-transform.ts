/**
 * Fills `outX`/`outY` with the transform of the points `i + offset` (i = 0…n-1; offset 0.5, the
 * pixel centres, unless given) of one output row,
 * the way GDAL's approximate transformer does (GDALApproxTransformInternal, the default of
 * gdalwarp with `-et 0.125`): the first, middle and last points are transformed exactly; when
 * the middle one lies within `maxError` (|dx| + |dy|) of the straight line between the ends, every
 * point is interpolated on that line, otherwise each half is done the same way. Runs of 5 points
 * or fewer, and runs with a point that fails to transform, are transformed exactly.
 *
 * @example
 * ```ts
 * const xs = new Float64Array(256), ys = new Float64Array(256);
 * approxRow((c) => exact(c, row), 256, 0.125, xs, ys);
 * ```
 */
export function approxRow(
  exact: (x: number) => [number, number] | undefined,
  n: number,
  maxError: number,
  outX: Float64Array,
  outY: Float64Array,
  offset = 0.5,
): void {
  const at = (i: number): boolean => {
    const p = exact(i + offset);
    outX[i] = p ? p[0] : Number.NaN;
    outY[i] = p ? p[1] : Number.NaN;
    return p !== undefined && Number.isFinite(p[0]) && Number.isFinite(p[1]);
  };
  const exactRun = (a: number, b: number) => {
    for (let i = a; i <= b; i++) at(i);
  };
  // Ends of [a, b] are already transformed.
  const run = (a: number, b: number): void => {
    const count = b - a + 1;
    if (count <= 5) return exactRun(a + 1, b - 1);
    const m = a + Math.floor((count - 1) / 2);
    if (!at(m) || !Number.isFinite(outX[a]) || !Number.isFinite(outX[b])) return exactRun(a + 1, b - 1);
    const dx = (outX[b] - outX[a]) / (b - a);
    const dy = (outY[b] - outY[a]) / (b - a);
    const error = Math.abs(outX[a] + dx * (m - a) - outX[m]) + Math.abs(outY[a] + dy * (m - a) - outY[m]);
    if (error > maxError) {
      run(a, m);
      run(m, b);
      return;
    }
    for (let i = a + 1; i < b; i++) {
      outX[i] = outX[a] + dx * (i - a);
      outY[i] = outY[a] + dy * (i - a);
    }
  };
  if (n <= 0) return;
  at(0);
  if (n === 1) return;
  at(n - 1);
  run(0, n - 1);
}
