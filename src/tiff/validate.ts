import { CogError } from "../errors.js";
import type { Ifd } from "./ifd.js";
import { tagName } from "./tags.js";

/**
 * Integer field types, which libtiff accepts for any integer tag (tif_dirread.c
 * TIFFReadDirEntryLong and friends range-check the value): BYTE, SHORT, LONG, SBYTE, SSHORT,
 * SLONG, IFD, LONG8, SLONG8, IFD8. RATIONAL, FLOAT, DOUBLE, ASCII and UNDEFINED are refused.
 */
const INTEGER_TYPES: ReadonlySet<number> = new Set([1, 3, 4, 6, 8, 9, 13, 16, 17, 18]);

/**
 * The integer values of a tag the image geometry is computed from, checked: the field type must
 * be an integer type (a RATIONAL ImageWidth is not a width), and every value a safe integer in
 * `[min, max]`. Absent tags give `undefined`. Anything else is `COG_FORMAT` naming the IFD and tag.
 *
 * @example
 * ```ts
 * const width = integerTag(ifd, TAG.ImageWidth, { min: 1, max: 2 ** 32 - 1 })?.[0];
 * ```
 */
export function integerTag(ifd: Ifd, tag: number, range: { min: number; max: number }): number[] | undefined {
  const entry = ifd.entries.get(tag);
  if (entry === undefined) return undefined;
  const ctx = ifd.context(tag);
  if (!INTEGER_TYPES.has(entry.type)) {
    throw new CogError("COG_FORMAT", `${tagName(tag)} has field type ${entry.type}, an integer type is required`, ctx);
  }
  if (entry.count === 0) throw new CogError("COG_FORMAT", `${tagName(tag)} has no value`, ctx);
  const values = ifd.numbers(tag) ?? [];
  for (const v of values) {
    if (!Number.isSafeInteger(v) || v < range.min || v > range.max) {
      throw new CogError("COG_FORMAT", `${tagName(tag)} is ${v}, outside ${range.min}..${range.max}`, ctx);
    }
  }
  return values;
}

/**
 * The first value of a geometry tag checked by {@link integerTag}, or `fallback` when absent.
 *
 * @example
 * ```ts
 * const bands = integerValue(ifd, TAG.SamplesPerPixel, { min: 1, max: 65535 }, 1);
 * ```
 */
export function integerValue(ifd: Ifd, tag: number, range: { min: number; max: number }, fallback: number): number {
  return integerTag(ifd, tag, range)?.[0] ?? fallback;
}

/** TIFF 6.0 stores sizes as SHORT or LONG: nothing beyond 2^32 - 1. */
export const MAX_UINT32 = 2 ** 32 - 1;
