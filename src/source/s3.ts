import { FetchSource } from "./fetch.js";
import { s3ObjectPath } from "./bucket-url.js";
import { s3Request, type S3SourceOptions } from "./s3-request.js";
import type { ReadOptions, Source } from "./types.js";

export type { S3SourceOptions } from "./s3-request.js";

/**
 * Reads byte ranges of an S3 object (AWS, or MinIO and other S3-compatible stores through
 * `endpoint`). Requests are signed with AWS Signature V4 by `aws4fetch` when credentials are
 * known, unsigned otherwise. Same range rules as {@link FetchSource}: exact `Range` headers, never
 * `HEAD`, `size` learned from the first `Content-Range`. Failures are `COG_HTTP` with
 * `context.status`; their messages carry S3's error code (`AccessDenied`, `NoSuchKey`…) but never
 * keys, tokens or signatures.
 *
 * @example
 * ```ts
 * const source = new S3Source("s3://my-bucket/dem.tif", { region: "eu-west-1" });
 * const cog = await COGReader.open(source);
 * ```
 */
export class S3Source implements Source {
  /** The `s3://bucket/key` URL. */
  readonly url: string;
  /** The HTTPS (or endpoint) URL the requests go to; error messages show this one. */
  readonly requestUrl: string;
  /** The region requests are signed for. */
  readonly region: string;
  readonly #inner: FetchSource;

  /**
   * Throws `COG_USAGE` for a malformed URL, region or endpoint, or half-given credentials.
   *
   * @example
   * ```ts
   * const source = new S3Source("s3://bucket/a.tif", { endpoint: "http://127.0.0.1:9000" });
   * ```
   */
  constructor(url: string, options: S3SourceOptions = {}) {
    const request = s3Request(url, s3ObjectPath(url), options);
    this.url = url;
    this.requestUrl = request.requestUrl;
    this.region = request.region;
    this.#inner = new FetchSource(request.requestUrl, request.init);
  }

  /**
   * Size of the object in bytes, once a response has told it.
   *
   * @example
   * ```ts
   * await source.read(0, 8);
   * source.size; // e.g. 1048576
   * ```
   */
  get size(): number | undefined {
    return this.#inner.size;
  }

  /**
   * Reads `length` bytes at `offset`; fewer only when the range passes the end of the object.
   *
   * @example
   * ```ts
   * const bytes = await source.read(0, 16384, { signal: AbortSignal.timeout(10_000) });
   * ```
   */
  read(offset: number, length: number, options: ReadOptions = {}): Promise<Uint8Array> {
    return this.#inner.read(offset, length, options);
  }

  /**
   * Does nothing: `fetch` owns its connections.
   *
   * @example
   * ```ts
   * await source.close();
   * ```
   */
  async close(): Promise<void> {
    await this.#inner.close();
  }
}
