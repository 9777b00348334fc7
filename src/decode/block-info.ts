import type { CogErrorContext } from "../errors.js";
import type { Ifd } from "../tiff/ifd.js";
import type { ImageInfo } from "../tiff/image.js";
import { TAG } from "../tiff/tags.js";
import type { BlockInfo } from "./types.js";

const PHOTOMETRIC_CODE: Record<string, number> = { miniswhite: 0, minisblack: 1, rgb: 2, palette: 3, mask: 4, cmyk: 5, ycbcr: 6 };

/**
 * The {@link BlockInfo} of one block of `image`: `samples` per pixel in the block, `rows` of
 * data in it (fewer than the block height for a last strip), `validRows` of them inside the image,
 * `rowsNeeded` of them wanted as values (all by default; see {@link BlockInfo.rowsNeeded}).
 *
 * @example
 * ```ts
 * const block = blockInfo(image, ifd, true, { samples: 3, rows: 256, context: {} });
 * const top = blockInfo(image, ifd, true, { samples: 3, rows: 256, validRows: 100, rowsNeeded: 100, context: {} });
 * ```
 */
export function blockInfo(
  image: ImageInfo,
  ifd: Ifd,
  littleEndian: boolean,
  opts: { samples: number; rows: number; validRows?: number; rowsNeeded?: number; context: CogErrorContext },
): BlockInfo {
  const lerc = ifd.numbers(TAG.LercParameters);
  const jpegTables = ifd.bytes(TAG.JPEGTables);
  const rowBytes = Math.ceil((image.tileWidth * opts.samples * image.bitsPerSample) / 8);
  return {
    width: image.tileWidth,
    height: opts.rows,
    samples: opts.samples,
    bitsPerSample: image.bitsPerSample,
    sampleFormat: image.sampleFormat,
    littleEndian,
    compression: image.compressionCode,
    photometric: PHOTOMETRIC_CODE[image.photometric] ?? 1,
    predictor: image.predictor,
    jpegTables,
    ycbcrSubsampling: image.ycbcrSubsampling,
    lercParameters: lerc,
    expectedBytes: rowBytes * opts.rows,
    minBytes: rowBytes * Math.min(opts.rows, opts.validRows ?? opts.rows),
    rowsNeeded: opts.rowsNeeded,
    context: opts.context,
  };
}
