import { CogError, type CogErrorContext } from "../errors.js";
import type { EnsureOptions, HeaderReader } from "../io/header-reader.js";
import { readElement } from "./field-types.js";
import type { TagEntry } from "./ifd.js";

/** Entries are fetched in aligned pages of this many bytes, never the whole array at once. */
const PAGE_BYTES = 4096;

/**
 * A block array (TileOffsets, TileByteCounts, StripOffsets, StripByteCounts) kept as raw bytes
 * in the file and decoded on access. Entries already in the header bytes read synchronously;
 * others are fetched a 4 KiB page at a time, so locating a tile in a 24,000-tile level does
 * not load the whole array.
 *
 * @example
 * ```ts
 * const offsets = ifd.array(TAG.TileOffsets)!;
 * const [offset] = await offsets.getMany([42]);
 * ```
 */
export class TagArray {
  private readonly elementSize: number;

  constructor(
    readonly entry: TagEntry,
    private readonly header: HeaderReader,
    private readonly littleEndian: boolean,
    private readonly context: CogErrorContext,
  ) {
    this.elementSize = entry.byteLength / entry.count;
    if (![2, 4, 8].includes(this.elementSize) || ![3, 4, 16, 13, 18].includes(entry.type)) {
      throw new CogError("COG_FORMAT", `block array has field type ${entry.type}, expected SHORT, LONG or LONG8`, context);
    }
  }

  /** Number of entries. */
  get length(): number {
    return this.entry.count;
  }

  /** Entry `i` if its bytes are already loaded, else undefined. */
  peek(i: number): number | undefined {
    this.check(i);
    const pos = this.entry.valueOffset + i * this.elementSize;
    if (!this.header.has(pos, this.elementSize)) return undefined;
    return this.decode(this.header.get(pos, this.elementSize));
  }

  /** The entries at `indices`, fetching the pages that hold them (in one batch). */
  async getMany(indices: readonly number[], opts: EnsureOptions = {}): Promise<number[]> {
    await this.load(indices, opts);
    return indices.map((i) => this.peek(i) as number);
  }

  /** Every entry (fetches the whole array). */
  async getAll(opts: EnsureOptions = {}): Promise<number[]> {
    await this.header.ensure(this.entry.valueOffset, this.entry.byteLength, { ...opts, readahead: false });
    const bytes = this.header.get(this.entry.valueOffset, this.entry.byteLength);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Array<number>(this.entry.count);
    for (let i = 0; i < out.length; i++) out[i] = readElement(view, this.entry.type, i, this.littleEndian, this.context);
    return out;
  }

  /** File ranges of the pages that hold `indices` and are not loaded yet. */
  missingRanges(indices: readonly number[]): Array<[number, number]> {
    const pages = new Set<number>();
    const base = this.entry.valueOffset;
    for (const i of indices) {
      this.check(i);
      const pos = base + i * this.elementSize;
      if (!this.header.has(pos, this.elementSize)) pages.add(Math.floor(pos / PAGE_BYTES));
    }
    const end = base + this.entry.byteLength;
    return [...pages].map((p) => {
      const start = Math.max(p * PAGE_BYTES, base);
      return [start, Math.min((p + 1) * PAGE_BYTES, end) - start] as [number, number];
    });
  }

  private async load(indices: readonly number[], opts: EnsureOptions): Promise<void> {
    const ranges = this.missingRanges(indices);
    if (ranges.length > 0) await this.header.ensureAll(ranges, { ...opts, readahead: false });
  }

  private decode(bytes: Uint8Array): number {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return readElement(view, this.entry.type, 0, this.littleEndian, this.context);
  }

  private check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.entry.count) {
      throw new CogError("COG_FORMAT", `block ${i} is outside the array of ${this.entry.count} entries`, this.context);
    }
  }
}
