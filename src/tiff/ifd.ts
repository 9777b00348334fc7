import { CogError, type CogErrorContext } from "../errors.js";
import type { EnsureOptions, HeaderReader } from "../io/header-reader.js";
import { decodeField, FIELD_TYPE_SIZE, readUint64, type TagValue } from "./field-types.js";
import { TagArray } from "./tag-array.js";
import { BLOCK_ARRAY_TAGS, tagName } from "./tags.js";

/**
 * One IFD entry: where its value lives. Inline values point inside the IFD itself, so every
 * value is read the same way, through the header bytes.
 */
export interface TagEntry {
  tag: number;
  type: number;
  count: number;
  /** Absolute file offset of the value. */
  valueOffset: number;
  /** `count` × the type's size. */
  byteLength: number;
}

/** What an {@link Ifd} needs to decode its values. @internal */
export interface IfdContext {
  header: HeaderReader;
  littleEndian: boolean;
  url?: string;
  maxTagBytes: number;
}

/**
 * A parsed Image File Directory (TIFF 6.0 §2). Scalar and small values decode on access from
 * the header bytes loaded at open; block arrays (TileOffsets…) are {@link TagArray}s that load
 * only the entries a read needs.
 *
 * @example
 * ```ts
 * const width = ifd.number(TAG.ImageWidth);
 * ```
 */
export class Ifd {
  private readonly cache = new Map<number, TagValue>();

  constructor(
    /** Position in the file's IFD chain (0 = first). */
    readonly index: number,
    /** File offset of the IFD. */
    readonly offset: number,
    readonly entries: ReadonlyMap<number, TagEntry>,
    private readonly ctx: IfdContext,
  ) {}

  /** True when the IFD has the tag. */
  has(tag: number): boolean {
    return this.entries.has(tag);
  }

  /** The decoded value of a tag, or undefined when absent. */
  value(tag: number): TagValue | undefined {
    const cached = this.cache.get(tag);
    if (cached !== undefined) return cached;
    const entry = this.entries.get(tag);
    if (entry === undefined) return undefined;
    if (entry.byteLength > this.ctx.maxTagBytes) {
      throw new CogError("COG_LIMIT", `${tagName(tag)} holds ${entry.byteLength} bytes, over maxTagBytes`, {
        ...this.context(tag),
        limit: "maxTagBytes",
      });
    }
    const bytes = this.ctx.header.get(entry.valueOffset, entry.byteLength);
    const value = decodeField(bytes, entry.type, entry.count, this.ctx.littleEndian, this.context(tag));
    this.cache.set(tag, value);
    return value;
  }

  /** All numbers of a numeric tag. */
  numbers(tag: number): number[] | undefined {
    const v = this.value(tag);
    if (v === undefined) return undefined;
    if (typeof v === "string") throw new CogError("COG_FORMAT", `${tagName(tag)} is text, expected numbers`, this.context(tag));
    return Array.from(v);
  }

  /** The first number of a numeric tag. */
  number(tag: number): number | undefined {
    return this.numbers(tag)?.[0];
  }

  /** An ASCII tag's text. */
  string(tag: number): string | undefined {
    const v = this.value(tag);
    if (v === undefined) return undefined;
    return typeof v === "string" ? v : new TextDecoder("latin1").decode(Uint8Array.from(v));
  }

  /** Raw bytes of a tag's value (e.g. JPEGTables). */
  bytes(tag: number): Uint8Array | undefined {
    const entry = this.entries.get(tag);
    if (entry === undefined) return undefined;
    return this.ctx.header.get(entry.valueOffset, entry.byteLength);
  }

  /** A lazily decoded block array (TileOffsets, TileByteCounts, StripOffsets, StripByteCounts). */
  array(tag: number): TagArray | undefined {
    const entry = this.entries.get(tag);
    if (entry === undefined) return undefined;
    return new TagArray(entry, this.ctx.header, this.ctx.littleEndian, this.context(tag));
  }

  /**
   * Loads the entries `indices` of several block arrays in one batch, so that offsets and byte
   * counts close together in the file cost one request.
   */
  async loadArrayEntries(tags: readonly number[], indices: readonly number[], opts: EnsureOptions = {}): Promise<void> {
    const ranges = tags.flatMap((tag) => this.array(tag)?.missingRanges(indices) ?? []);
    if (ranges.length > 0) await this.ctx.header.ensureAll(ranges, { ...opts, readahead: false });
  }

  /** Error context naming this IFD and a tag. */
  context(tag?: number): CogErrorContext {
    return { url: this.ctx.url, ifd: this.index, offset: this.offset, tag };
  }

  /** File ranges of values that must be loaded before {@link value} can be used. @internal */
  eagerRanges(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const e of this.entries.values()) {
      if (BLOCK_ARRAY_TAGS.has(e.tag) || e.byteLength > this.ctx.maxTagBytes) continue;
      out.push([e.valueOffset, e.byteLength]);
    }
    return out;
  }
}

/**
 * Parses the entries of the IFD at `offset`, whose bytes must already be in `header`.
 *
 * @internal
 */
export function parseIfdEntries(
  header: HeaderReader,
  offset: number,
  count: number,
  opts: { littleEndian: boolean; bigTiff: boolean; context: CogErrorContext },
): Map<number, TagEntry> {
  const entrySize = opts.bigTiff ? 20 : 12;
  const start = offset + (opts.bigTiff ? 8 : 2);
  const bytes = header.get(start, count * entrySize);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = opts.littleEndian;
  const entries = new Map<number, TagEntry>();
  for (let i = 0; i < count; i++) {
    const p = i * entrySize;
    const tag = view.getUint16(p, little);
    const type = view.getUint16(p + 2, little);
    const size = FIELD_TYPE_SIZE[type];
    // libtiff skips entries of an unknown type, and keeps the first of duplicated tags.
    if (size === undefined || entries.has(tag)) continue;
    const ctx = { ...opts.context, tag };
    const entryCount = opts.bigTiff ? readUint64(view, p + 4, little, ctx) : view.getUint32(p + 4, little);
    const byteLength = entryCount * size;
    const inlineSize = opts.bigTiff ? 8 : 4;
    const valueOffset =
      byteLength <= inlineSize
        ? start + p + (opts.bigTiff ? 12 : 8)
        : opts.bigTiff
          ? readUint64(view, p + 12, little, ctx)
          : view.getUint32(p + 8, little);
    if (!Number.isSafeInteger(byteLength) || !Number.isSafeInteger(valueOffset + byteLength)) {
      throw new CogError("COG_FORMAT", `${tagName(tag)} count ${entryCount} is out of range`, ctx);
    }
    entries.set(tag, { tag, type, count: entryCount, valueOffset, byteLength });
  }
  return entries;
}
