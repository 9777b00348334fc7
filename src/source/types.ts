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
