/**
 * GDAL's "ghost area": structural metadata written right after the TIFF header by the COG
 * driver (GDAL COG driver docs, "Header ghost area").
 *
 * @example
 * ```ts
 * cog.ghost?.layout; // "IFDS_BEFORE_DATA"
 * ```
 */
export interface GhostArea {
  /** Byte length of the metadata text after the size line. */
  size: number;
  /** Every KEY=VALUE line. */
  entries: Record<string, string>;
  /** LAYOUT, e.g. `IFDS_BEFORE_DATA`. */
  layout?: string;
  /** BLOCK_ORDER, e.g. `ROW_MAJOR`. */
  blockOrder?: string;
  /** BLOCK_LEADER, e.g. `SIZE_AS_UINT4`: each block is preceded by its size. */
  blockLeader?: string;
  /** BLOCK_TRAILER, e.g. `LAST_4_BYTES_REPEATED`. */
  blockTrailer?: string;
  /** KNOWN_INCOMPATIBLE_EDITION: `YES` once the file was edited in a way that broke the layout. */
  knownIncompatibleEdition?: string;
  /** MASK_INTERLEAVED_WITH_IMAGERY: `YES` when a mask block follows each image block. */
  maskInterleavedWithImagery?: string;
}

const PREFIX = "GDAL_STRUCTURAL_METADATA_SIZE=";

/**
 * Parses the ghost area from the bytes that follow the TIFF header, or returns undefined when
 * there is none.
 *
 * @example
 * ```ts
 * const ghost = parseGhostArea(header.get(8, 512));
 * ```
 */
export function parseGhostArea(bytes: Uint8Array): GhostArea | undefined {
  const head = latin1(bytes.subarray(0, PREFIX.length + 16));
  if (!head.startsWith(PREFIX)) return undefined;
  const match = /^GDAL_STRUCTURAL_METADATA_SIZE=(\d+) bytes\n/.exec(head);
  if (match === null) return undefined;
  const size = Number(match[1]);
  const text = latin1(bytes.subarray(match[0].length, match[0].length + size));
  const entries: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) entries[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return {
    size,
    entries,
    layout: entries.LAYOUT,
    blockOrder: entries.BLOCK_ORDER,
    blockLeader: entries.BLOCK_LEADER,
    blockTrailer: entries.BLOCK_TRAILER,
    knownIncompatibleEdition: entries.KNOWN_INCOMPATIBLE_EDITION,
    maskInterleavedWithImagery: entries.MASK_INTERLEAVED_WITH_IMAGERY,
  };
}

function latin1(bytes: Uint8Array): string {
  return new TextDecoder("latin1").decode(bytes);
}
