import type { ReadOptions, RequestReport, Source } from "../source/types.js";
import { debugLog, formatDebugLine, type DebugLine } from "./debug-log.js";

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
  /**
   * Number of requests sent. Sources that report what they send (HTTP, S3: see
   * {@link ReadOptions.onRequest}) are counted by what went over the wire: a multi-range request
   * is one, each request it falls back to is another, a read served from a whole body already
   * held is none, and a request's retries are part of it. Other sources count one per read.
   */
  count: number;
  /** Bytes received (for reporting sources, body bytes as they came over the wire). */
  bytes: number;
  /** The ranges of each request, as `[offset, length]`, in the order the reads were made. */
  ranges: Array<[number, number]>;
  /** Bytes read while opening the file (header, IFDs, eager tag values). */
  headerSize: number;
}

/**
 * Options of {@link CountingSource.read}.
 *
 * @example
 * ```ts
 * await counted.read(4096, 90_000, { merged: 3 }); // debug line: "… merged=3"
 * ```
 */
export interface CountedReadOptions extends ReadOptions {
  /** Blocks this one range carries (several merged into one request): `merged=N` in the debug line when above 1. */
  merged?: number;
}

/**
 * Options of {@link CountingSource.readMany}.
 *
 * @example
 * ```ts
 * await counted.readMany([[0, 300], [90_000, 100]], { multiRange: true, merged: [3, 1] });
 * ```
 */
export interface ReadManyOptions extends ReadOptions {
  /** Read all ranges in ONE multi-range request where the source has `readRanges`. */
  multiRange?: boolean;
  /** Blocks each range carries, by index (default 1 each): a request's `merged=N` sums those it carries. */
  merged?: readonly number[];
}

