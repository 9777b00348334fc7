import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import {
  createServer, request, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

/**
 * S3 for tests: an s3rver instance (objects in a temp dir) behind a proxy that checks every
 * request's AWS Signature V4 with node:crypto (src signs with aws4fetch over WebCrypto, so the two
 * implementations only agree when both follow the spec). s3rver 3.7 does not verify V4 signatures
 * and knows only its own access key, so the proxy verifies, then forwards the request unsigned.
 * Both listen on 127.0.0.1 with OS-chosen ports.
 */
export interface S3ServerOptions {
  /** Objects by "bucket/key" (key unencoded), uploaded to s3rver before the proxy starts. */
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
  /** "ok" or the S3 error code answered, by the proxy or by s3rver. */
  verdict: string;
}

export interface S3Server {
  /** `http://127.0.0.1:<port>` of the signature-checking proxy, for the `endpoint` option. */
  endpoint: string;
  /** `http://127.0.0.1:<port>` of s3rver itself: no checks, takes unsigned PUTs. */
  backend: string;
  /** Requests the proxy received. */
  requests: S3Request[];
  /** Closes the proxy and s3rver and removes s3rver's temp dir. */
  close(): Promise<void>;
}

/** Longest time the proxy waits on s3rver for one request. */
const BACKEND_TIMEOUT_MS = 10_000;
/** Hop-by-hop headers, never forwarded. */
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"];

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

/** The `bucket/key` path with each key segment percent-encoded (as `S3Source` sends it). */
function objectPath(bucketKey: string): string {
  return `/${bucketKey.split("/").map((s) => encodeURIComponent(s)).join("/")}`;
}

/** One request to s3rver on a connection of its own (`agent: false`), so none stays open at close. */
function backendRequest(
  backend: URL, method: string, path: string, headers: OutgoingHttpHeaders, onResponse: (res: IncomingMessage) => void,
) {
  const req = request({ host: backend.hostname, port: backend.port, method, path, headers, agent: false }, onResponse);
  req.setTimeout(BACKEND_TIMEOUT_MS, () => req.destroy(new Error(`s3rver did not answer ${method} ${path} in time`)));
  return req;
}

/** Plain unsigned PUT of one object to s3rver. */
async function putObject(backend: URL, bucketKey: string, body: Uint8Array): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const path = objectPath(bucketKey);
    const req = backendRequest(backend, "PUT", path, { "content-length": body.byteLength, "content-type": "application/octet-stream" }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`s3rver PUT ${path} -> ${res.statusCode}`))));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

function fail(res: ServerResponse, entry: S3Request, f: S3Failure): void {
  entry.verdict = f.code;
  res.writeHead(f.status, { "content-type": "application/xml" }).end(errorXml(f.code, f.extra));
}

/** Forwards a verified request to s3rver and relays the answer: bodies of 200/206 stream, error XML is read for its code. */
function forward(req: IncomingMessage, res: ServerResponse, entry: S3Request, backend: URL): void {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    // The proxy has checked the credentials; s3rver would reject any access key but its own.
    if (HOP_BY_HOP.includes(name) || name === "authorization" || name === "x-amz-security-token") continue;
    headers[name] = value;
  }
  headers.host = backend.host;
  const upstream = backendRequest(backend, req.method!, req.url!, headers, (up) => {
    const status = up.statusCode ?? 502;
    const out: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(up.headers)) if (!HOP_BY_HOP.includes(name)) out[name] = value;
    if (status < 400) {
      res.writeHead(status, out);
      up.pipe(res);
      return;
    }
    const chunks: Buffer[] = [];
    up.on("data", (c: Buffer) => chunks.push(c));
    up.on("error", () => res.destroy());
    up.on("end", () => {
      const xml = Buffer.concat(chunks).toString("utf8");
      entry.verdict = /<Code>([^<]+)<\/Code>/.exec(xml)?.[1] ?? String(status);
      // s3rver's InvalidRange names the size only in its XML; RFC 9110 puts it in Content-Range, where S3Source reads it.
      const size = /<ActualObjectSize>(\d+)<\/ActualObjectSize>/.exec(xml)?.[1];
      if (status === 416 && size !== undefined) out["content-range"] = `bytes */${size}`;
      out["content-length"] = Buffer.byteLength(xml);
      res.writeHead(status, out).end(req.method === "HEAD" ? undefined : xml);
    });
  });
  upstream.on("error", () => {
    if (res.headersSent) res.destroy();
    else fail(res, entry, new S3Failure(502, "BadGateway"));
  });
  // A client that gives up (abort, closed socket) ends the request to s3rver too.
  res.on("close", () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

function handle(req: IncomingMessage, res: ServerResponse, opts: S3ServerOptions, requests: S3Request[], backend: URL): void {
  const rawPath = req.url ?? "/";
  const entry: S3Request = { method: req.method ?? "", path: rawPath, headers: req.headers, verdict: "ok" };
  requests.push(entry);
  try {
    const m = /^\/([^/?]+)\/([^?]+)/.exec(rawPath);
    if (!m) throw new S3Failure(400, "InvalidRequest");
    const bucket = decodeURIComponent(m[1]!);
    verify(req, rawPath, bucket, opts);
    // Read-only: objects are put straight into s3rver (S3Server.backend).
    if (req.method !== "GET" && req.method !== "HEAD") throw new S3Failure(405, "MethodNotAllowed");
    if (opts.requesterPaysBuckets?.includes(bucket) && req.headers["x-amz-request-payer"] !== "requester") {
      throw new S3Failure(403, "AccessDenied");
    }
  } catch (e) {
    fail(res, entry, e instanceof S3Failure ? e : new S3Failure(500, "InternalError"));
    return;
  }
  forward(req, res, entry, backend);
}

function listen(server: Server): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/**
 * Starts s3rver on 127.0.0.1 (a fresh temp dir, silent), uploads `opts.objects` through it, then
 * starts the signature-checking proxy on 127.0.0.1; both on OS-chosen ports.
 */
export async function startS3Server(opts: S3ServerOptions): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), "cogread-s3rver-"));
  const buckets = [...new Set([
    ...Object.keys(opts.objects).map((k) => k.slice(0, k.indexOf("/"))), ...(opts.publicBuckets ?? []), ...(opts.requesterPaysBuckets ?? []),
  ])];
  const s3rver = new S3rver({
    address: "127.0.0.1", port: 0, silent: true, directory, vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  let s3rverRunning = false;
  let proxy: Server | undefined;
  const cleanUp = async () => {
    if (proxy?.listening) await closeServer(proxy);
    if (s3rverRunning) await s3rver.close();
    s3rverRunning = false;
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    const { port } = await s3rver.run();
    s3rverRunning = true;
    const backend = new URL(`http://127.0.0.1:${port}`);
    for (const [bucketKey, body] of Object.entries(opts.objects)) await putObject(backend, bucketKey, body);
    const requests: S3Request[] = [];
    proxy = createServer((req, res) => handle(req, res, opts, requests, backend));
    const endpoint = await listen(proxy);
    return { endpoint, backend: backend.origin, requests, close: cleanUp };
  } catch (e) {
    await cleanUp();
    throw e;
  }
}
