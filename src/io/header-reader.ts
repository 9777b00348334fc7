import { CogError, throwIfAborted } from "../errors.js";

/** Fetches `length` bytes at `offset` (fewer only at the end of the file). */
export type FetchBytes = (offset: number, length: number, signal?: AbortSignal) => Promise<Uint8Array>;

/**
 * Options of {@link HeaderReader}.
 *
 * @example
 * ```ts
 * const opts: HeaderReaderOptions = { initialBytes: 16384, url: "a.tif" };
 * ```
 */
export interface HeaderReaderOptions {
  /** Size of the first read, and of the first readahead chunk. */
  initialBytes: number;
  /** Known file size, if any: reads are capped at it. */
  size?: number;
  /** For error messages. */
  url?: string;
  /** First readahead chunk (default `initialBytes`); it doubles after each miss. */
  chunk?: number;
}

/**
 * Options of {@link HeaderReader.ensure}.
 *
 * @example
 * ```ts
 * await header.ensure(1024, 4096, { readahead: false, fetch: (o, n, s) => source.read(o, n, { signal: s }) });
 * ```
 */
export interface EnsureOptions {
  signal?: AbortSignal;
  /** Fetch with readahead (default) or exactly the missing bytes. */
  readahead?: boolean;
  /**
   * Fetch through this function instead of the one the reader was made with: a header shared
   * by several readers (header cache) fetches missing pages through the reader that asks.
   */
  fetch?: FetchBytes;
}

interface Segment {
  offset: number;
  bytes: Uint8Array;
}

/** Readahead chunks stop doubling here. */
const MAX_CHUNK = 16 * 1024 * 1024;

/**
 * Holds the header bytes read so far and fetches missing ones. A miss fetches at least the
 * current readahead chunk, which doubles after each miss, so a header of H bytes costs at most
 * 1 + ceil(log2(H / initialBytes)) reads, never one read per tag.
 *
 * @example
 * ```ts
 * const header = new HeaderReader((o, n) => source.read(o, n), { initialBytes: 16384 });
 * await header.ensure(0, 16);
 * const magic = header.get(0, 2);
 * ```
 */
export class HeaderReader {
  private segments: Segment[] = [];
  private inflight: Array<{ start: number; end: number; promise: Promise<void> }> = [];
  private chunk: number;
  private size: number | undefined;

  constructor(
    private readonly fetchBytes: FetchBytes,
    private readonly options: HeaderReaderOptions,
  ) {
    this.chunk = options.chunk ?? options.initialBytes;
    this.size = options.size;
  }

  /** Every held byte range, for {@link HeaderReader.restore} (header snapshots). */
  segmentsHeld(): Array<{ offset: number; bytes: Uint8Array }> {
    return this.segments.map((s) => ({ offset: s.offset, bytes: s.bytes }));
  }

  /** Adds byte ranges read earlier (a header snapshot), so they cost no request. */
  restore(segments: ReadonlyArray<{ offset: number; bytes: Uint8Array }>, size?: number): void {
    for (const s of segments) this.insert({ offset: s.offset, bytes: s.bytes });
    if (size !== undefined) this.size = size;
  }

  /** File size, once known (from the options or from a read that ended short). */
  get fileSize(): number | undefined {
    return this.size;
  }

  /** True when `[offset, offset + length)` is held. */
  has(offset: number, length: number): boolean {
    const seg = this.find(offset);
    return seg !== undefined && offset + length <= seg.offset + seg.bytes.byteLength;
  }

  /** The held bytes from offset 0, at most `max` of them (fewer for a short file). */
  prefix(max: number): Uint8Array {
    const first = this.segments[0];
    if (first === undefined || first.offset !== 0) return new Uint8Array(0);
    return first.bytes.subarray(0, Math.min(max, first.bytes.byteLength));
  }

  /** The held bytes `[offset, offset + length)`; throws if they are not held. */
  get(offset: number, length: number): Uint8Array {
    const seg = this.find(offset);
    if (seg === undefined || offset + length > seg.offset + seg.bytes.byteLength) {
      throw new CogError("COG_FORMAT", `header bytes ${offset}+${length} were not loaded`, {
        url: this.options.url,
        offset,
        length,
      });
    }
    return seg.bytes.subarray(offset - seg.offset, offset - seg.offset + length);
  }

  /**
   * Makes sure `[offset, offset + length)` is held, fetching with readahead (`readahead: true`,
   * the default) or exactly the missing bytes. Throws `COG_FORMAT` if the range passes the end
   * of the file.
   */
  async ensure(offset: number, length: number, opts: EnsureOptions = {}): Promise<void> {
    await this.ensureAll([[offset, length]], opts);
  }

