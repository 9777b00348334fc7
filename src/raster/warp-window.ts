// Which source pixels gdalwarp reads for one destination chunk, and the scale its kernels use:
// GDALWarpOperation::ComputeSourceWindow and the start of GDALWarpKernel::PerformWarp (GDAL 3.6).

/**
 * The source window of a warp, in level pixels, and the kernels' scale on each axis
 * (destination pixels per source pixel, 1 when not downsampling), as GDAL computes them.
 *
 * @example
 * ```ts
 * const w: WarpWindow = { x: 120, y: 40, width: 300, height: 280, xScale: 0.9, yScale: 0.9 };
 * ```
 */
export interface WarpWindow {
  x: number;
  y: number;
  width: number;
  height: number;
  xScale: number;
  yScale: number;
}

/** A destination pixel position (col, row; edges at integers) → level pixel coordinates. */
export type ExactTransform = (col: number, row: number) => [number, number] | undefined;


const STEPS = 21;

/**
 * One chunk of a warp: a destination region and GDAL's source window for it.
 *
 * @example
 * ```ts
 * const c: WarpChunk = { dstX: 0, dstY: 0, dstWidth: 128, dstHeight: 64, x: 0, y: 28, width: 92, height: 56, xScale: 1, yScale: 1 };
 * ```
 */
export interface WarpChunk extends WarpWindow {
  dstX: number;
  dstY: number;
  dstWidth: number;
  dstHeight: number;
}

/**
 * The chunks gdalwarp cuts a destination into (GDALWarpOperation::CollectChunkListInternal):
 * while a chunk's source window is less than half inside the level (its "fill ratio") and the
 * chunk is over 100 pixels on a side, it is halved along its longer side; chunks without source
 * pixels are dropped (gdalwarp's SKIP_NOSOURCE). Each chunk has its own window and scale. Pure.
 *
 * @example
 * ```ts
 * const chunks = warpChunks(exact, { width: 256, height: 256 }, cog.ifds[1], 1);
 * ```
 */
export function warpChunks(exact: ExactTransform, dst: { width: number; height: number }, level: { width: number; height: number }, radius: number): WarpChunk[] {
  const out: WarpChunk[] = [];
  const collect = (dstX: number, dstY: number, w: number, h: number): void => {
    const win = sourceWindow(exact, { x: dstX, y: dstY, width: w, height: h }, level, radius);
    if (win === null) return;
    if (win.fillRatio > 0 && win.fillRatio < 0.5 && (w > 100 || h > 100)) {
      if (w > h) {
        collect(dstX, dstY, Math.trunc(w / 2), h);
        collect(dstX + Math.trunc(w / 2), dstY, w - Math.trunc(w / 2), h);
      } else {
        collect(dstX, dstY, w, Math.trunc(h / 2));
        collect(dstX, dstY + Math.trunc(h / 2), w, h - Math.trunc(h / 2));
      }
      return;
    }
    if (win.width > 0 && win.height > 0) out.push({ dstX, dstY, dstWidth: w, dstHeight: h, x: win.x, y: win.y, width: win.width, height: win.height, xScale: win.xScale, yScale: win.yScale });
  };
  collect(0, 0, dst.width, dst.height);
  return out;
}

/**
 * GDAL's source window for a destination region: the bounding box of points sampled along the
 * region's edges (21 per side, or a grid when some fail), widened by the filter's radius (scaled
 * when downsampling), clipped to the level, the whole width or height when it covers over 90% of
 * it. Null when the region misses the level.
 */
function sourceWindow(exact: ExactTransform, dst: { x: number; y: number; width: number; height: number }, level: { width: number; height: number }, radius: number): (WarpWindow & { fillRatio: number }) | null {
  let box = sampleBox(exact, dst, false);
  if (box.failed > 0) box = sampleBox(exact, dst, true);
  if (box.failed > box.samples - 5) return null;
  let [minX, minY, maxX, maxY] = box.bounds;
  if (minX > level.width || maxX < 0 || minY > level.height || maxY < 0) return null;
  [minX, minY, maxX, maxY] = [minX, minY, maxX, maxY].map(roundIfClose);
  const extra = box.failed > 0 ? 10 : 0;
  const x = axis(minX, maxX, dst.width, level.width, radius, extra);
  const y = axis(minY, maxY, dst.height, level.height, radius, extra);
  const fillRatio = (x.size * y.size) / Math.max(1, (maxX - minX + 2 * x.radius) * (maxY - minY + 2 * y.radius));
  return { x: x.off, y: y.off, width: x.size, height: y.size, xScale: kernelScale(dst.width, x.size, x.raw), yScale: kernelScale(dst.height, y.size, y.raw), fillRatio };
}

function roundIfClose(v: number): number {
  const r = Math.round(v);
  return Math.abs(r - v) < 1e-6 ? r : v;
}

function sampleBox(exact: ExactTransform, dst: { x: number; y: number; width: number; height: number }, grid: boolean) {
  const [X, Y, W, H] = [dst.x, dst.y, dst.width, dst.height];
  const step = 1 / (STEPS - 1);
  const points: Array<[number, number]> = [];
  if (grid) {
    // GDAL scales both grid ends by the destination width (nDstXSize), rows included.
    const at = (k: number) => (k === 0 ? 0.5 / W : k <= STEPS ? (k - 1) * step : 1 - 0.5 / W);
    for (let iy = 0; iy < STEPS + 2; iy++) for (let ix = 0; ix < STEPS + 2; ix++) points.push([at(ix) * W + X, at(iy) * H + Y]);
  } else {
    for (let r = 0; r <= 1 + step * 0.5; r += step) points.push([r * W + X, Y], [r * W + X, Y + H], [X, r * H + Y], [X + W, r * H + Y]);
  }
  let [minX, minY, maxX, maxY, failed] = [Infinity, Infinity, -Infinity, -Infinity, 0];
  for (const [c, r] of points) {
    const p = exact(c, r);
    if (p === undefined || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      failed++;
      continue;
    }
    [minX, maxX] = [Math.min(minX, p[0]), Math.max(maxX, p[0])];
    [minY, maxY] = [Math.min(minY, p[1]), Math.max(maxY, p[1])];
  }
  return { bounds: [minX, minY, maxX, maxY], failed, samples: points.length };
}

/** One axis of ComputeSourceWindow: offset, size, and the unpadded size GDAL's scale uses. */
function axis(min: number, max: number, dstSize: number, extent: number, filter: number, extra: number) {
  const scale = Math.max(1e-3, dstSize / (max - min));
  const radius = (scale < 0.95 ? Math.ceil(filter / scale) : filter) + extra;
  const lo = Math.trunc(Math.max(0, min));
  const hi = Math.trunc(Math.min(Math.ceil(max), extent));
  const raw = Math.max(0, Math.min(extent - lo, max - min));
  if (hi - lo > 0.9 * extent) return { off: 0, size: extent, raw, radius };
  const off = Math.max(0, Math.min(lo - radius, extent));
  return { off, size: Math.max(0, Math.min(extent - off, hi - off + radius)), raw, radius };
}

/** GDALWarpKernel::PerformWarp's dfXScale: 1 when not downsampling, near-integer ratios snapped. */
function kernelScale(dstSize: number, srcSize: number, raw: number): number {
  let scale = dstSize / raw;
  if (srcSize >= dstSize && srcSize <= dstSize + (srcSize - raw)) scale = 1;
  if (scale < 1) {
    const inv = 1 / scale;
    const n = Math.trunc(inv + 0.5);
    if (Math.abs(inv - n) < 0.05) scale = 1 / n;
  }
  return scale;
}
