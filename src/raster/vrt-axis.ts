// How GDAL 3.6 turns a fractional source window into a band read, one axis at a time: the part
// of gdal_translate and the VRT driver that decides which source pixels a resampled read sees.

/**
 * What GDAL asks of the source band on one axis: float window, its integer start, output span.
 *
 * @example
 * ```ts
 * const r: Request = { df: 10.5, dfSize: 100, n: 10, out: 0, outSize: 50 };
 * ```
 */
export interface Request {
  df: number;
  dfSize: number;
  n: number;
  out: number;
  outSize: number;
}

const snap = (v: number) => (Math.abs(v - Math.floor(v + 0.5)) < 1e-3 ? Math.floor(v + 0.5) : v);

/**
 * One axis of GDAL 3.6's path from a source window to a source band read, in level pixels:
 * gdal_translate's FixSrcDstWindow (clip to the level, shrink the destination), the VRT source's
 * snapping of values within 1e-3 of an integer, then VRTSimpleSource::GetSrcDstWindow (whole
 * output pixels, with the float window corrected to match). Null when nothing is read. Pure.
 *
 * @example
 * ```ts
 * vrtAxis(10.5, 100, 50, 400); // { df: 10.5, dfSize: 100, n: 10, out: 0, outSize: 50 }
 * ```
 */
export function vrtAxis(off: number, size: number, buf: number, extent: number): Request | null {
  // gdal_translate's FixSrcDstWindow
  let [o, s, dstOff, dstSize] = [off, size, 0, buf];
  if (o < 0) [s, o] = [s + o, 0];
  if (o + s > extent) s = extent - o;
  if (o >= extent || s <= 0) return null;
  if (o !== off || s !== size) {
    const ul = ((o - off) / size) * buf;
    dstSize = ((o + s - off) / size) * buf - ul;
    dstOff = Math.max(0, ul);
    if (dstOff + dstSize > buf) dstSize = buf - dstOff;
    if (dstSize <= 0) return null;
  }
  const [srcOff, srcSize] = [snap(o), snap(s)];
  [dstOff, dstSize] = [snap(dstOff), snap(dstSize)];
  // VRTSimpleSource::GetSrcDstWindow for a read of the whole output
  let [rOff, rSize, modified] = [0, buf, false];
  if (rOff < dstOff) [rSize, rOff, modified] = [rSize + rOff - dstOff, dstOff, true];
  if (rOff + rSize > dstOff + dstSize) [rSize, modified] = [dstOff + dstSize - rOff, true];
  const scale = srcSize / dstSize;
  let df = (rOff - dstOff) * scale + srcOff;
  let dfSize = rSize * scale;
  if (df < 0) [dfSize, df, modified] = [dfSize + df, 0, true];
  const n = Math.floor(df);
  if (n + Math.max(1, Math.floor(dfSize + 0.5)) > extent) modified = true;
  if (df + dfSize > extent) [dfSize, modified] = [extent - df, true];
  if (n >= extent) return null;
  if (!modified) return { df, dfSize, n, out: 0, outSize: buf };
  const toDst = (v: number) => ((v - srcOff) / srcSize) * dstSize + dstOff;
  const [ul, lr] = [toDst(df), toDst(df + dfSize)];
  const out = ul <= 0 ? 0 : Math.trunc(ul + 0.001);
  const right = Math.ceil(lr - 0.001);
  if (lr < ul || Math.min(right, buf) - out < 1) return null;
  // Widen the float window so that it maps onto whole output pixels.
  const shift = ((ul - out) / dstSize) * srcSize;
  [df, dfSize] = [df - shift, dfSize + shift];
  dfSize += ((right - lr) / dstSize) * srcSize;
  return { df, dfSize, n, out, outSize: Math.min(right, buf) - out };
}
