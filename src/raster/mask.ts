import { CogError, type CogErrorContext } from "../errors.js";
import { decodeBlock, type DecodeFn } from "../decode/block.js";
import type { TiffDataset } from "../tiff/dataset.js";
import { blockInfo } from "../decode/block-info.js";
import type { FetchedTile } from "./fetch-tile.js";
import type { Raster } from "./raster.js";

/**
 * The validity mask of a decoded tile, as GDAL's mask band gives it: the internal mask IFD
 * (1 → 255), else the alpha band's values, else 0 where every band equals nodata (NaN-aware)
 * and 255 elsewhere. Sparse blocks are 0. Undefined when the file has none of these and the
 * tile is complete. It covers the raster's rows: a window read's stop at the image's last row.
 *
 * @example
 * ```ts
 * const mask = await tileMask(dataset, fetched, raster, { sparse: [false], rows: 256, littleEndian: true, context: {} });
 * ```
 */
export async function tileMask(
  dataset: TiffDataset,
  tile: FetchedTile,
  raster: Raster,
  opts: { sparse: boolean[]; rows: number; littleEndian: boolean; context: CogErrorContext; decode?: DecodeFn },
): Promise<Uint8Array | undefined> {
  const pixels = raster.width * raster.height;
  const image = tile.image;
  let mask: Uint8Array | undefined;
  if (tile.mask !== undefined && tile.maskBlocks !== undefined) {
    mask = await internalMask(dataset, tile, pixels, { ...opts, rowsNeeded: raster.height });
  } else if (image.hasAlpha) {
    const alphaBand = image.bands - image.extraSamples.length + image.extraSamples.findIndex((e) => e === 1 || e === 2);
    mask = alphaMask(raster, alphaBand);
  } else if (dataset.nodata !== undefined) {
    mask = nodataMask(raster, dataset.nodata);
  }
  const anySparse = opts.sparse.some(Boolean);
  if (anySparse && !image.hasAlpha) {
    // A missing block has no pixels: invalid whatever the other planes say.
    mask = new Uint8Array(pixels);
  }
  return mask;
}

async function internalMask(
  dataset: TiffDataset,
  tile: FetchedTile,
  pixels: number,
  opts: { rows: number; rowsNeeded: number; littleEndian: boolean; context: CogErrorContext; decode?: DecodeFn },
): Promise<Uint8Array> {
  const maskImage = tile.mask!;
  if (maskImage.tileWidth !== tile.image.tileWidth || maskImage.tileHeight !== tile.image.tileHeight) {
    throw new CogError("COG_UNSUPPORTED", "mask blocks differ in size from image blocks", { ...opts.context, ifd: maskImage.ifdIndex });
  }
  const bytes = tile.maskBlocks![0];
  const out = new Uint8Array(pixels);
  if (bytes === undefined) return out;
  const ifd = dataset.ifds[maskImage.ifdIndex];
  const block = blockInfo(maskImage, ifd, opts.littleEndian, {
    samples: 1,
    rows: opts.rows,
    validRows: Math.min(opts.rows, maskImage.height - tile.y * maskImage.tileHeight),
    rowsNeeded: opts.rowsNeeded,
    context: { ...opts.context, ifd: maskImage.ifdIndex, offset: tile.maskRanges![0].offset },
  });
  const values = await (opts.decode ?? decodeBlock)(bytes, block, maskImage.dtype);
  const n = Math.min(values.length, pixels);
  for (let i = 0; i < n; i++) out[i] = values[i] ? 255 : 0;
  return out;
}

function alphaMask(raster: Raster, band: number): Uint8Array {
  const pixels = raster.width * raster.height;
  const out = new Uint8Array(pixels);
  const base = band * pixels;
  const data = raster.data as unknown as ArrayLike<number>;
  // GDAL's alpha mask is the alpha value itself for 8-bit data; wider alpha is scaled to 0–255.
  const shift = raster.dtype === "uint16" ? 8 : 0;
  for (let i = 0; i < pixels; i++) out[i] = Number(data[base + i]) >> shift;
  return out;
}

function nodataMask(raster: Raster, nodata: number): Uint8Array {
  const pixels = raster.width * raster.height;
  const out = new Uint8Array(pixels);
  const floating = raster.dtype === "float32" || raster.dtype === "float16" || raster.dtype === "float64";
  const target = raster.dtype === "float64" ? nodata : Math.fround(nodata);
  for (let b = 0; b < raster.bands; b++) {
    const band = raster.data.subarray(b * pixels, (b + 1) * pixels);
    if (typeof band[0] === "bigint") {
      const big = band as BigInt64Array | BigUint64Array;
      for (let i = 0; i < pixels; i++) if (Number(big[i]) !== nodata) out[i] = 255;
      continue;
    }
    const values = band as Float64Array;
    // Hot loops, one per kind of test, as GDALNoDataMaskBand tests: NaN matches NaN; floats
    // compare with ARE_REAL_EQUAL (within 2 float-epsilon of their sum, so a float32-rounded
    // nodata in a float64 band still matches); integers compare exactly.
    if (Number.isNaN(nodata)) {
      for (let i = 0; i < pixels; i++) if (values[i] === values[i]) out[i] = 255;
    } else if (floating) {
      for (let i = 0; i < pixels; i++) {
        const v = values[i];
        if (v !== target && !(Math.abs(v - target) < FLOAT_EPSILON * Math.abs(v + target) * 2)) out[i] = 255;
      }
    } else {
      for (let i = 0; i < pixels; i++) if (values[i] !== nodata) out[i] = 255;
    }
  }
  return out;
}

const FLOAT_EPSILON = 2 ** -23;
