import type { ReadOptions, Source } from "./types.js";

/**
 * A {@link Source} whose transport loads on the first read: `openSource` returns one for
 * `s3://` URLs, so that the S3 source, its credential handling and its signing stay out of the
 * core bundle (README, "Bundle sizes"). Errors of creating it (a bad region or endpoint,
 * half-given keys) come from that first read, before any request is sent. A load that failed is
 * tried again on the next read.
 *
 * @example
 * ```ts
 * const source = new LazySource("mem://a", async () => new MemorySource(await loadBytes()));
 * const head = await source.read(0, 16384);
 * ```
 */
export class LazySource implements Source {
  readonly url: string;
  readonly #create: () => Promise<Source>;
  #pending: Promise<Source> | undefined;
  #inner: Source | undefined;

  constructor(url: string, create: () => Promise<Source>) {
    this.url = url;
    this.#create = create;
  }

  /** The inner source's size, once it has loaded and learnt it. */
  get size(): number | undefined {
    return this.#inner?.size;
  }

  async read(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    return (await this.#load()).read(offset, length, options);
  }

  async close(): Promise<void> {
    await this.#inner?.close?.();
  }

  #load(): Promise<Source> {
    this.#pending ??= this.#create().then(
      (inner) => (this.#inner = inner),
      (e: unknown) => {
        this.#pending = undefined;
        throw e;
      },
    );
    return this.#pending;
  }
}