/**
 * Wraps a source and counts every request that reaches it. With `debug`, writes one line per
 * request (or per read, for sources that do not report their requests) on stderr, as
 * {@link formatDebugLine} shows.
 *
 * @example
 * ```ts
 * const counted = new CountingSource(source, { debug: true });
 * await counted.read(0, 100);
 * counted.stats.count; // 1
 * // stderr: cogread: https://example.com/a.tif bytes=0-99 status=206 100 B 23 ms
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

  /**
   * Reads `length` bytes at `offset` from the inner source and counts the request(s).
   *
   * @example
   * ```ts
   * const bytes = await counted.read(1024, 512, { signal, merged: 2 });
   * ```
   */
  async read(offset: number, length: number, options: CountedReadOptions = {}): Promise<Uint8Array> {
    const call = new CountedCall(this.stats, [[offset, length]], options.merged === undefined ? undefined : [options.merged], this.#log);
    try {
      const bytes = await this.inner.read(offset, length, { signal: options.signal, onRequest: call.listener(options.onRequest) });
      call.end([bytes]);
      return bytes;
    } catch (e) {
      call.fail(e);
      throw e;
    }
  }

  /**
   * Reads several ranges: in ONE request when `multiRange` is asked for and the source can
   * (multipart/byteranges), else in parallel requests. Counts what actually reaches the source:
   * a source whose `readRanges` falls back to one request per range reports each of them.
   *
   * @example
   * ```ts
   * const [a, b] = await counted.readMany([[0, 100], [5000, 100]], { multiRange: true });
   * ```
   */
  async readMany(ranges: Array<[number, number]>, opts: ReadManyOptions = {}): Promise<Uint8Array[]> {
    const multi = (this.inner as { readRanges?: (r: Array<[number, number]>, o?: ReadOptions) => Promise<Uint8Array[]> }).readRanges;
    if (!opts.multiRange || multi === undefined || ranges.length < 2) {
      return Promise.all(ranges.map(([o, n], i) => this.read(o, n, { signal: opts.signal, merged: opts.merged?.[i], onRequest: opts.onRequest })));
    }
    const call = new CountedCall(this.stats, ranges, opts.merged, this.#log);
    try {
      const bodies = await multi.call(this.inner, ranges, { signal: opts.signal, onRequest: call.listener(opts.onRequest) });
      call.end(bodies);
      return bodies;
    } catch (e) {
      call.fail(e);
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  /** Writes a debug line for this source, when `debug` is on. */
  readonly #log = (line: Omit<DebugLine, "url">): void => {
    if (this.opts.debug) debugLog(formatDebugLine({ url: this.url, ...line }));
  };
}

/**
 * One read's share of the stats. It is counted as one request up front (in the order reads are
 * made); once the source reports what it really sent, that provisional entry is replaced by the
 * reported requests, and the read's later requests are kept next to them.
 */
class CountedCall {
  readonly #started = Date.now();
  /** This read's entries in `stats.ranges`, in order. */
  #entries: Array<[number, number]>;
  #reported = false;

  constructor(
    private readonly stats: RequestStats,
    private readonly asked: ReadonlyArray<readonly [number, number]>,
    private readonly merged: readonly number[] | undefined,
    private readonly log: (line: Omit<DebugLine, "url">) => void,
  ) {
    this.#entries = asked.map(([o, n]): [number, number] => [o, n]);
    stats.count++;
    stats.ranges.push(...this.#entries);
  }

  /** The `onRequest` to give the inner source: records the report, then tells `next`. */
  listener(next: ReadOptions["onRequest"]): (report: RequestReport) => void {
    return (report) => {
      this.#report(report);
      next?.(report);
    };
  }

  /** The read succeeded; without reports it was one request for all it asked. */
  end(bodies: Uint8Array[]): void {
    if (this.#reported) return;
    const bytes = bodies.reduce((n, b) => n + b.byteLength, 0);
    this.stats.bytes += bytes;
    this.log({ ranges: this.asked, bytes, ms: Date.now() - this.#started, merged: this.#mergedIn(this.asked) });
  }

  /** The read failed; without reports the error is logged for the read as a whole. */
  fail(error: unknown): void {
    if (this.#reported) return;
    const code = (error as { code?: unknown } | null)?.code;
    const err = typeof code === "string" ? code : "error";
    this.log({ ranges: this.asked, bytes: 0, error: err, ms: Date.now() - this.#started, merged: this.#mergedIn(this.asked) });
  }

  #report(r: RequestReport): void {
    const { stats } = this;
    const fresh = r.sent === false ? [] : r.ranges.map(([o, n]): [number, number] => [o, n]);
    if (!this.#reported) { // replace the provisional entry
      this.#reported = true;
      stats.count--;
      const at = stats.ranges.lastIndexOf(this.#entries[0]!);
      if (at >= 0) stats.ranges.splice(at, this.#entries.length, ...fresh);
      else stats.ranges.push(...fresh);
      this.#entries = fresh;
    } else if (fresh.length > 0) {
      const last = this.#entries[this.#entries.length - 1];
      const at = last === undefined ? -1 : stats.ranges.lastIndexOf(last);
      stats.ranges.splice(at < 0 ? stats.ranges.length : at + 1, 0, ...fresh);
      this.#entries.push(...fresh);
    }
    if (r.sent !== false) stats.count++;
    stats.bytes += r.bytes;
    this.log({
      ranges: r.ranges, status: r.status, error: r.error, note: r.sent === false ? "memory" : undefined, bytes: r.bytes,
      ms: r.sent === false ? undefined : (r.ms ?? Date.now() - this.#started), merged: this.#mergedIn(r.ranges), retried: r.retried,
    });
  }

  /** Blocks carried by a request for `ranges`: the `merged` counts of the asked ranges that start inside it. */
  #mergedIn(ranges: ReadonlyArray<readonly [number, number]>): number {
    let n = 0;
    this.asked.forEach(([offset], i) => {
      if (ranges.some(([o, len]) => offset >= o && offset < o + Math.max(len, 1))) n += this.merged?.[i] ?? 1;
    });
    return n;
  }
}
