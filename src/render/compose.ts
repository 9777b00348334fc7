import type { Painter } from "./colormap.js";

/**
 * Pixel-interleaved 8-bit pixels and their channel count: 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA.
 *
 * @example
 * ```ts
 * const opaqueRed: Pixels = { data: Uint8Array.of(255, 0, 0), channels: 3 };
 * ```
 */
export interface Pixels {
  data: Uint8Array;
  channels: 1 | 2 | 3 | 4;
}

/**
 * Interleaves 0–255 bands (1 gray or 3 RGB) with `alpha`, leaving the alpha channel out when
 * there is none: PNG stores 1 or 3 channels in fewer bytes than 2 or 4. Fully transparent
 * pixels are all 0.
 *
 * @example
 * ```ts
 * interleave([r, g, b], alpha); // { data: RGBA…, channels: 4 }
 * ```
 */
export function interleave(bands: readonly Uint8Array[], alpha: Uint8Array | undefined): Pixels {
  const k = bands.length + (alpha ? 1 : 0);
  const n = bands[0].length;
  const data = new Uint8Array(n * k);
  for (const [c, band] of bands.entries()) for (let i = 0, j = c; i < n; i++, j += k) data[j] = band[i];
  if (alpha) {
    for (let i = 0, j = k - 1; i < n; i++, j += k) {
      data[j] = alpha[i];
      if (alpha[i] === 0) data.fill(0, j - k + 1, j); // what is invisible is 0: smaller files
    }
  }
  return { data, channels: k as Pixels["channels"] };
}

/**
 * RGB(A) of one band through a colormap: each pixel's entry (its 0–255 value `bytes[i]` or its
 * own value `values[i]`, as the painter takes), transparent (0, 0, 0, 0) where the painter has
 * none; the alpha is the lower of the entry's and `alpha`'s. RGB when every pixel is opaque.
 *
 * @example
 * ```ts
 * paint(await painterOf("viridis", false), bytes, values, mask);
 * ```
 */
export function paint(painter: Painter, bytes: Uint8Array, values: ArrayLike<number>, alpha: Uint8Array | undefined): Pixels {
  const n = bytes.length;
  const rgba = new Uint8Array(n * 4);
  const { colors, lookup } = painter;
  const input = painter.input === "byte" ? bytes : values;
  let opaque = true;
  for (let i = 0; i < n; i++) {
    const e = lookup(input[i]);
    if (e < 0) {
      opaque = false;
      continue; // stays 0, 0, 0, 0
    }
    const a = alpha === undefined ? colors[e * 4 + 3] : Math.min(alpha[i], colors[e * 4 + 3]);
    if (a === 0) {
      opaque = false;
      continue;
    }
    rgba[i * 4] = colors[e * 4];
    rgba[i * 4 + 1] = colors[e * 4 + 1];
    rgba[i * 4 + 2] = colors[e * 4 + 2];
    rgba[i * 4 + 3] = a;
    if (a !== 255) opaque = false;
  }
  if (!opaque) return { data: rgba, channels: 4 };
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = rgba[i * 4];
    rgb[i * 3 + 1] = rgba[i * 4 + 1];
    rgb[i * 3 + 2] = rgba[i * 4 + 2];
  }
  return { data: rgb, channels: 3 };
}

/**
 * The lower of two alphas per pixel (`undefined`: all 255).
 *
 * @example
 * ```ts
 * minAlpha(mask, alphaBand);
 * ```
 */
export function minAlpha(a: Uint8Array | undefined, b: Uint8Array): Uint8Array {
  if (a === undefined) return b;
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] < b[i] ? a[i] : b[i];
  return out;
}
