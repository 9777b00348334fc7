import { CogError } from "../errors.js";
import { readUint64 } from "./field-types.js";

/**
 * The 8- or 16-byte file header (TIFF 6.0 §2 "Image File Header"; BigTIFF adds version 43).
 *
 * @example
 * ```ts
 * const h = parseTiffHeader(bytes, "a.tif");
 * h.bigTiff; // false
 * ```
 */
export interface TiffHeader {
  /** `II` byte order. */
  littleEndian: boolean;
  /** Version 43 (BigTIFF): 8-byte offsets and counts. */
  bigTiff: boolean;
  /** Offset of the first IFD. */
  firstIfdOffset: number;
  /** Bytes in an offset: 4 (classic) or 8 (BigTIFF). */
  offsetSize: 4 | 8;
  /** Size of the header itself: 8 or 16. */
  headerSize: 8 | 16;
}

/**
 * Parses the file header from the first bytes of the file (at least 16 of them when the file
 * has them).
 *
 * @example
 * ```ts
 * parseTiffHeader(new Uint8Array([0x49, 0x49, 42, 0, 8, 0, 0, 0]), "x.tif").firstIfdOffset; // 8
 * ```
 */
export function parseTiffHeader(bytes: Uint8Array, url?: string): TiffHeader {
  if (bytes.byteLength < 8) {
    throw new CogError("COG_NOT_TIFF", `file is ${bytes.byteLength} bytes, too short for a TIFF header`, { url });
  }
  const order = String.fromCharCode(bytes[0], bytes[1]);
  if (order !== "II" && order !== "MM") {
    throw new CogError("COG_NOT_TIFF", `not a TIFF: first bytes are 0x${hex(bytes.subarray(0, 4))}`, { url, offset: 0 });
  }
  const little = order === "II";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(2, little);
  if (version === 42) {
    return { littleEndian: little, bigTiff: false, firstIfdOffset: view.getUint32(4, little), offsetSize: 4, headerSize: 8 };
  }
  if (version === 43) {
    if (bytes.byteLength < 16) throw new CogError("COG_FORMAT", "BigTIFF header is cut short", { url, offset: 0 });
    const byteSize = view.getUint16(4, little);
    const reserved = view.getUint16(6, little);
    if (byteSize !== 8 || reserved !== 0) {
      throw new CogError("COG_FORMAT", `BigTIFF offset size is ${byteSize} (reserved ${reserved}), expected 8 and 0`, {
        url,
        offset: 4,
      });
    }
    const firstIfdOffset = readUint64(view, 8, little, { url, offset: 8 });
    return { littleEndian: little, bigTiff: true, firstIfdOffset, offsetSize: 8, headerSize: 16 };
  }
  throw new CogError("COG_NOT_TIFF", `not a TIFF: version ${version}, expected 42 or 43`, { url, offset: 2 });
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
