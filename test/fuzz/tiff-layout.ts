/**
 * A forgiving walk over a TIFF's IFD chain that only records where things are (entry positions,
 * next-IFD pointers), so mutators can rewrite them. It never throws: it stops where the bytes do.
 * Deliberately separate from src/tiff: the fuzzer must not share the parser it attacks.
 */

/** Where one IFD entry sits in the file. */
export interface EntrySite {
  /** File offset of the 12- (classic) or 20-byte (BigTIFF) entry. */
  at: number;
  tag: number;
  type: number;
  count: number;
}

/** Where one IFD sits. */
export interface IfdSite {
  offset: number;
  entries: EntrySite[];
  /** File offset of this IFD's next-IFD pointer. */
  nextAt: number;
}

/** The layout of a TIFF as far as it could be walked. */
export interface TiffLayout {
  little: boolean;
  bigTiff: boolean;
  ifds: IfdSite[];
}

/** Walks at most 64 IFDs of at most 512 entries each. Undefined when the header is not a TIFF's. */
export function walkLayout(bytes: Uint8Array): TiffLayout | undefined {
  if (bytes.length < 16) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const order = view.getUint16(0, false);
  if (order !== 0x4949 && order !== 0x4d4d) return undefined;
  const little = order === 0x4949;
  const magic = view.getUint16(2, little);
  if (magic !== 42 && magic !== 43) return undefined;
  const bigTiff = magic === 43;
  const ifds: IfdSite[] = [];
  const seen = new Set<number>();
  let offset = bigTiff ? Number(view.getBigUint64(8, little)) : view.getUint32(4, little);
  while (offset > 0 && ifds.length < 64 && !seen.has(offset)) {
    seen.add(offset);
    const countSize = bigTiff ? 8 : 2;
    const entrySize = bigTiff ? 20 : 12;
    if (offset + countSize > bytes.length) break;
    const count = bigTiff ? Number(view.getBigUint64(offset, little)) : view.getUint16(offset, little);
    if (count > 512 || offset + countSize + count * entrySize + (bigTiff ? 8 : 4) > bytes.length) break;
    const entries: EntrySite[] = [];
    for (let i = 0; i < count; i++) {
      const at = offset + countSize + i * entrySize;
      const entryCount = bigTiff ? Number(view.getBigUint64(at + 4, little)) : view.getUint32(at + 4, little);
      entries.push({ at, tag: view.getUint16(at, little), type: view.getUint16(at + 2, little), count: entryCount });
    }
    const nextAt = offset + countSize + count * entrySize;
    ifds.push({ offset, entries, nextAt });
    offset = bigTiff ? Number(view.getBigUint64(nextAt, little)) : view.getUint32(nextAt, little);
  }
  return { little, bigTiff, ifds };
}
