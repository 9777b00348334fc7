/** Compression codes (TIFF 6.0 §3, TIFF Tech Note 2, GDAL's extensions) to rasterio-style names. */
const COMPRESSION: Record<number, string> = {
  1: "none",
  2: "ccittrle",
  3: "ccittfax3",
  4: "ccittfax4",
  5: "lzw",
  6: "ojpeg",
  7: "jpeg",
  8: "deflate",
  32773: "packbits",
  32946: "deflate",
  34676: "sgilog",
  34677: "sgilog24",
  34712: "jpeg2000",
  34887: "lerc",
  34925: "lzma",
  50000: "zstd",
  50001: "webp",
  50002: "jxl",
  52546: "jxl",
};

/**
 * The name of a compression code, e.g. `deflate` for 8 and 32946; `unknown-N` otherwise.
 *
 * @example
 * ```ts
 * compressionName(50000); // "zstd"
 * ```
 */
export function compressionName(code: number): string {
  return COMPRESSION[code] ?? `unknown-${code}`;
}

/**
 * True for compression codes that name a known codec (whether or not cogread decodes it).
 *
 * @example
 * ```ts
 * isKnownCompression(65535); // false
 * ```
 */
export function isKnownCompression(code: number): boolean {
  return COMPRESSION[code] !== undefined;
}

const PHOTOMETRIC: Record<number, string> = {
  0: "miniswhite",
  1: "minisblack",
  2: "rgb",
  3: "palette",
  4: "mask",
  5: "cmyk",
  6: "ycbcr",
  8: "cielab",
  9: "icclab",
  10: "itulab",
  32844: "logl",
  32845: "logluv",
};

/**
 * The name of a PhotometricInterpretation value (TIFF 6.0 §3), e.g. `rgb` for 2.
 *
 * @example
 * ```ts
 * photometricName(6); // "ycbcr"
 * ```
 */
export function photometricName(code: number): string {
  return PHOTOMETRIC[code] ?? `unknown-${code}`;
}
