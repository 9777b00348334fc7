import { CogError, isCogError } from "../errors.js";
import type { HeaderReader } from "../io/header-reader.js";
import type { CogLimits } from "../options.js";
import { readUint64 } from "./field-types.js";
import type { TiffHeader } from "./header.js";
import { Ifd, parseIfdEntries } from "./ifd.js";

/**
 * Result of walking the IFD chain: the IFDs that parsed, and warnings for what was skipped.
 *
 * @example
 * ```ts
 * const { ifds, warnings } = await walkIfds(header, tiffHeader, { limits: DEFAULT_LIMITS });
 * ```
 */
export interface IfdWalk {
  ifds: Ifd[];
  warnings: string[];
}

/**
 * Follows the main IFD chain from the header, with loop detection and the IFD-count limit, then
 * loads every non-array tag value in one batch. A broken link after the first IFD ends the chain
 * with a warning (as libtiff and GDAL do); a broken first IFD is an error.
 *
 * @example
 * ```ts
 * const { ifds } = await walkIfds(header, parseTiffHeader(first16, url), { limits, url });
 * ```
 */
export async function walkIfds(
  header: HeaderReader,
  tiff: TiffHeader,
  opts: { limits: CogLimits; url?: string; signal?: AbortSignal },
): Promise<IfdWalk> {
  const { limits, url, signal } = opts;
  const ifds: Ifd[] = [];
  const warnings: string[] = [];
  const seen = new Set<number>();
  const countSize = tiff.bigTiff ? 8 : 2;
  const entrySize = tiff.bigTiff ? 20 : 12;
  let offset = tiff.firstIfdOffset;
  while (offset !== 0) {
    const index = ifds.length;
    const context = { url, ifd: index, offset };
    try {
      if (index >= limits.maxIfds) {
        throw new CogError("COG_LIMIT", `more than ${limits.maxIfds} IFDs`, { ...context, limit: "maxIfds" });
      }
      if (seen.has(offset)) throw new CogError("COG_FORMAT", `IFD chain loops back to offset ${offset}`, context);
      seen.add(offset);
      if (offset < tiff.headerSize) throw new CogError("COG_FORMAT", `IFD offset ${offset} lies inside the file header`, context);
      await header.ensure(offset, countSize, { signal });
      const countView = dataView(header.get(offset, countSize));
      const count = tiff.bigTiff
        ? readUint64(countView, 0, tiff.littleEndian, context)
        : countView.getUint16(0, tiff.littleEndian);
      if (count === 0) throw new CogError("COG_FORMAT", "IFD has no entries", context);
      const dirBytes = count * entrySize + tiff.offsetSize;
      if (dirBytes > limits.maxTagBytes) {
        throw new CogError("COG_LIMIT", `IFD has ${count} entries`, { ...context, limit: "maxTagBytes" });
      }
      await header.ensure(offset + countSize, dirBytes, { signal });
      const entries = parseIfdEntries(header, offset, count, { ...tiff, context });
      ifds.push(new Ifd(index, offset, entries, { header, littleEndian: tiff.littleEndian, url, maxTagBytes: limits.maxTagBytes }));
      const nextView = dataView(header.get(offset + countSize + count * entrySize, tiff.offsetSize));
      offset = tiff.bigTiff ? readUint64(nextView, 0, tiff.littleEndian, context) : nextView.getUint32(0, tiff.littleEndian);
    } catch (e) {
      if (index === 0 || !isCogError(e, "COG_FORMAT")) throw e;
      warnings.push(`IFD chain ends early: ${e.message}`);
      break;
    }
  }
  await loadEagerValues(header, ifds, { limits, url, signal });
  return { ifds, warnings };
}

async function loadEagerValues(
  header: HeaderReader,
  ifds: Ifd[],
  opts: { limits: CogLimits; url?: string; signal?: AbortSignal },
): Promise<void> {
  const ranges = ifds.flatMap((ifd) => ifd.eagerRanges());
  const total = ranges.reduce((sum, [, length]) => sum + length, 0);
  if (total > opts.limits.maxHeaderBytes) {
    throw new CogError("COG_LIMIT", `tag values add up to ${total} bytes, over maxHeaderBytes`, {
      url: opts.url,
      limit: "maxHeaderBytes",
    });
  }
  await header.ensureAll(ranges, { signal: opts.signal });
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
