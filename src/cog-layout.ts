import type { COGReader } from "./reader.js";
import type { ImageInfo } from "./tiff/image.js";

/**
 * Result of {@link checkCogLayout}: errors break the COG layout, warnings only weaken it.
 *
 * @example
 * ```ts
 * const { valid, errors } = await checkCogLayout(cog);
 * ```
 */
export interface CogLayoutReport {
  valid: boolean;
  errors: string[];
  warnings: string[];
  /** File offset of each level's IFD, full resolution first. */
  ifdOffsets: number[];
  /** Offset of each level's first stored block (lowest non-zero offset), or null if all sparse. */
  dataOffsets: Array<number | null>;
}

/**
 * Checks the Cloud-Optimized layout by the rules of `rio cogeo validate` and GDAL's
 * validate_cloud_optimized_geotiff.py: tiled when larger than 512 px; overviews present
 * (a warning) and sorted by decreasing size; the main IFD right after the header or after
 * GDAL's ghost area; IFDs in increasing offsets; each level's first block after the smallest
 * overview's IFD, smallest overview data first, full-resolution data last; GDAL's
 * KNOWN_INCOMPATIBLE_EDITION not set. IFDs that lie after image data are a warning. Loads the
 * block offset arrays of each level.
 *
 * @example
 * ```ts
 * const report = await checkCogLayout(await COGReader.open("a.tif"));
 * if (!report.valid) console.log(report.errors.join("\n"));
 * ```
 */
export async function checkCogLayout(cog: COGReader, opts: { signal?: AbortSignal } = {}): Promise<CogLayoutReport> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const [main, ...overviews] = cog.ifds;
  if (main.width > 512 || main.height > 512) {
    if (!main.tiled) errors.push("The file is greater than 512xH or 512xW, but is not tiled");
    if (overviews.length === 0) warnings.push("The file is greater than 512xH or 512xW, it is recommended to include internal overviews");
  }
  const headerSize = cog.bigTiff ? 16 : 8;
  // IFDs start on a word boundary (TIFF 6.0 §2), so the IFD after the ghost area may be one byte later.
  const ghostEnd = cog.ghost ? headerSize + ghostLineLength(cog.ghost.size) + cog.ghost.size : headerSize;
  const afterGhost = ghostEnd + (ghostEnd % 2);
  if (main.offset !== headerSize && main.offset !== afterGhost) {
    errors.push(`The offset of the main IFD should be ${headerSize} (or right after GDAL's ghost area). It is ${main.offset} instead`);
  }
  overviews.forEach((ovr, i) => {
    const prev = cog.ifds[i];
    if (ovr.width > prev.width || ovr.height > prev.height) errors.push("Overviews should be sorted");
    if (ovr.offset < prev.offset) {
      errors.push(`The offset of the IFD for overview of index ${i} is ${ovr.offset}, whereas it should be greater than the one of ${i === 0 ? "the main image" : `index ${i - 1}`}, which is at byte ${prev.offset}`);
    }
    if ((ovr.width >= 512 || ovr.height >= 512) && !ovr.tiled) errors.push(`Overview of index ${i} is not tiled`);
  });
  const dataOffsets = await Promise.all(cog.ifds.map((img) => firstDataOffset(cog, img, opts)));
  checkDataOrder(dataOffsets, cog, errors, warnings);
  if (cog.ghost?.knownIncompatibleEdition === "YES") {
    errors.push("KNOWN_INCOMPATIBLE_EDITION=YES: the file was edited after it was written as a COG");
  }
  return { valid: errors.length === 0, errors, warnings, ifdOffsets: cog.ifds.map((i) => i.offset), dataOffsets };
}

function checkDataOrder(dataOffsets: Array<number | null>, cog: COGReader, errors: string[], warnings: string[]): void {
  const last = dataOffsets.length - 1;
  const smallest = dataOffsets[last];
  const lastIfd = cog.dataset.ifds.reduce((m, ifd) => Math.max(m, ifd.offset), 0);
  if (smallest !== null && smallest < cog.ifds[last].offset) {
    errors.push(last > 0 ? "The offset of the first block of the smallest overview should be after its IFD" : "The offset of the first block of the image should be after its IFD");
  }
  const present = dataOffsets.filter((d): d is number => d !== null);
  if (present.length > 0 && present.reduce((a, b) => Math.min(a, b)) < lastIfd) {
    warnings.push("Some IFDs lie after image data: a reader needs more than one request to read every IFD");
  }
  for (let i = last - 1; i >= 1; i--) {
    const a = dataOffsets[i];
    const b = dataOffsets[i + 1];
    if (a !== null && b !== null && a < b) {
      errors.push(`The offset of the first block of overview of index ${i - 1} should be after the one of the overview of index ${i}`);
    }
  }
  if (last >= 1 && dataOffsets[0] !== null && dataOffsets[1] !== null && dataOffsets[0] < dataOffsets[1]) {
    errors.push(`The offset of the first block of the main resolution image should be after the one of the overview of index ${last - 1}`);
  }
}

/** Offset of the first stored block of band 1 in row-major order, as GDAL's validator takes it. */
async function firstDataOffset(cog: COGReader, image: ImageInfo, opts: { signal?: AbortSignal }): Promise<number | null> {
  const blocks = await cog.blockByteCounts(image, opts);
  const perPlane = image.tilesAcross * image.tilesDown;
  return blocks.slice(0, perPlane).find((b) => b.offset > 0)?.offset ?? null;
}

/** Length of `GDAL_STRUCTURAL_METADATA_SIZE=XXXXXX bytes\n`. */
function ghostLineLength(size: number): number {
  return `GDAL_STRUCTURAL_METADATA_SIZE=${String(size).padStart(6, "0")} bytes\n`.length;
}
