import { CogError } from "../errors.js";

// Bucket URLs (s3://, gs://), parsed in the core: `openSource` checks them when called, and the
// S3 request code (source/s3-request.ts) that loads with the first s3:// read takes them parsed.

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

/**
 * An `s3://bucket/key` URL as S3 requests name the object: the bucket, and the key
 * percent-encoded segment by segment. Throws `COG_USAGE` as {@link parseS3Url} does.
 *
 * @example
 * ```ts
 * s3ObjectPath("s3://my-bucket/cogs/a b.tif"); // { bucket: "my-bucket", path: "cogs/a%20b.tif" }
 * ```
 */
export function s3ObjectPath(url: string): { bucket: string; path: string } {
  const { bucket, key } = parseS3Url(url);
  return { bucket, path: encodeKey(key) };
}
