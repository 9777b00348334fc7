import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { COGReader, openSource } from "../src/index.js";
import { isCogError, type CogError } from "../src/errors.js";
import { gcsHttpsUrl, parseS3Url } from "../src/source/bucket-url.js";
import { S3Source, type S3SourceOptions } from "../src/source/s3.js";
import type { S3Credentials } from "../src/source/s3-credentials.js";
import { startS3Server, type S3Server } from "./helpers/s3-server.js";

const REGION = "eu-central-1";
const KEYS = { accessKeyId: "AKIDTESTKEY0000001", secretAccessKey: "s3cr3t/KEY+value/0123456789abcdefABCDEF" };
const TEMP = {
  accessKeyId: "ASIATEMPKEY0000002", secretAccessKey: "temp/SECRET+0123456789abcdefghijklmnop",
  sessionToken: "FwoGZXIvYXdzEXAMPLE//SESSION+TOKEN/0123456789abcdefghijklmnopqrstuvwxyz==",
};
const DATA = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31 + 7) & 255);
const SAMPLE_PATH = new URL("../examples/data/sample_cog.tif", import.meta.url).pathname;
const SAMPLE = new Uint8Array(readFileSync(SAMPLE_PATH));
const ODD_KEY = "dir/a b+c(1)~!é.bin";
const ENV_VARS = [
  "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
  "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_NO_SIGN_REQUEST", "COGREAD_AWS_REQUEST_PAYER",
];

let server: S3Server;
const opts = (extra: S3SourceOptions = {}): S3SourceOptions => ({ endpoint: server.endpoint, region: REGION, credentials: KEYS, ...extra });

async function failure(p: Promise<unknown>): Promise<CogError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!isCogError(e)) throw new Error(`expected a CogError, got ${String(e)}`);
  return e;
}

function usage(fn: () => unknown): CogError {
  try {
    fn();
  } catch (e) {
    if (isCogError(e, "COG_USAGE")) return e;
    throw e;
  }
  throw new Error("expected COG_USAGE");
}

