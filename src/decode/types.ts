import type { CogErrorContext } from "../errors.js";

/**
 * What a codec needs to know about the block it decodes. Built by the reader from the IFD.
 *
 * @example
 * ```ts
 * const block: BlockInfo = {
 *   width: 256, height: 256, samples: 3, bitsPerSample: 8, sampleFormat: 1,
 *   littleEndian: true, compression: 8, photometric: 2, predictor: 1,
 *   expectedBytes: 256 * 256 * 3, context: { ifd: 0, x: 0, y: 0 },
 * };
 * ```
 */
export interface BlockInfo {
  /** Block width in pixels (the full tile width, also for edge tiles). */
  width: number;
  /** Block height in pixels (full tile height; a last strip may be shorter). */
  height: number;
  /** Samples per pixel stored in this block: the band count when pixel-interleaved, 1 when band-separate. */
  samples: number;
  bitsPerSample: number;
  /** TIFF SampleFormat: 1 uint, 2 int, 3 float, 5/6 complex. */
  sampleFormat: number;
  /** Byte order of the file. */
  littleEndian: boolean;
  /** TIFF Compression code (1, 5, 7, 8, 32946, 32773, 34887, 50000, 50001…). */
  compression: number;
  /** TIFF PhotometricInterpretation code (2 RGB, 6 YCbCr…). */
  photometric: number;
  /** TIFF Predictor (applied after the codec, never inside it). */
  predictor: number;
  /** JPEGTables (tag 347): the abbreviated-stream tables to splice before each JPEG tile. */
  jpegTables?: Uint8Array;
  /** YCbCrSubSampling, for JPEG with photometric YCbCr. */
  ycbcrSubsampling?: [number, number];
  /** LercParameters (tag 50674): [version, additional compression 0 none / 1 deflate / 2 zstd]. */
  lercParameters?: number[];
  /**
   * Decoded size in bytes: ceil(width × samples × bitsPerSample / 8) × height. Codecs must never
   * produce more (decompression bombs) and report less as a truncated block.
   */
  expectedBytes: number;
  /**
   * Bytes that hold the rows lying inside the image (fewer than `expectedBytes` for a bottom edge
   * tile). Some writers stop an edge tile there; decoding that much is accepted and the rest is
   * zero-filled, as libtiff does for PackBits. Defaults to `expectedBytes`.
   */
  minBytes?: number;
  /**
   * Rows of values the caller needs, from the top (defaults to `height`): a window read needs
   * only the rows inside the image, so the predictor, byte swap and sample unpacking stop there
   * and the values hold `width × rowsNeeded × samples`. Codecs ignore it: they decode and check
   * the whole block.
   */
  rowsNeeded?: number;
  /** Where the block is, for error messages (url, ifd, x, y, offset). */
  context: CogErrorContext;
}

/**
 * A codec: compressed block bytes in, decoded bytes out, in the file's byte order with the
 * predictor NOT yet undone. JPEG and WebP return 8-bit samples, pixel-interleaved (JPEG with
 * photometric YCbCr returns RGB, as GDAL does).
 *
 * @example
 * ```ts
 * const decoded = await codec(compressed, block);
 * ```
 */
export type Codec = (bytes: Uint8Array, block: BlockInfo) => Promise<Uint8Array>;
