import { loadPart } from "../errors.js";
import type { S3Credentials } from "./s3-credentials.js";

// What S3Source sends each request through: AWS Signature V4 and S3's error codes. Imported by
// S3Source on its first request, so that the core bundle carries only the URL and option checks
// (README, "Bundle sizes").

/**
 * What {@link s3Fetch} signs with.
 *
 * @example
 * ```ts
 * const settings: S3FetchSettings = { region: "eu-west-1", getCredentials: async () => undefined, signingKeys: new Map() };
 * ```
 */
export interface S3FetchSettings {
  /** `fetch` to use instead of `globalThis.fetch` (looked up at each request). */
  fetch?: typeof fetch;
  /** The region requests are signed for. */
  region: string;
  /** Credentials for this request; `undefined` sends it unsigned. */
  getCredentials(): Promise<S3Credentials | undefined>;
  /** aws4fetch's cache of derived signing keys, kept per source. */
  signingKeys: Map<string, ArrayBuffer>;
}

/**
 * A `fetch` that signs each request (when there are credentials) and replaces an S3 error answer
 * by one whose status text names S3's error code.
 *
 * @example
 * ```ts
 * const source = new FetchSource(objectUrl, { fetch: s3Fetch(settings) as typeof fetch });
 * ```
 */
export function s3Fetch(settings: S3FetchSettings): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  const { region, getCredentials, signingKeys } = settings;
  return async (input, init = {}) => {
    const fetchImpl = settings.fetch ?? globalThis.fetch;
    const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const creds = await getCredentials();
    let headers = new Headers(init.headers);
    if (creds) {
      // Left unsigned: with a Range header, fetch appends its own `identity` (Fetch spec, HTTP-network-
      // or-cache fetch), so the value on the wire is "identity, identity" and a signed one would mismatch.
      const acceptEncoding = headers.get("accept-encoding");
      headers.delete("accept-encoding");
      const { accessKeyId, secretAccessKey, sessionToken } = creds;
      // Loaded on the first signed request only: public buckets never pay for it.
      const { AwsV4Signer } = await loadPart(import("aws4fetch"), "the S3 request signer (aws4fetch)");
      const signer = new AwsV4Signer({
        method: init.method ?? "GET", url: target, headers, accessKeyId, secretAccessKey, sessionToken,
        service: "s3", region, cache: signingKeys,
      });
      headers = (await signer.sign()).headers;
      if (acceptEncoding !== null) headers.set("accept-encoding", acceptEncoding);
    }
    const res = await fetchImpl(target, { ...init, headers });
    return res.status === 200 || res.status === 206 ? res : withS3ErrorCode(res, creds === undefined);
  };
}

/**
 * Replaces an S3 error response by an empty one whose status text names S3's `<Code>` (and the
 * bucket's region on a wrong-region redirect). Only the code is kept: S3's error body for a bad
 * signature also echoes the signature and the string to sign. At most 8 KiB of body are read.
 */
async function withS3ErrorCode(res: Response, unsigned: boolean): Promise<Response> {
  let text = "";
  if (res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (let i = 0; i < 32 && text.length < 8192; i++) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      // The code is a nicety; the status alone still makes the error.
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
  const code = /<Code>([A-Za-z0-9.]{1,64})<\/Code>/.exec(text)?.[1];
  const bucketRegion = res.headers.get("x-amz-bucket-region");
  const notes = [
    code && `S3 ${code}`,
    bucketRegion && /^[a-z0-9-]{1,64}$/.test(bucketRegion) && `bucket is in ${bucketRegion}`,
    unsigned && (res.status === 401 || res.status === 403) && "request was unsigned: no credentials",
  ].filter(Boolean);
  const note = notes.join("; ");
  // With no reason phrase (HTTP/2) the note stands alone; the error message still shows the status.
  const statusText = note === "" ? res.statusText : res.statusText ? `${res.statusText} (${note})` : note;
  // Keep Content-Range (416 sizes), Retry-After and the like; drop what described the dropped body.
  const headers = new Headers(res.headers);
  for (const h of ["content-length", "content-type", "content-encoding", "transfer-encoding"]) headers.delete(h);
  return new Response(null, { status: res.status, statusText, headers });
}
