import { CogError } from "../errors.js";
import { credentialGetter, processEnv, type S3CredentialProvider, type S3Credentials } from "./s3-credentials.js";
import type { FetchSourceOptions } from "./fetch.js";
import type { S3FetchSettings } from "./s3-fetch.js";

// Where an S3 object's requests go and how they are signed, without the source that sends them:
// `openSource` loads this module with the first read of an s3:// URL and sends through the core's
// FetchSource. It takes the URL already parsed: importing FetchSource or the URL parser here would
// split them into chunks of their own that the core bundle loads (README, "Bundle sizes").

/**
 * Options of `S3Source` (`cogread/s3`) and of `s3://` URLs (`COGReader.open(url, { s3 })`). Each
 * falls back to the environment variable the AWS CLI uses.
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
 * How to request an S3 object: its HTTPS (or endpoint) URL, the region requests are signed for,
 * and the {@link FetchSource} options that sign them.
 *
 * @example
 * ```ts
 * const url = "s3://bucket/a.tif";
 * const { requestUrl, init } = s3Request(url, s3ObjectPath(url), { region: "eu-west-1" });
 * const source = new FetchSource(requestUrl, init);
 * ```
 */
export interface S3Request {
  requestUrl: string;
  region: string;
  init: Pick<FetchSourceOptions, "headers" | "fetch">;
}

/**
 * Resolves an `s3://` URL, parsed by `s3ObjectPath`, and {@link S3SourceOptions} (with their
 * environment fallbacks) into an {@link S3Request}. Throws `COG_USAGE` for a malformed region or
 * endpoint, or half-given credentials.
 *
 * @example
 * ```ts
 * const url = "s3://bucket/a.tif";
 * s3Request(url, s3ObjectPath(url), { endpoint: "http://127.0.0.1:9000" }).requestUrl; // "http://127.0.0.1:9000/bucket/a.tif"
 * ```
 */
export function s3Request(url: string, object: { bucket: string; path: string }, options: S3SourceOptions = {}): S3Request {
  const env = processEnv();
  const { bucket, path } = object;
  const region = options.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
  if (!/^[a-z0-9-]{1,64}$/i.test(region)) {
    throw new CogError("COG_USAGE", `invalid S3 region "${region}"`, { url });
  }
  const endpoint = options.endpoint ?? (env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined);
  const pathStyle = options.forcePathStyle ?? endpoint !== undefined;
  const requestUrl = objectUrl({ url, bucket, path, region, endpoint, pathStyle });
  const requesterPays = options.requesterPays ?? /^requester$/i.test(env.COGREAD_AWS_REQUEST_PAYER ?? "");
  const signer: S3FetchSettings = {
    fetch: options.fetch, region, getCredentials: credentialGetter(options.credentials, env, url), signingKeys: new Map(),
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
  const headers: Record<string, string> = requesterPays ? { "x-amz-request-payer": "requester" } : {};
  return { requestUrl, region, init: { headers, fetch: signingFetch as typeof fetch } };
}

interface ObjectUrlParts {
  url: string; bucket: string; path: string; region: string; endpoint: string | undefined; pathStyle: boolean;
}

function objectUrl({ url, bucket, path, region, endpoint, pathStyle }: ObjectUrlParts): string {
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
