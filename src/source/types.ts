/**
 * Options every read accepts.
 *
 * @example
 * ```ts
 * const ctl = new AbortController();
 * await source.read(0, 16384, { signal: ctl.signal });
 * ```
 */
export interface ReadOptions {
  /** Cancels the read; the source aborts the underlying request. */
  signal?: AbortSignal;
  /**
   * Told what the read cost, by sources that can tell (the HTTP and S3 sources; others never call
   * it): once per request the read sent, when it ends (answered or failed), retries included in
   * that one call; and once with `sent: false` for a read served without any request. A source
   * that calls it for a read calls it for every request of that read, so the caller can count
   * what went over the wire; a caller that gets no call must assume one request per read.
   */
  onRequest?: (report: RequestReport) => void;
}

/**
 * One request a source sent for a read, as told to {@link ReadOptions.onRequest}.
 *
 * @example
 * ```ts
 * const reports: RequestReport[] = [];
 * await source.read(0, 16384, { onRequest: (r) => reports.push(r) });
 * reports[0]; // { ranges: [[0, 16384]], status: 206, bytes: 16384, retried: [503], ms: 48 }
 * ```
 */
export interface RequestReport {
  /** `[offset, length]` of each range the request asked for: several for a multi-range request. */
  ranges: Array<[number, number]>;
  /** HTTP status of the answer used (206, 200, or a refusal such as 501); absent when none came. */
  status?: number;
  /** Body bytes received (a multipart body with its part headers); 0 when no body came. */
  bytes: number;
  /** Each failed try before the last one, as its HTTP status or error code: `[503, "ECONNRESET"]`. */
  retried: Array<number | string>;
  /** Milliseconds from the first try to the end of the answer. */
  ms?: number;
  /** The error code (`COG_HTTP`, `COG_TIMEOUT`, `COG_ABORT`…) when the request failed. */
  error?: string;
  /** `false` when nothing was sent: the bytes came from a whole body the source already held. */
  sent?: boolean;
}

/**
 * A random-access byte source. Implement this to read from anything.
 *
 * `read` returns exactly `length` bytes, or fewer only when the range runs past the end of the
 * source. A failure throws a {@link CogError} with code `COG_SOURCE`, `COG_HTTP` or `COG_ABORT`.
 *
 * @example
 * ```ts
 * const source: Source = {
 *   url: "memory://demo",
 *   size: bytes.byteLength,
 *   async read(offset, length) { return bytes.subarray(offset, offset + length); },
 * };
 * const cog = await COGReader.open(source);
 * ```
 */
export interface Source {
  /** URL or path, used in error messages and as a cache key. */
  readonly url: string;
  /** Total size in bytes, once known (after the first read for HTTP). */
  readonly size?: number;
  /** Reads `length` bytes at `offset`. */
  read(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array>;
  /** Releases file handles or connections. Optional. */
  close?(): Promise<void>;
}