  /**
   * Makes sure every range is held. Missing ranges close to each other (gap below the readahead
   * chunk) are fetched in one request; distant ones in parallel requests.
   */
  async ensureAll(
    ranges: ReadonlyArray<readonly [number, number]>,
    opts: EnsureOptions = {},
  ): Promise<void> {
    // Bytes another caller is already fetching: wait for them instead of fetching them twice.
    const pending = this.inflight.filter((f) => this.missing(ranges).some(([s, e]) => s < f.end && e > f.start));
    if (pending.length > 0) await Promise.all(pending.map((f) => f.promise.catch(() => undefined)));
    const readahead = opts.readahead ?? true;
    const planned = this.plan(ranges, readahead);
    const fetches = planned.map(([start, length]) => {
      const promise = this.fetchInto(start, length, opts.signal, opts.fetch);
      const entry = { start, end: start + length, promise };
      this.inflight.push(entry);
      return promise.finally(() => this.inflight.splice(this.inflight.indexOf(entry), 1));
    });
    if (readahead && planned.length > 0) this.chunk = Math.min(this.chunk * 2, MAX_CHUNK);
    await Promise.all(fetches);
    for (const [offset, length] of ranges) {
      if (!this.has(offset, length)) {
        throw new CogError("COG_FORMAT", `bytes ${offset}+${length} lie past the end of the file (size ${this.size})`, {
          url: this.options.url,
          offset,
          length,
        });
      }
    }
  }

  /**
   * The fetches, as `[offset, length]`, that {@link ensureAll} would make now for these ranges
   * (no I/O): what a dry run reports.
   */
  plan(ranges: ReadonlyArray<readonly [number, number]>, readahead = true): Array<[number, number]> {
    const missing = this.missing(ranges);
    // Never merge across bytes already held: clipping would then drop the ranges beyond them.
    const heldBetween = (from: number, to: number) => this.segments.some((seg) => seg.offset >= from && seg.offset < to);
    return groupRanges(missing, this.chunk, heldBetween)
      .map(([start, end]): [number, number] => [start, this.clip(start, readahead ? Math.max(end - start, this.chunk) : end - start)])
      .filter(([, length]) => length > 0);
  }

  /** Missing parts of the ranges, sorted and merged. */
  private missing(ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const [offset, length] of ranges) {
      if (length <= 0 || this.has(offset, length)) continue;
      const seg = this.find(offset);
      const start = seg ? seg.offset + seg.bytes.byteLength : offset;
      out.push([start, offset + length]);
    }
    out.sort((a, b) => a[0] - b[0]);
    return out;
  }

  /** Shortens a fetch so it stops at the end of the file and before already-held bytes. */
  private clip(start: number, length: number): number {
    let end = start + length;
    if (this.size !== undefined) end = Math.min(end, this.size);
    const next = this.segments.find((s) => s.offset > start);
    if (next !== undefined && next.offset < end) end = next.offset;
    return Math.max(end - start, 0);
  }

  private async fetchInto(offset: number, length: number, signal?: AbortSignal, fetch = this.fetchBytes): Promise<void> {
    if (length <= 0) return;
    throwIfAborted(signal, { url: this.options.url, offset, length });
    const bytes = await fetch(offset, length, signal);
    if (bytes.byteLength < length) this.size = offset + bytes.byteLength;
    if (bytes.byteLength > 0) this.insert({ offset, bytes: bytes.subarray(0, length) });
  }

  private find(offset: number): Segment | undefined {
    // Segments are few (header, a couple of array pages), so a linear scan is fine.
    for (const seg of this.segments) {
      if (offset >= seg.offset && offset < seg.offset + seg.bytes.byteLength) return seg;
    }
    return undefined;
  }

  /** Inserts a segment, merging it with any segment it touches or overlaps. */
  private insert(added: Segment): void {
    let start = added.offset;
    let end = added.offset + added.bytes.byteLength;
    const touching = this.segments.filter((s) => s.offset <= end && s.offset + s.bytes.byteLength >= start);
    if (touching.length === 0) {
      this.segments.push(added);
    } else {
      for (const s of touching) {
        start = Math.min(start, s.offset);
        end = Math.max(end, s.offset + s.bytes.byteLength);
      }
      const merged = new Uint8Array(end - start);
      for (const s of [...touching, added]) merged.set(s.bytes, s.offset - start);
      this.segments = this.segments.filter((s) => !touching.includes(s));
      this.segments.push({ offset: start, bytes: merged });
    }
    this.segments.sort((a, b) => a.offset - b.offset);
  }
}

/** Groups sorted `[start, end)` ranges whose gaps are below `maxGap` into spans. */
function groupRanges(sorted: Array<[number, number]>, maxGap: number, heldBetween: (from: number, to: number) => boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && start - last[1] <= maxGap && !heldBetween(last[1], start)) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}
