/**
 * An indexed image: one byte per pixel into `colors` (RGBA, 4 bytes an entry, at most 256).
 *
 * @example
 * ```ts
 * const twoPixels: Indexed = { indices: Uint8Array.of(0, 1), colors: Uint8Array.of(0, 0, 0, 0, 9, 9, 9, 255), translucent: 1 };
 * ```
 */
export interface Indexed {
  indices: Uint8Array;
  colors: Uint8Array;
  /** Entries before this one have alpha < 255 (they are sorted first, so tRNS stays short). */
  translucent: number;
}

/**
 * The image as a palette when it has at most 256 distinct colours (RGB, or RGBA with alpha), as a
 * colormapped tile has: PNG colour type 3 stores one byte per pixel instead of three or four, so
 * it deflates in a quarter of the time to a smaller file. `undefined` once a 257th colour is seen
 * (a photo is given up on within its first rows).
 *
 * @example
 * ```ts
 * const indexed = toPalette(rgba, 4); // undefined for a photo
 * ```
 */
export function toPalette(pixels: Uint8Array, channels: 3 | 4): Indexed | undefined {
  const n = pixels.length / channels;
  // Open addressing on the packed colour: 1024 slots for at most 257 keys keeps probes short.
  const keys = new Int32Array(1024);
  const slots = new Int16Array(1024).fill(-1);
  const order: number[] = [];
  const first = new Uint8Array(n);
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    const a = channels === 4 ? pixels[p + 3] : 255;
    // Every fully transparent pixel is one colour: its RGB is never seen.
    const key = a === 0 ? 0 : ((pixels[p] << 24) | (pixels[p + 1] << 16) | (pixels[p + 2] << 8) | a) | 0;
    let h = (Math.imul(key, 0x9e3779b1) >>> 22) & 1023;
    while (slots[h] !== -1 && keys[h] !== key) h = (h + 1) & 1023;
    if (slots[h] === -1) {
      if (order.length === 256) return undefined;
      slots[h] = order.length;
      keys[h] = key;
      order.push(key);
    }
    first[i] = slots[h];
  }
  // Translucent entries first: tRNS lists alphas only up to the last entry that has one.
  const rank = order.map((key, i) => ({ key, i })).sort((x, y) => Number((x.key & 255) === 255) - Number((y.key & 255) === 255) || x.i - y.i);
  const remap = new Uint8Array(order.length);
  const colors = new Uint8Array(order.length * 4);
  let translucent = 0;
  for (const [j, { key, i }] of rank.entries()) {
    remap[i] = j;
    colors.set([key >>> 24, (key >>> 16) & 255, (key >>> 8) & 255, key & 255], j * 4);
    if ((key & 255) !== 255) translucent = j + 1;
  }
  const indices = first;
  for (let i = 0; i < n; i++) indices[i] = remap[indices[i]];
  return { indices, colors, translucent };
}
