import { crc32 } from "./crc32.js";
import { deflate, type DeflateBackend } from "./deflate.js";
import { filterRows } from "./png-filter.js";
import { toPalette } from "./png-palette.js";

/** PNG colour type of each channel count (PNG spec §11.2.2): gray, gray+alpha, RGB, RGBA. */
const COLOR_TYPE: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };
const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/**
 * How {@link encodePng} compresses; the defaults are the choices of bench/render.ts.
 *
 * @example
 * ```ts
 * const colormapped: PngOptions = { smooth: true };
 * ```
 */
export interface PngOptions {
  /**
   * The pixels come from a colormap: runs of exactly repeated colours. Such an image of more than
   * 256 colours is smaller and faster unfiltered with zlib's default strategy (filters break the
   * repeats that LZ77 finds); a photo is 40% larger that way.
   */
  smooth?: boolean;
  /** Row filters: adaptive (default; none for a smooth truecolour image). */
  filter?: "adaptive" | "none";
  /** zlib's Z_RLE strategy (default; the default strategy for a smooth truecolour image). */
  rle?: boolean;
  backend?: DeflateBackend;
}

/**
 * An 8-bit PNG of pixel-interleaved `pixels` with 1 (gray), 2 (gray + alpha), 3 (RGB) or 4
 * (RGBA) channels. Colour images of at most 256 colours are written as a palette (PLTE, and tRNS
 * for alpha). Rows are filtered adaptively (./png-filter.ts) and deflated with zlib's Z_RLE
 * strategy at level 6 (a `smooth` truecolour image: unfiltered, default strategy): on 256×256 map
 * tiles as small as libpng's default output or smaller, and as fast or faster (bench/render.ts).
 * One IDAT chunk, no ancillary chunks but tRNS.
 *
 * @example
 * ```ts
 * const png = await encodePng(rgba, { width: 256, height: 256, channels: 4 });
 * ```
 */
export async function encodePng(
  pixels: Uint8Array,
  image: { width: number; height: number; channels: number },
  options: PngOptions = {},
): Promise<Uint8Array> {
  const { width, height, channels } = image;
  const indexed = channels === 3 || channels === 4 ? toPalette(pixels, channels) : undefined;
  const plain = options.smooth === true && indexed === undefined;
  const filter = options.filter ?? (plain ? "none" : "adaptive");
  const extra: Array<[string, Uint8Array]> = [];
  let rows: Uint8Array;
  if (indexed !== undefined) {
    rows = filter === "adaptive" ? filterRows(indexed.indices, width, height, 1) : unfiltered(indexed.indices, width, height, 1);
    const count = indexed.colors.length / 4;
    const plte = new Uint8Array(count * 3);
    for (let i = 0; i < count; i++) plte.set(indexed.colors.subarray(i * 4, i * 4 + 3), i * 3);
    extra.push(["PLTE", plte]);
    if (indexed.translucent > 0) extra.push(["tRNS", Uint8Array.from({ length: indexed.translucent }, (_, i) => indexed.colors[i * 4 + 3])]);
  } else {
    rows = filter === "adaptive" ? filterRows(pixels, width, height, channels) : unfiltered(pixels, width, height, channels);
  }
  const idat = await deflate(rows, { rle: options.rle ?? !plain, backend: options.backend });
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  // Bit depth 8, colour type, deflate, adaptive filtering (method 0), no interlace.
  header.set([8, indexed !== undefined ? 3 : COLOR_TYPE[channels], 0, 0, 0], 8);
  const chunks: Array<[string, Uint8Array]> = [["IHDR", header], ...extra, ["IDAT", idat], ["IEND", new Uint8Array(0)]];
  const out = new Uint8Array(8 + chunks.reduce((n, [, data]) => n + 12 + data.length, 0));
  out.set(SIGNATURE, 0);
  let at = 8;
  for (const [type, data] of chunks) at = chunk(out, at, type, data);
  return out;
}

/** Rows with filter type 0 (none). */
function unfiltered(pixels: Uint8Array, width: number, height: number, channels: number): Uint8Array {
  const stride = width * channels;
  const rows = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) rows.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return rows;
}

/** Writes a chunk (length, type, data, CRC of type and data) at `at`; returns where it ends. */
function chunk(out: Uint8Array, at: number, type: string, data: Uint8Array): number {
  const view = new DataView(out.buffer, out.byteOffset);
  view.setUint32(at, data.length);
  for (let i = 0; i < 4; i++) out[at + 4 + i] = type.charCodeAt(i);
  out.set(data, at + 8);
  view.setUint32(at + 8 + data.length, crc32(out, at + 4, at + 8 + data.length));
  return at + 12 + data.length;
}