beforeAll(async () => {
  server = await startS3Server({
    region: REGION,
    credentials: [KEYS, TEMP],
    objects: {
      "bucket/data.bin": DATA, [`bucket/${ODD_KEY}`]: DATA, "bucket/sample_cog.tif": SAMPLE,
      "public/data.bin": DATA, "payer/data.bin": DATA,
    },
    publicBuckets: ["public"],
    requesterPaysBuckets: ["payer"],
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  for (const name of ENV_VARS) vi.stubEnv(name, undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("S3Source against s3rver behind a signature-checking proxy", () => {
  it("reads exact bytes with a signed, path-style range request and learns the size", async () => {
    const source = new S3Source("s3://bucket/data.bin", opts());
    expect(source.size).toBeUndefined();
    expect(await source.read(1000, 500)).toEqual(DATA.subarray(1000, 1500));
    expect(source.size).toBe(DATA.length);
    expect(await source.read(99_990, 100)).toEqual(DATA.subarray(99_990)); // clamped at the end
    const [req] = server.requests;
    expect(server.requests.map((r) => [r.method, r.path, r.headers.range, r.verdict])).toEqual([
      ["GET", "/bucket/data.bin", "bytes=1000-1499", "ok"],
      ["GET", "/bucket/data.bin", "bytes=99990-99999", "ok"],
    ]);
    expect(req!.headers.host).toBe(new URL(server.endpoint).host);
    expect(req!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTESTKEY0000001\/\d{8}\/eu-central-1\/s3\/aws4_request/);
    // fetch appends its own "identity" to a ranged request's Accept-Encoding, so that header must stay unsigned.
    expect(req!.headers.authorization).not.toContain("accept-encoding");
  });

  it("signs keys with spaces, '+', parentheses and non-ASCII the way S3 canonicalises them", async () => {
    const source = new S3Source(`s3://bucket/${ODD_KEY}`, opts());
    expect(await source.read(0, 10)).toEqual(DATA.subarray(0, 10));
    expect(server.requests[0]!.path).toBe("/bucket/dir/a%20b%2Bc%281%29~%21%C3%A9.bin");
    expect(server.requests[0]!.verdict).toBe("ok");
  });

  it("opens sample_cog.tif with one request and reads the same tile as from the file", async () => {
    const cog = await COGReader.open(new S3Source("s3://bucket/sample_cog.tif", opts()));
    expect(server.requests.map((r) => r.headers.range)).toEqual(["bytes=0-16383"]);
    expect(cog.requests.count).toBe(1);
    const local = await COGReader.open(SAMPLE_PATH);
    expect(await cog.getTile(0, 0, 0)).toEqual(await local.getTile(0, 0, 0));
    expect(server.requests.every((r) => r.method === "GET" && r.verdict === "ok")).toBe(true);
    await Promise.all([cog.close(), local.close()]);
  });

  it("an s3:// URL opens with one request through the S3 code loaded on its first read", async () => {
    const cog = await COGReader.open("s3://bucket/sample_cog.tif", { s3: opts(), headerCache: false });
    expect(server.requests.map((r) => [r.path, r.headers.range, r.verdict])).toEqual([["/bucket/sample_cog.tif", "bytes=0-16383", "ok"]]);
    const local = await COGReader.open(SAMPLE_PATH);
    expect(await cog.getTile(0, 0, 0)).toEqual(await local.getTile(0, 0, 0));
    expect(cog.requests.count).toBe(2);
    await Promise.all([cog.close(), local.close()]);
  });

  it("openSource: a bad s3:// URL throws when called; bad options reject the first read, before any request", async () => {
    expect(usage(() => openSource("s3://bucket/")).message).toContain("no object key");
    const source = openSource("s3://bucket/data.bin", { s3: opts({ region: "eu west" }) });
    expect((await failure(source.read(0, 4))).message).toContain('invalid S3 region "eu west"');
    const half = openSource("s3://bucket/data.bin", { s3: opts({ credentials: { accessKeyId: "A", secretAccessKey: "" } }) });
    expect(isCogError(await failure(half.read(0, 4)), "COG_USAGE")).toBe(true);
    expect(server.requests).toEqual([]);
    const good = openSource("s3://bucket/data.bin", { s3: opts() });
    expect([good.url, good.size]).toEqual(["s3://bucket/data.bin", undefined]);
    expect(await good.read(0, 4)).toEqual(DATA.subarray(0, 4));
    expect([server.requests.length, good.size]).toEqual([1, DATA.length]);
  });

  it("sends a session token as x-amz-security-token, and the server checks it", async () => {
    expect(await new S3Source("s3://bucket/data.bin", opts({ credentials: TEMP })).read(0, 4)).toEqual(DATA.subarray(0, 4));
    expect(server.requests[0]!.headers["x-amz-security-token"]).toBe(TEMP.sessionToken);
    expect(server.requests[0]!.headers.authorization).toContain("x-amz-security-token");
    const noToken = { ...TEMP, sessionToken: undefined };
    const e = await failure(new S3Source("s3://bucket/data.bin", opts({ credentials: noToken })).read(0, 4));
    expect(e.context.status).toBe(403);
    expect(e.message).toContain("InvalidToken");
  });

  it("a wrong secret is COG_HTTP 403 with no secret, token or signature anywhere in the error", async () => {
    const wrong = { ...TEMP, secretAccessKey: "WRONG/secret+value/zyxwvutsrqponm0987654321" };
    const e = await failure(new S3Source("s3://bucket/data.bin", opts({ credentials: wrong })).read(0, 4));
    expect(e.code).toBe("COG_HTTP");
    expect(e.context.status).toBe(403);
    expect(e.message).toContain("SignatureDoesNotMatch");
    const auth = server.requests[0]!.headers.authorization!;
    const signature = /Signature=([0-9a-f]{64})/.exec(auth)![1]!;
    const texts: string[] = [e.message, String(e.stack), JSON.stringify(e.context), JSON.stringify(e)];
    for (let c: unknown = e.cause, i = 0; c !== undefined && i < 8; c = (c as { cause?: unknown }).cause, i++) {
      texts.push(String(c), JSON.stringify(c) ?? "", (c as Error).stack ?? "");
    }
    const all = texts.join("\n");
    for (const secret of [wrong.secretAccessKey, TEMP.secretAccessKey, TEMP.sessionToken, auth, signature]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toMatch(/Signature=|AWS4-HMAC-SHA256|StringToSign|CanonicalRequest/);
  });

  it("names S3's error code and status for other failures", async () => {
    const missing = await failure(new S3Source("s3://bucket/missing.tif", opts()).read(0, 4));
    expect([missing.code, missing.context.status]).toEqual(["COG_HTTP", 404]);
    expect(missing.message).toMatch(/-> 404 .*NoSuchKey/);
    const region = await failure(new S3Source("s3://bucket/data.bin", opts({ region: "us-west-2" })).read(0, 4));
    expect([region.context.status, region.message.includes("AuthorizationHeaderMalformed")]).toEqual([400, true]);
    const past = await failure(new S3Source("s3://bucket/data.bin", opts()).read(200_000, 4));
    expect(past.context.status).toBe(416);
    expect(past.message).toContain("size 100000");
  });

  it("reaches s3rver: reads an object put only into s3rver, and s3rver's NoSuchKey is COG_HTTP 404", async () => {
    const body = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7 + 1) & 255);
    const put = await fetch(`${server.backend}/bucket/only-in-s3rver.bin`, {
      method: "PUT", body, headers: { connection: "close" }, signal: AbortSignal.timeout(10_000),
    });
    expect(put.status).toBe(200);
    await put.arrayBuffer();
    const source = new S3Source("s3://bucket/only-in-s3rver.bin", opts());
    expect(await source.read(2990, 100)).toEqual(body.subarray(2990));
    expect(source.size).toBe(3000);
    const gone = new S3Source("s3://bucket/never-put.bin", opts());
    const e = await failure(gone.read(0, 4));
    expect([e.code, e.context.status, e.context.url]).toEqual(["COG_HTTP", 404, `${server.endpoint}/bucket/never-put.bin`]);
    expect(e.message).toContain("NoSuchKey");
    // Both were signed, passed the proxy's check, and were answered by s3rver.
    expect(server.requests.map((r) => [r.path, r.headers.range, r.verdict])).toEqual([
      ["/bucket/only-in-s3rver.bin", "bytes=2990-3089", "ok"],
      ["/bucket/never-put.bin", "bytes=0-3", "NoSuchKey"],
    ]);
    expect(server.requests.every((r) => r.headers.authorization?.startsWith("AWS4-HMAC-SHA256 "))).toBe(true);
  });

  it("sends x-amz-request-payer: requester (option or COGREAD_AWS_REQUEST_PAYER), signed", async () => {
    const denied = await failure(new S3Source("s3://payer/data.bin", opts()).read(0, 4));
    expect(denied.context.status).toBe(403);
    expect(await new S3Source("s3://payer/data.bin", opts({ requesterPays: true })).read(0, 4)).toEqual(DATA.subarray(0, 4));
    vi.stubEnv("COGREAD_AWS_REQUEST_PAYER", "requester");
    expect(await new S3Source("s3://payer/data.bin", opts()).read(4, 4)).toEqual(DATA.subarray(4, 8));
    const [, viaOption, viaEnv] = server.requests;
    for (const r of [viaOption!, viaEnv!]) {
      expect(r.headers["x-amz-request-payer"]).toBe("requester");
      expect(r.headers.authorization).toContain("x-amz-request-payer");
      expect(r.verdict).toBe("ok");
    }
  });

  it("calls a credentials provider lazily, once, and again only near expiration", async () => {
    const provider = vi.fn(async (): Promise<S3Credentials> => ({ ...TEMP, expiration: new Date(Date.now() + 3600_000) }));
    const source = new S3Source("s3://bucket/data.bin", opts({ credentials: provider }));
    expect(provider).not.toHaveBeenCalled();
    await Promise.all([source.read(0, 10), source.read(10, 10)]);
    await source.read(20, 10);
    expect(provider).toHaveBeenCalledTimes(1);
    const expiring = vi.fn(async (): Promise<S3Credentials> => ({ ...KEYS, expiration: new Date(Date.now() + 5_000) }));
    const refreshed = new S3Source("s3://bucket/data.bin", opts({ credentials: expiring }));
    await refreshed.read(0, 10);
    await refreshed.read(10, 10);
    expect(expiring).toHaveBeenCalledTimes(2);
    expect(server.requests.map((r) => r.verdict)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
  });

  it("a failing provider is COG_USAGE and is asked again on the next read", async () => {
    let calls = 0;
    const flaky = async (): Promise<S3Credentials> => {
      calls++;
      if (calls === 1) throw new Error("SSO session expired");
      return KEYS;
    };
    const source = new S3Source("s3://bucket/data.bin", opts({ credentials: flaky }));
    const e = await failure(source.read(0, 4));
    expect([e.code, e.message.includes("SSO session expired")]).toEqual(["COG_USAGE", true]);
    expect(await source.read(0, 4)).toEqual(DATA.subarray(0, 4));
    expect([calls, server.requests.length]).toEqual([2, 1]);
  });

  it("sends unsigned requests without credentials: public buckets read, private ones say why", async () => {
    const source = new S3Source("s3://public/data.bin", { endpoint: server.endpoint });
    expect(await source.read(5, 5)).toEqual(DATA.subarray(5, 10));
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    const e = await failure(new S3Source("s3://bucket/data.bin", { endpoint: server.endpoint }).read(0, 4));
    expect(e.context.status).toBe(403);
    expect(e.message).toMatch(/AccessDenied.*unsigned/);
    vi.stubEnv("AWS_ACCESS_KEY_ID", KEYS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", KEYS.secretAccessKey);
    await new S3Source("s3://public/data.bin", { endpoint: server.endpoint, credentials: false }).read(0, 4);
    vi.stubEnv("AWS_NO_SIGN_REQUEST", "YES");
    await new S3Source("s3://public/data.bin", { endpoint: server.endpoint }).read(0, 4);
    expect(server.requests.slice(2).map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
  });

  it("takes keys, token, region and endpoint from the AWS_* environment", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", TEMP.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", TEMP.secretAccessKey);
    vi.stubEnv("AWS_SESSION_TOKEN", TEMP.sessionToken);
    vi.stubEnv("AWS_DEFAULT_REGION", REGION);
    vi.stubEnv("AWS_ENDPOINT_URL", server.endpoint);
    const source = new S3Source("s3://bucket/data.bin");
    expect([source.region, source.requestUrl]).toEqual([REGION, `${server.endpoint}/bucket/data.bin`]);
    expect(await source.read(0, 4)).toEqual(DATA.subarray(0, 4));
    expect(server.requests[0]!.verdict).toBe("ok");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "");
    expect(usage(() => new S3Source("s3://bucket/data.bin")).message).toContain("secretAccessKey");
  });

  it("passes an aborted signal through as COG_ABORT without a request", async () => {
    const e = await failure(new S3Source("s3://bucket/data.bin", opts()).read(0, 4, { signal: AbortSignal.abort() }));
    expect(e.code).toBe("COG_ABORT");
    expect(server.requests).toEqual([]);
  });
});

describe("S3 URLs", () => {
  it.each([
    ["s3://my-bucket/a/b.tif", { region: "eu-west-1" }, "https://my-bucket.s3.eu-west-1.amazonaws.com/a/b.tif"],
    ["s3://my.dotted.bucket/a.tif", { region: "eu-west-1" }, "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/a.tif"],
    ["s3://my-bucket/a.tif", { region: "cn-north-1" }, "https://my-bucket.s3.cn-north-1.amazonaws.com.cn/a.tif"],
    ["s3://my-bucket/a.tif", { forcePathStyle: true }, "https://s3.us-east-1.amazonaws.com/my-bucket/a.tif"],
    ["s3://b1/x/a b+(1).tif", { endpoint: "http://127.0.0.1:9000/s3/" }, "http://127.0.0.1:9000/s3/b1/x/a%20b%2B%281%29.tif"],
    ["s3://b1/a.tif", { endpoint: "https://storage.example.com", forcePathStyle: false }, "https://b1.storage.example.com/a.tif"],
  ] as const)("%s %j -> %s", (url, options, expected) => {
    expect(new S3Source(url, { ...options, credentials: false }).requestUrl).toBe(expected);
  });

  it("prefers AWS_ENDPOINT_URL_S3 to AWS_ENDPOINT_URL, and AWS_REGION to AWS_DEFAULT_REGION", () => {
    vi.stubEnv("AWS_ENDPOINT_URL", "http://127.0.0.1:1");
    vi.stubEnv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:2");
    vi.stubEnv("AWS_DEFAULT_REGION", "eu-west-1");
    vi.stubEnv("AWS_REGION", "ap-south-1");
    const source = new S3Source("s3://b/k.tif");
    expect([source.requestUrl, source.region]).toEqual(["http://127.0.0.1:2/b/k.tif", "ap-south-1"]);
  });

  it("parses s3:// URLs literally", () => {
    expect(parseS3Url("s3://my-bucket/cogs/dem.tif")).toEqual({ bucket: "my-bucket", key: "cogs/dem.tif" });
    expect(parseS3Url("S3://b/a%20b?.tif")).toEqual({ bucket: "b", key: "a%20b?.tif" });
  });

  it.each(["https://b/k.tif", "s3://", "s3:///k.tif", "s3://bucket", "s3://bucket/", "s3://bucket/dir/", "s3://bad bucket/k",
    "s3://b/a/../k.tif", "s3://../k.tif", "gs://b/k.tif"])("%s -> COG_USAGE", (url) => {
    const e = usage(() => new S3Source(url, { credentials: false }));
    expect(e.context.url).toBe(url);
  });

  it.each([{ endpoint: "ftp://h" }, { endpoint: "not a url" }, { endpoint: "http://h/?q=1" }, { region: "us east" },
    { credentials: { accessKeyId: "A", secretAccessKey: "" } }])("options %j -> COG_USAGE", (options) => {
    usage(() => new S3Source("s3://b/k.tif", options));
  });

  it("maps gs:// to the public storage.googleapis.com URL", () => {
    expect(gcsHttpsUrl("gs://gcp-public-data-landsat/LC08/a b.TIF")).toBe("https://storage.googleapis.com/gcp-public-data-landsat/LC08/a%20b.TIF");
    for (const bad of ["gs://", "gs://bucket", "s3://b/k", "gs://b/../k"]) usage(() => gcsHttpsUrl(bad));
  });
});
