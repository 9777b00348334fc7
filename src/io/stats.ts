import type { ReadOptions, Source } from "../source/types.js";

/**
 * What reads from a source have cost so far.
 *
 * @example
 * ```ts
 * const cog = await COGReader.open("sample.tif");
 * console.log(cog.requests.count, cog.requests.bytes, cog.requests.ranges);
 * ```
 */
export interface RequestStats {
  /** Number of read requests sent to the source. */
  count: number;
  /** Bytes received. */
  bytes: number;
  /** Each request as `[offset, length]`, in the order they were sent. */
  ranges: Array<[number, number]>;
  /** Bytes read while opening the file (header, IFDs, eager tag values). */
  headerSize: number;
}

/**
 * Wraps a source and counts every read that reaches it.
 *
 * @example
 * ```ts
 * const counted = new CountingSource(source);
 * await counted.read(0, 100);
 * counted.stats.count; // 1
 * ```
 */
export class CountingSource implements Source {
  readonly stats: RequestStats = { count: 0, bytes: 0, ranges: [], headerSize: 0 };

  constructor(
    readonly inner: Source,
    private readonly opts: { debug?: boolean } = {},
  ) {}

  get url(): string {
    return this.inner.url;
  }

  get size(): number | undefined {
    return this.inner.size;
  }

  async read(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    this.stats.count++;
    this.stats.ranges.push([offset, length]);
    const started = Date.now();
    try {
      const bytes = await this.inner.read(offset, length, options);
      this.stats.bytes += bytes.byteLength;
      if (this.opts.debug) log(`${this.url} bytes=${offset}-${offset + length - 1} -> ${bytes.byteLength} B in ${Date.now() - started} ms`);
      return bytes;
    } catch (e) {
      if (this.opts.debug) log(`${this.url} bytes=${offset}-${offset + length - 1} -> ${(e as { code?: string }).code ?? "error"} after ${Date.now() - started} ms`);
      throw e;
    }
  }

  /**
   * Reads several ranges: in ONE request when `multiRange` is asked for and the source can
   * (multipart/byteranges), else in parallel requests. Counts what actually reaches the source.
   */
  async readMany(ranges: Array<[number, number]>, opts: ReadOptions & { multiRange?: boolean } = {}): Promise<Uint8Array[]> {
    const multi = (this.inner as { readRanges?: (r: Array<[number, number]>, o?: ReadOptions) => Promise<Uint8Array[]> }).readRanges;
    if (!opts.multiRange || multi === undefined || ranges.length < 2) {
      return Promise.all(ranges.map(([o, n]) => this.read(o, n, { signal: opts.signal })));
    }
    this.stats.count++;
    this.stats.ranges.push(...ranges.map(([o, n]) => [o, n] as [number, number]));
    const bodies = await multi.call(this.inner, ranges, { signal: opts.signal });
    for (const b of bodies) this.stats.bytes += b.byteLength;
    return bodies;
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }
}

/** One debug line on stderr (COGREAD_LOG_LEVEL=DEBUG). */
function log(line: string): void {
  const proc = (globalThis as { process?: { stderr?: { write(s: string): void } } }).process;
  if (proc?.stderr) proc.stderr.write(`cogread: ${line}\n`);
  else console.debug(`cogread: ${line}`);
}
