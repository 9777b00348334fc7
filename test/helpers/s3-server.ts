import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A tiny S3-compatible server for tests: path-style `GET /bucket/key` with single ranges, and an
 * independent AWS Signature V4 check written here with node:crypto (src signs with aws4fetch over
 * WebCrypto, so the two implementations only agree when both follow the spec).
 */
export interface S3ServerOptions {
  /** Objects by "bucket/key" (key unencoded). */
  objects: Record<string, Uint8Array>;
  /** Region the signatures must name. Default us-east-1. */
  region?: string;
  /** Known keys. */
  credentials?: Array<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
  /** Buckets readable without a signature. */
  publicBuckets?: string[];
  /** Buckets that demand `x-amz-request-payer: requester`. */
  requesterPaysBuckets?: string[];
}

export interface S3Request {
  method: string;
  /** Raw request path, still percent-encoded. */
  path: string;
  headers: IncomingHttpHeaders;
  /** "ok" or the S3 error code the server answered with. */
  verdict: string;
}

export interface S3Server {
  /** `http://127.0.0.1:<port>`, for the `endpoint` option. */
  endpoint: string;
  requests: S3Request[];
  close(): Promise<void>;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** SigV4 URI encoding: every byte but the unreserved ones as %XX, uppercase hex. */
function uriEncode(text: string): string {
  let out = "";
  for (const ch of text) {
    if (UNRESERVED.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, "utf8")) out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

const sha256hex = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const hmac = (key: Buffer | string, s: string) => createHmac("sha256", key).update(s, "utf8").digest();

class S3Failure extends Error {
  constructor(readonly status: number, readonly code: string, readonly extra: Record<string, string> = {}) {
    super(code);
  }
}

function errorXml(code: string, extra: Record<string, string>): string {
  const fields = Object.entries(extra).map(([k, v]) => `<${k}>${v}</${k}>`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code}</Message>${fields}<RequestId>TEST</RequestId></Error>`;
}

/** Throws an S3Failure unless the request carries a valid SigV4 Authorization header (or may go unsigned). */
function verify(req: IncomingMessage, rawPath: string, bucket: string, opts: S3ServerOptions): void {
  const h = req.headers;
  const auth = h.authorization;
  if (auth === undefined) {
    if (opts.publicBuckets?.includes(bucket)) return;
    throw new S3Failure(403, "AccessDenied");
  }
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) throw new S3Failure(400, "AuthorizationHeaderMalformed");
  const [, akid, date, region, service, signedHeaders, signature] = m as unknown as string[];
  const cred = opts.credentials?.find((c) => c.accessKeyId === akid);
  if (!cred) throw new S3Failure(403, "InvalidAccessKeyId");
  if (region !== (opts.region ?? "us-east-1") || service !== "s3") throw new S3Failure(400, "AuthorizationHeaderMalformed");
  const amzDate = String(h["x-amz-date"] ?? "");
  const when = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!when || amzDate.slice(0, 8) !== date) throw new S3Failure(403, "AccessDenied");
  const t = Date.UTC(+when[1]!, +when[2]! - 1, +when[3]!, +when[4]!, +when[5]!, +when[6]!);
  if (Math.abs(t - Date.now()) > 15 * 60_000) throw new S3Failure(403, "RequestTimeTooSkewed");
  const payloadHash = h["x-amz-content-sha256"];
  if (typeof payloadHash !== "string") throw new S3Failure(400, "InvalidRequest");
  const signed = signedHeaders!.split(";");
  const mustSign = ["host", ...Object.keys(h).filter((k) => k.startsWith("x-amz-"))];
  if (mustSign.some((k) => !signed.includes(k))) throw new S3Failure(403, "AccessDenied");
  if ((h["x-amz-security-token"] ?? undefined) !== cred.sessionToken) throw new S3Failure(403, "InvalidToken");

  const [pathPart, query = ""] = rawPath.split("?", 2) as [string, string?];
  const canonicalUri = pathPart.split("/").map((s) => uriEncode(decodeURIComponent(s))).join("/");
  const canonicalQuery = query
    .split("&")
    .filter((p) => p !== "")
    .map((p) => p.split("=", 2).map((x) => uriEncode(decodeURIComponent(x ?? ""))).join("="))
    .sort()
    .join("&");
  const canonicalHeaders = signed
    .map((k) => `${k}:${String(h[k] ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const canonical = [req.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256hex(canonical)].join("\n");
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${cred.secretAccessKey}`, date!), region!), "s3"), "aws4_request");
  const expected = Buffer.from(hmac(kSigning, stringToSign).toString("hex"));
  const got = Buffer.from(signature!);
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) {
    // Real S3 echoes all of these, the provided signature included: the client must not pass them on.
    throw new S3Failure(403, "SignatureDoesNotMatch", {
      AWSAccessKeyId: akid!, StringToSign: stringToSign, SignatureProvided: signature!, CanonicalRequest: canonical,
    });
  }
}

function handle(req: IncomingMessage, res: ServerResponse, opts: S3ServerOptions, requests: S3Request[]): void {
  const rawPath = req.url ?? "/";
  const entry: S3Request = { method: req.method ?? "", path: rawPath, headers: req.headers, verdict: "ok" };
  requests.push(entry);
  try {
    const m = /^\/([^/?]+)\/([^?]+)/.exec(rawPath);
    if (!m) throw new S3Failure(400, "InvalidRequest");
    const bucket = decodeURIComponent(m[1]!);
    const key = decodeURIComponent(m[2]!);
    verify(req, rawPath, bucket, opts);
    if (req.method !== "GET") throw new S3Failure(405, "MethodNotAllowed");
    if (opts.requesterPaysBuckets?.includes(bucket) && req.headers["x-amz-request-payer"] !== "requester") {
      throw new S3Failure(403, "AccessDenied");
    }
    const body = opts.objects[`${bucket}/${key}`];
    if (body === undefined) throw new S3Failure(404, "NoSuchKey");
    const r = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
    if (!r) {
      res.writeHead(200, { "content-length": body.byteLength }).end(body);
      return;
    }
    const start = Number(r[1]);
    if (start >= body.byteLength) {
      entry.verdict = "InvalidRange";
      res.writeHead(416, { "content-range": `bytes */${body.byteLength}`, "content-type": "application/xml" });
      res.end(errorXml("InvalidRange", {}));
      return;
    }
    const end = Math.min(Number(r[2]), body.byteLength - 1);
    res.writeHead(206, { "content-range": `bytes ${start}-${end}/${body.byteLength}`, "content-length": end - start + 1 });
    res.end(body.subarray(start, end + 1));
  } catch (e) {
    const f = e instanceof S3Failure ? e : new S3Failure(500, "InternalError");
    entry.verdict = f.code;
    res.writeHead(f.status, { "content-type": "application/xml" }).end(errorXml(f.code, f.extra));
  }
}

/** Starts the server on 127.0.0.1 with an OS-chosen port. */
export async function startS3Server(opts: S3ServerOptions): Promise<S3Server> {
  const requests: S3Request[] = [];
  const server: Server = createServer((req, res) => handle(req, res, opts, requests));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
