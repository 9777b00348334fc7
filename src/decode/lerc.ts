import { CogError } from "../errors.js";
import { decodeDeflate } from "./deflate.js";
import { instantiateWith, type InstantiateWasm } from "./emscripten.js";
import { codecWasm } from "./wasm.js";
import type { BlockInfo, Codec } from "./types.js";
import { decodeZstd } from "./zstd.js";

type LercModule = typeof import("./glue/lerc.js");
type Pixels = import("./glue/lerc.js").PixelTypedArray;

const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let lercModule: Promise<LercModule> | undefined;

/**
 * Loads the `lerc` package and its WASM once, on first use. The module comes from
 * {@link codecWasm} through emscripten's `instantiateWasm` hook, which the builds patch `lerc`
 * to pass on (tsup.config.ts), so the glue never looks for `lerc-wasm.wasm` itself. (Run from the
 * TypeScript sources, unpatched, `lerc` reads its own file with `fs` in Node.) A failed load is
 * not cached.
 */
function loadLerc(): Promise<LercModule> {
  lercModule ??= Promise.all([import("./glue/lerc.js"), codecWasm("lerc")]).then(async ([lerc, module]) => {
    const load = lerc.load as (options: { instantiateWasm?: InstantiateWasm }) => Promise<void>;
    const { hook, failed } = instantiateWith(module);
    await Promise.race([load({ instantiateWasm: hook }), failed]);
    return lerc;
  });
  lercModule.catch(() => {
    lercModule = undefined;
  });
  return lercModule;
}

/** Bytes per value of LERC's data types 0..7 (char, uchar, short, ushort, int, uint, float, double). */
const TYPE_SIZE = [1, 1, 2, 2, 4, 4, 4, 8];

/**
 * Compression 34887 (LERC, Esri's Limited Error Raster Compression), decoded by the `lerc`
 * package (WASM). LercParameters (tag 50674) `[version, additional]` says whether the blob was
 * then deflated (1) or zstd-compressed (2); that is undone first, with the codecs of this folder.
 * The blob header is checked against the block before anything is decoded.
 *
 * LERC returns typed arrays in host byte order, one per band (and `depth` values per pixel);
 * they are turned into the contract's bytes: pixel-interleaved, in the FILE's byte order.
 * LERC's valid-pixel mask is dropped for now, as the block contract has no place for it; its
 * invalid pixels are filled as libtiff (tif_lerc.c) and GDAL do: NaN for floats, the blob's
 * nodata value or 0 for integers, and for 8-bit blocks whose blob has one band fewer than the
 * block, the mask becomes the last (alpha) band, 0 or 255.
 *
 * @example
 * ```ts
 * import { decodeLerc } from "./lerc.js";
 * const pixels = await decodeLerc(compressed, { ...block, lercParameters: [4, 2] }); // LERC_ZSTD
 * ```
 */
export const decodeLerc: Codec = async (bytes, block) => {
  const lerc = await loadLerc();
  const blob = await unwrap(bytes, block);
  const corrupt = (e: unknown) => new CogError("COG_FORMAT", `corrupt LERC blob: ${(e as Error)?.message ?? e}`, block.context, { cause: e });
  let info: import("./glue/lerc.js").LercHeaderInfo;
  try {
    info = lerc.getBlobInfo(blob);
  } catch (e) {
    throw corrupt(e);
  }
  const perPixel = info.bandCount * info.depthCount;
  const size = TYPE_SIZE[info.dataType] ?? 0;
  const alpha = size === 1 && block.samples > 1 && perPixel === block.samples - 1;
  if (info.width !== block.width || size * 8 !== block.bitsPerSample || (perPixel !== block.samples && !alpha)) {
    const got = `${info.width}x${info.height}x${perPixel}, ${size * 8}-bit`;
    const want = `${block.width}x${block.height}x${block.samples}, ${block.bitsPerSample}-bit`;
    throw new CogError("COG_FORMAT", `LERC blob is ${got}, the block ${want}`, block.context);
  }
  if (info.width * info.height * block.samples * size > block.expectedBytes) {
    throw new CogError("COG_LIMIT", `LERC blob of ${info.height} rows is larger than the ${block.expectedBytes} bytes expected`, {
      ...block.context,
      limit: "expectedBytes",
    });
  }
  let decoded: import("./glue/lerc.js").LercData;
  try {
    decoded = lerc.decode(blob, { returnInterleaved: true });
  } catch (e) {
    throw corrupt(e);
  }
  const values = interleave(decoded.pixels, decoded.depthCount, block.samples, info.width * info.height);
  if (alpha) fillAlpha(values as Uint8Array, decoded.mask, block.samples);
  else fillInvalid(values, decoded, block.samples, block.sampleFormat === 3);
  return toFileOrder(values, block.littleEndian);
};

/** Undoes LercParameters' additional compression, bounding the blob to twice the block size. */
async function unwrap(bytes: Uint8Array, block: BlockInfo): Promise<Uint8Array> {
  const additional = block.lercParameters?.[1] ?? 0;
  if (additional === 0) return bytes;
  const inner = { ...block, expectedBytes: 2 * block.expectedBytes + 4096 };
  if (additional === 1) return decodeDeflate(bytes, inner);
  if (additional === 2) return decodeZstd(bytes, inner);
  throw new CogError("COG_UNSUPPORTED", `LERC additional compression ${additional} is not supported`, { ...block.context, tag: 50674 });
}

/** One typed array of `samples` values per pixel, from LERC's bands × depth layout. */
function interleave(pixels: Pixels[], depth: number, samples: number, n: number): Pixels {
  if (pixels.length === 1 && depth === samples) return pixels[0];
  const Ctor = pixels[0].constructor as new (length: number) => Pixels;
  const out = new Ctor(n * samples);
  for (let b = 0; b < pixels.length; b++) {
    const src = pixels[b];
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < depth; d++) out[i * samples + b * depth + d] = src[i * depth + d];
    }
  }
  return out;
}

/** libtiff: the LERC mask of an 8-bit block with one band fewer is its alpha band. */
function fillAlpha(values: Uint8Array, mask: Uint8Array | null, samples: number): void {
  const n = values.length / samples;
  for (let i = 0; i < n; i++) values[i * samples + samples - 1] = mask === null || mask[i] ? 255 : 0;
}

/** Invalid pixels: NaN for floats (libtiff), else the band's nodata in the blob or 0 (GDAL). */
function fillInvalid(values: Pixels, decoded: import("./glue/lerc.js").LercData, samples: number, float: boolean): void {
  const masks = decoded.bandMasks ?? (decoded.mask ? [decoded.mask] : []);
  const perBand = masks.length > 1; // one mask per band (depth 1), or one for every value of a pixel
  for (let m = 0; m < masks.length; m++) {
    const mask = masks[m];
    const fill = float ? NaN : (decoded.noDataValues?.[m] ?? 0);
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] !== 0) continue;
      if (perBand) values[i * samples + m] = fill;
      else values.fill(fill, i * samples, i * samples + samples);
    }
  }
}

/** The bytes of `values` in the file's byte order (a view when that is the host's). */
function toFileOrder(values: Pixels, littleEndian: boolean): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const size = values.BYTES_PER_ELEMENT;
  if (size === 1 || littleEndian === HOST_LITTLE) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) {
    for (let k = 0; k < size; k++) out[i + k] = bytes[i + size - 1 - k];
  }
  return out;
}
