import { CogError, loadPart } from "../errors.js";
import { fileSource, httpSource } from "../platform/node.js";
import { MemorySource } from "./memory.js";
import { gcsHttpsUrl, s3ObjectPath } from "./bucket-url.js";
import { LazySource } from "./lazy.js";
import type { S3SourceOptions } from "./s3-request.js";
import { FetchSource } from "./fetch.js";
import type { HttpTransportOptions } from "./http-retry.js";
import type { Source } from "./types.js";

/**
 * What {@link openSource} accepts: a path, a `file://`, `http://` or `https://` URL, bytes, or
 * any object that implements {@link Source}.
 *
 * @example
 * ```ts
 * const input: SourceInput = "https://example.com/a.tif";
 * ```
 */
export type SourceInput = string | URL | Uint8Array | ArrayBuffer | Source;

/**
 * The HTTP transport settings a caller may pass through {@link openSource} and `COGReader.open`
 * (headers, ETag and change hooks have options of their own).
 *
 * @example
 * ```ts
 * const http: HttpSettings = { retries: 4, timeoutMs: 10_000, maxWholeBodyBytes: 256 * 2 ** 20 };
 * ```
 */
export type HttpSettings = Omit<HttpTransportOptions, "headers" | "expectedEtag" | "onChange">;

/**
 * Options of {@link openSource}.
 *
 * @example
 * ```ts
 * openSource("https://example.com/a.tif", { headers: { authorization: "Bearer …" } });
 * ```
 */
export interface SourceOptions {
  /** Extra HTTP headers for http(s) URLs. */
  headers?: Record<string, string>;
  /** HTTP(S) and gs:// transport settings: retries, timeouts, concurrency, `maxWholeBodyBytes`, multi-range use. */
  http?: HttpSettings;
  /** Region, endpoint, credentials… for s3:// URLs. */
  s3?: S3SourceOptions;
  /** HTTP(S): the ETag the file is expected to have (from a cached header or a snapshot). */
  expectedEtag?: string;
  /** HTTP(S): called when the file turns out to have changed, before `COG_SOURCE_CHANGED`. */
  onChange?: () => void;
}

/**
 * Picks a {@link Source} for the input by its scheme: `http(s)://` reads with undici in Node and
 * `fetch` elsewhere (always `fetch` in the browser and worker builds); `file://` and plain paths
 * read a local file (Node build only: elsewhere `COG_UNSUPPORTED`); bytes read from memory; a
 * `Source` object is used as it is.
 *
 * @example
 * ```ts
 * const source = openSource("./examples/data/sample_cog.tif");
 * const first = await source.read(0, 16);
 * ```
 */
export function openSource(input: SourceInput, options: SourceOptions = {}): Source {
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) return new MemorySource(input);
  if (typeof input === "object" && !(input instanceof URL)) {
    if (typeof (input as Source).read !== "function") {
      throw new CogError("COG_USAGE", "source object has no read(offset, length) method");
    }
    return input;
  }
  const http = { ...options.http, headers: options.headers, expectedEtag: options.expectedEtag, onChange: options.onChange };
  // For s3:// keep the string as given: URL.href would percent-encode the key.
  const text = input instanceof URL ? input.href : input;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === "http" || scheme === "https") {
    return httpSource(text, http);
  }
  if (scheme === "s3") {
    const object = s3ObjectPath(text); // a bad URL throws here; the S3 request code loads with the first read
    return new LazySource(text, async () => {
      const { requestUrl, init } = (await loadPart(import("./s3-request.js"))).s3Request(text, object, options.s3);
      return new FetchSource(requestUrl, init);
    });
  }
  if (scheme === "gs") {
    const https = gcsHttpsUrl(text);
    const gs = { ...options.http, headers: options.headers };
    return httpSource(https, gs);
  }
  if (scheme === "file") return fileSource(decodeURIComponent(new URL(text).pathname), text);
  if (scheme !== undefined) {
    throw new CogError("COG_USAGE", `unsupported URL scheme "${scheme}://" (use a path, file://, http://, https://, s3:// or gs://)`, {
      url: text,
    });
  }
  return fileSource(text);
}
