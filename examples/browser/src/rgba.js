/**
 * RGBA pixels of an 8-bit raster (cogread rasters are band-sequential): gray is repeated into
 * R, G and B, a fourth band is taken as alpha, else the mask (255 valid, 0 invalid) is.
 */
export function toRgba(raster) {
  const { width, height, bands, data, mask } = raster;
  const n = width * height;
  const rgba = new Uint8Array(n * 4);
  const band = (b) => data.subarray(Math.min(b, bands - 1) * n, Math.min(b, bands - 1) * n + n);
  const [r, g, b] = bands >= 3 ? [band(0), band(1), band(2)] : [band(0), band(0), band(0)];
  const a = bands === 4 || bands === 2 ? band(bands - 1) : mask;
  for (let i = 0; i < n; i++) {
    rgba[i * 4] = r[i];
    rgba[i * 4 + 1] = g[i];
    rgba[i * 4 + 2] = b[i];
    rgba[i * 4 + 3] = a ? a[i] : 255;
  }
  return rgba;
}
