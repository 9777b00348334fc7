import { CogError } from "../errors.js";
import { FetchSource } from "./fetch.js";
import { credentialGetter, processEnv, type S3CredentialProvider, type S3Credentials } from "./s3-credentials.js";
import type { S3FetchSettings } from "./s3-fetch.js";
import type { ReadOptions, Source } from "./types.js";

/**
 * Options of {@link S3Source}. Each falls back to the environment variable the AWS CLI uses.
 *
 * @example
 * ```ts
 * const options: S3SourceOptions = { endpoint: "http://127.0.0.1:9000", region: "us-east-1",
 *   credentials: { accessKeyId: "minioadmin", secretAccessKey: "minioadmin" } };
 * ```
 */
export interface S3SourceOptions {
  /** Region to sign for; else `AWS_REGION`, `AWS_DEFAULT_REGION`, else `us-east-1`. */
  region?: string;
  /** S3-compatible endpoint such as `http://127.0.0.1:9000`; else `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, else AWS. */
  endpoint?: string;
  /** `https://host/bucket/key` instead of `https://bucket.host/key`; default true with a custom endpoint. */
  forcePathStyle?: boolean;
  /** Sends `x-amz-request-payer: requester`; else true when `COGREAD_AWS_REQUEST_PAYER=requester`. */
  requesterPays?: boolean;
  /**
   * Keys, or a provider called lazily and cached until its `expiration`; `false` sends unsigned
   * requests. Default: `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, and
   * unsigned requests (public buckets) when they are unset or `AWS_NO_SIGN_REQUEST=YES`.
   */
  credentials?: S3Credentials | S3CredentialProvider | false;
  /** `fetch` implementation to use instead of `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/**
 * Splits `s3://bucket/key` into bucket and key. The key is taken literally, as the AWS CLI and
 * GDAL's `/vsis3/` do (`%20` stays three characters). Throws `COG_USAGE` for anything else.
 *
 * @example
 * ```ts
 * parseS3Url("s3://my-bucket/cogs/dem.tif"); // { bucket: "my-bucket", key: "cogs/dem.tif" }
 * ```
 */
export function parseS3Url(url: string): { bucket: string; key: string } {
  return parseBucketUrl(url, "s3");
}

/**
 * The public HTTPS form of `gs://bucket/key`: `https://storage.googleapis.com/bucket/key`, the key
 * percent-encoded. Read it with {@link FetchSource} or `HttpSource` (public objects only).
 *
 * @example
 * ```ts
 * gcsHttpsUrl("gs://gcp-public-data-landsat/LC08/a b.TIF");
 * // "https://storage.googleapis.com/gcp-public-data-landsat/LC08/a%20b.TIF"
 * ```
 */
export function gcsHttpsUrl(url: string): string {
  const { bucket, key } = parseBucketUrl(url, "gs");
  return `https://storage.googleapis.com/${bucket}/${encodeKey(key)}`;
}

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
    const env = processEnv();
    const { bucket, key } = parseS3Url(url);
    this.url = url;
    this.region = options.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
    if (!/^[a-z0-9-]{1,64}$/i.test(this.region)) {
      throw new CogError("COG_USAGE", `invalid S3 region "${this.region}"`, { url });
    }
    const endpoint = options.endpoint ?? (env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined);
    const pathStyle = options.forcePathStyle ?? endpoint !== undefined;
    this.requestUrl = objectUrl({ url, bucket, key, region: this.region, endpoint, pathStyle });
    const requesterPays = options.requesterPays ?? /^requester$/i.test(env.COGREAD_AWS_REQUEST_PAYER ?? "");
    const signer: S3FetchSettings = {
      fetch: options.fetch, region: this.region, getCredentials: credentialGetter(options.credentials, env, url), signingKeys: new Map(),
    };
    // Signing and S3's error codes load on the first request (README, "Bundle sizes"); a chunk
    // that failed to load is asked for again on the next request.
    let loaded: Promise<typeof fetch> | undefined;
    const signingFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      loaded ??= import("./s3-fetch.js").then((m) => m.s3Fetch(signer), (e: unknown) => {
        loaded = undefined;
        throw e;
      });
      return (await loaded)(input, init);
    };
    this.#inner = new FetchSource(this.requestUrl, {
      headers: requesterPays ? { "x-amz-request-payer": "requester" } : {},
      fetch: signingFetch as typeof fetch,
    });
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

function parseBucketUrl(url: string, scheme: "s3" | "gs"): { bucket: string; key: string } {
  const prefix = `${scheme}://`;
  const usage = (why: string) =>
    new CogError("COG_USAGE", `invalid ${prefix} URL "${url}": ${why} (expected ${prefix}bucket/key)`, { url });
  if (typeof url !== "string" || url.slice(0, prefix.length).toLowerCase() !== prefix) throw usage(`not a ${prefix} URL`);
  const rest = url.slice(prefix.length);
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? "" : rest.slice(slash + 1);
  if (bucket === "") throw usage("no bucket");
  // S3 and GCS names: letters, digits, dots, hyphens, underscores (legacy and S3-compatible stores).
  if (!/^[A-Za-z0-9._-]{1,255}$/.test(bucket) || /^\.+$/.test(bucket)) throw usage(`bad bucket name "${bucket}"`);
  if (key === "" || key.endsWith("/")) throw usage("no object key");
  // WHATWG URLs resolve "." and ".." segments away, so such a key would silently read another object.
  if (key.split("/").some((s) => s === "." || s === "..")) throw usage('key has "." or ".." segments');
  return { bucket, key };
}

/** Percent-encodes each key segment as S3's canonical URI does (RFC 3986 unreserved kept, "/" kept). */
function encodeKey(key: string): string {
  return key
    .split("/")
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");
}

interface ObjectUrlParts {
  url: string; bucket: string; key: string; region: string; endpoint: string | undefined; pathStyle: boolean;
}

function objectUrl({ url, bucket, key, region, endpoint, pathStyle }: ObjectUrlParts): string {
  const path = encodeKey(key);
  if (endpoint === undefined) {
    const host = `s3.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
    // Dotted or non-DNS names break the *.s3 TLS wildcard, so AWS SDKs fall back to path style too.
    const dnsName = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket);
    return pathStyle || !dnsName ? `https://${host}/${bucket}/${path}` : `https://${bucket}.${host}/${path}`;
  }
  const base = new URL(URL.canParse(endpoint) ? endpoint : "invalid:");
  if ((base.protocol !== "http:" && base.protocol !== "https:") || base.search || base.hash || base.username) {
    throw new CogError("COG_USAGE", `invalid S3 endpoint "${endpoint}" (expected http(s)://host[:port][/path])`, { url });
  }
  const prefix = base.pathname.replace(/\/+$/, "");
  return pathStyle ? `${base.origin}${prefix}/${bucket}/${path}` : `${base.protocol}//${bucket}.${base.host}${prefix}/${path}`;
}
