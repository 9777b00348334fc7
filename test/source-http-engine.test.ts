import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { catchCogError } from "./helpers/local-server.js";
import { FetchSource, type HttpRangeSource } from "../src/source/fetch.js";
import type { HttpTransportOptions } from "../src/source/http-retry.js";
import {
  backoffMs, isRetryableError, isRetryableStatus, parseRetryAfter, resolvePolicy,
} from "../src/source/http-retry.js";
import { HttpSource } from "../src/source/http.js";
import { coalesceRanges, multiRangeHeader, multipartBoundary, pickRanges } from "../src/source/multipart.js";
import { parseMultipartByteranges } from "../src/source/multipart-body.js";
import { parseContentRange } from "../src/source/http-response.js";

const SIZE = 100_000;
const DATA = Uint8Array.from({ length: SIZE }, (_, i) => (i * 31 + 7) & 255);
const BOUNDARY = "cogread-test-b0undary";

type Route = (req: IncomingMessage, res: ServerResponse, n: number) => void;
interface Seen { range: string | undefined; at: number }
let seen: Seen[] = [];
let route: Route;
let server: Server;
let base: string;
let inFlight = 0;
let maxInFlight = 0;

/** Parses `bytes=a-b[,c-d...]` (at most 100 ranges); undefined when it is not that form. */
function parseRanges(h: string | undefined): Array<[number, number]> | undefined {
  if (!h || !/^bytes=\d+-\d+(,\d+-\d+){0,99}$/.test(h)) return undefined;
  return h.slice(6).split(",").map((r) => r.split("-").map(Number) as [number, number]);
}

/** Answers like a good server: 206 single range, 206 multipart/byteranges (parts reversed), 200. */
function serve(req: IncomingMessage, res: ServerResponse, headers: Record<string, string> = {}): void {
  const ranges = parseRanges(req.headers.range)?.map(([a, b]): [number, number] => [a, Math.min(b, SIZE - 1)]);
  if (!ranges) { res.writeHead(200, { ...headers, "content-length": SIZE }).end(DATA); return; }
  if (ranges.length === 1) {
    const [a, b] = ranges[0]!;
    res.writeHead(206, { ...headers, "content-range": `bytes ${a}-${b}/${SIZE}`, "content-length": b - a + 1 });
    res.end(DATA.subarray(a, b + 1));
    return;
  }
  const chunks: Uint8Array[] = [Buffer.from("preamble to ignore\r\n")];
  for (const [a, b] of [...ranges].reverse()) { // any order is allowed (RFC 9110 §14.6)
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Type: image/tiff\r\nContent-Range: bytes ${a}-${b}/${SIZE}\r\n\r\n`));
    chunks.push(DATA.subarray(a, b + 1), Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  res.writeHead(206, { ...headers, "content-type": `multipart/byteranges; boundary="${BOUNDARY}"` });
  res.end(Buffer.concat(chunks));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ range: req.headers.range, at: Date.now() });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on("close", () => inFlight--);
    route(req, res, seen.length);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen = [];
  route = (req, res) => serve(req, res);
  maxInFlight = 0;
});


/** A route that never answers; resolves `arrived` when the request comes and `closed` when its connection ends. */
function hangingRoute(): { arrived: Promise<void>; closed: Promise<void> } {
  let arrive!: () => void;
  let close!: () => void;
  const arrived = new Promise<void>((r) => { arrive = r; });
  const closed = new Promise<void>((r) => { close = r; });
  route = (_req, res) => { res.on("close", close); arrive(); };
  return { arrived, closed };
}

const FAST: HttpTransportOptions = { retryBaseMs: 1, retryMaxMs: 20 };

describe.each([
  ["HttpSource", (url: string, o: HttpTransportOptions = {}): HttpRangeSource => new HttpSource(url, o)],
  ["FetchSource", (url: string, o: HttpTransportOptions = {}): HttpRangeSource => new FetchSource(url, o)],
])("%s", (_name, make) => {
  it("retries two 503s and returns the bytes of the third try", async () => {
    route = (req, res, n) => (n <= 2 ? res.writeHead(503).end("busy") : serve(req, res));
    expect(await make(`${base}/f`, FAST).read(100, 50)).toEqual(DATA.subarray(100, 150));
    expect(seen.map((s) => s.range)).toEqual(["bytes=100-149", "bytes=100-149", "bytes=100-149"]);
  });

  it.each([429, 500, 502, 504])("retries status %i", async (status) => {
    route = (req, res, n) => (n === 1 ? res.writeHead(status).end() : serve(req, res));
    expect(await make(`${base}/f`, FAST).read(0, 10)).toEqual(DATA.subarray(0, 10));
    expect(seen).toHaveLength(2);
  });

  it("gives up after 3 tries with the last COG_HTTP status", async () => {
    route = (_req, res) => res.writeHead(503).end("busy");
    const err = await catchCogError(make(`${base}/f`, FAST).read(0, 10));
    expect(err.code).toBe("COG_HTTP");
    expect(err.context.status).toBe(503);
    expect(err.message).toContain("3 tries");
    expect(seen).toHaveLength(3);
  });

  it("honours retries: 0 (one try) and never retries a 404", async () => {
    route = (_req, res) => res.writeHead(503).end();
    expect((await catchCogError(make(`${base}/f`, { ...FAST, retries: 0 }).read(0, 10))).context.status).toBe(503);
    expect(seen).toHaveLength(1);
    seen = [];
    route = (_req, res) => res.writeHead(404).end();
    const err = await catchCogError(make(`${base}/f`, FAST).read(0, 10));
    expect(err.context.status).toBe(404);
    expect(err.message).not.toContain("tries");
    expect(seen).toHaveLength(1);
  });

  it("waits for Retry-After, capped at retryMaxMs", async () => {
    route = (req, res, n) => (n === 1 ? res.writeHead(503, { "retry-after": "3600" }).end() : serve(req, res));
    // retryBaseMs 0: without Retry-After the second try would follow at once.
    expect(await make(`${base}/f`, { retryBaseMs: 0, retryMaxMs: 150 }).read(0, 10)).toEqual(DATA.subarray(0, 10));
    expect(seen).toHaveLength(2);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(100);
  });

  it("retries a connection reset", async () => {
    route = (req, res, n) => (n === 1 ? req.socket.destroy() : serve(req, res));
    expect(await make(`${base}/f`, FAST).read(5, 5)).toEqual(DATA.subarray(5, 10));
    expect(seen).toHaveLength(2);
  });

  it("times out a try with COG_TIMEOUT, closes the connection and does not retry", async () => {
    const { arrived, closed } = hangingRoute();
    const err = await catchCogError(make(`${base}/f`, { ...FAST, timeoutMs: 200 }).read(7, 9));
    expect(err.code).toBe("COG_TIMEOUT");
    expect(err.context).toMatchObject({ url: `${base}/f`, offset: 7, length: 9 });
    await arrived;
    await closed; // bounded by the test timeout
    expect(seen).toHaveLength(1);
  });

  it("aborts with COG_ABORT, the server sees the connection close, and nothing is retried", async () => {
    const { arrived, closed } = hangingRoute();
    const ctl = new AbortController();
    const pending = catchCogError(make(`${base}/f`, FAST).read(0, 10, { signal: ctl.signal }));
    await arrived;
    ctl.abort();
    expect((await pending).code).toBe("COG_ABORT");
    await closed;
    expect(seen).toHaveLength(1);
  });

  it("aborts during the backoff wait without another try", async () => {
    route = (_req, res) => res.writeHead(503, { "retry-after": "60" }).end();
    const ctl = new AbortController();
    const pending = catchCogError(make(`${base}/f`, { retryMaxMs: 60_000 }).read(0, 10, { signal: ctl.signal }));
    for (let i = 0; i < 200 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    ctl.abort();
    expect((await pending).code).toBe("COG_ABORT");
    expect(seen).toHaveLength(1);
  });

  it("throws COG_SOURCE_CHANGED and calls onChange when the ETag changes; weak ETags compare by value", async () => {
    let etag = '"v1"';
    route = (req, res) => serve(req, res, { etag });
    let changes = 0;
    const src = make(`${base}/f`, { onChange: () => changes++ });
    await src.read(0, 10);
    expect(src.etag).toBe('"v1"');
    etag = 'W/"v1"';
    expect(await src.read(10, 10)).toEqual(DATA.subarray(10, 20));
    etag = '"v2"';
    const err = await catchCogError(src.read(20, 10));
    expect(err.code).toBe("COG_SOURCE_CHANGED");
    expect(err.context.url).toBe(`${base}/f`);
    expect(err.message).toContain('"v1"');
    expect(err.message).toContain('"v2"');
    expect(changes).toBe(1);
    expect(src.etag).toBe('"v2"');
    expect(await src.read(20, 10)).toEqual(DATA.subarray(20, 30)); // the new version is now the reference
    expect(changes).toBe(1);
  });

  it("falls back to Last-Modified when there is no ETag", async () => {
    let modified = "Wed, 01 Jan 2025 00:00:00 GMT";
    route = (req, res) => serve(req, res, { "last-modified": modified });
    let changes = 0;
    const src = make(`${base}/f`, { onChange: () => changes++ });
    await src.read(0, 10);
    expect(src.etag).toBeUndefined();
    modified = "Thu, 02 Jan 2025 00:00:00 GMT";
    expect((await catchCogError(src.read(0, 10))).code).toBe("COG_SOURCE_CHANGED");
    expect(changes).toBe(1);
  });

  it("reads 3 ranges with ONE multipart/byteranges request", async () => {
    const src = make(`${base}/f`);
    const ranges: Array<[number, number]> = [[90_000, 1000], [10, 10], [5000, 100]];
    const got = await src.readRanges(ranges);
    expect(seen.map((s) => s.range)).toEqual(["bytes=10-19,5000-5099,90000-90999"]);
    expect(got).toEqual(ranges.map(([o, l]) => DATA.subarray(o, o + l)));
    expect(src.size).toBe(SIZE);
  });

  it("merges overlapping ranges and serves the tail past the end", async () => {
    const ranges: Array<[number, number]> = [[5000, 100], [5050, 100], [SIZE - 5, 10], [0, 0]];
    const got = await make(`${base}/f`).readRanges(ranges);
    expect(seen.map((s) => s.range)).toEqual([`bytes=5000-5149,${SIZE - 5}-${SIZE + 4}`]);
    expect(got).toEqual([DATA.subarray(5000, 5100), DATA.subarray(5050, 5150), DATA.subarray(SIZE - 5), new Uint8Array(0)]);
  });

  it("accepts one 206 covering every range, and a 200 whole body", async () => {
    route = (req, res) => {
      const r = parseRanges(req.headers.range)!;
      const a = r[0]![0];
      const b = r[r.length - 1]![1];
      res.writeHead(206, { "content-range": `bytes ${a}-${b}/${SIZE}` }).end(DATA.subarray(a, b + 1));
    };
    const ranges: Array<[number, number]> = [[100, 10], [300, 20], [200, 5]];
    expect(await make(`${base}/f`).readRanges(ranges)).toEqual(ranges.map(([o, l]) => DATA.subarray(o, o + l)));
    expect(seen).toHaveLength(1);
    seen = [];
    route = (_req, res) => res.writeHead(200, { "content-length": SIZE }).end(DATA);
    const src = make(`${base}/f`);
    expect(await src.readRanges(ranges)).toEqual(ranges.map(([o, l]) => DATA.subarray(o, o + l)));
    expect(await src.read(50_000, 3)).toEqual(DATA.subarray(50_000, 50_003));
    expect(seen).toHaveLength(1);
  });

  it.each([416, 400, 501])("falls back to parallel single ranges on %i and remembers it", async (status) => {
    route = (req, res) => (req.headers.range?.includes(",") ? res.writeHead(status).end() : serve(req, res));
    const src = make(`${base}/f`);
    const ranges: Array<[number, number]> = [[0, 10], [1000, 10], [2000, 10]];
    const want = ranges.map(([o, l]) => DATA.subarray(o, o + l));
    expect(await src.readRanges(ranges)).toEqual(want);
    expect(seen.map((s) => s.range).sort()).toEqual(["bytes=0-9", "bytes=0-9,1000-1009,2000-2009", "bytes=1000-1009", "bytes=2000-2009"]);
    seen = [];
    expect(await src.readRanges(ranges)).toEqual(want);
    expect(seen.map((s) => s.range).sort()).toEqual(["bytes=0-9", "bytes=1000-1009", "bytes=2000-2009"]);
  });

  it("drops unread a whole-file 200 much larger than the ranges (S3, GCS) and reads them singly", async () => {
    const big = Uint8Array.from({ length: 3 << 20 }, (_, i) => (i * 13) & 255);
    route = (req, res) => {
      const r = parseRanges(req.headers.range)!;
      if (r.length > 1) { res.writeHead(200, { "content-length": big.length }).end(big); return; }
      const [a, b] = r[0]!;
      res.writeHead(206, { "content-range": `bytes ${a}-${b}/${big.length}` }).end(big.subarray(a, b + 1));
    };
    const src = make(`${base}/big`);
    const ranges: Array<[number, number]> = [[0, 10], [2_000_000, 10]];
    const want = ranges.map(([o, l]) => big.subarray(o, o + l));
    expect(await src.readRanges(ranges)).toEqual(want);
    expect(seen.map((s) => s.range).sort()).toEqual(["bytes=0-9", "bytes=0-9,2000000-2000009", "bytes=2000000-2000009"]);
    expect(src.size).toBe(big.length);
    seen = [];
    expect(await src.readRanges(ranges)).toEqual(want);
    expect(seen).toHaveLength(2);
  });

  it('multiRange "never" sends single ranges; "always" throws when refused', async () => {
    const ranges: Array<[number, number]> = [[0, 10], [1000, 10]];
    await make(`${base}/f`, { multiRange: "never" }).readRanges(ranges);
    expect(seen.every((s) => !s.range?.includes(","))).toBe(true);
    route = (_req, res) => res.writeHead(501).end();
    const err = await catchCogError(make(`${base}/f`, { multiRange: "always" }).readRanges(ranges));
    expect(err.context.status).toBe(501);
  });

  it("keeps at most maxConcurrency requests in flight per origin, across sources", async () => {
    route = (req, res) => { setTimeout(() => serve(req, res), 20); };
    const a = make(`${base}/a`, { maxConcurrency: 4 });
    const b = make(`${base}/b`, { maxConcurrency: 4 });
    const reads = Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).read(i * 100, 100));
    const got = await Promise.all(reads);
    expect(got[7]).toEqual(DATA.subarray(700, 800));
    expect(seen).toHaveLength(20);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    expect(maxInFlight).toBeGreaterThanOrEqual(1);
  });

  it("lets a read waiting for a slot be aborted without sending it", async () => {
    const { arrived, closed } = hangingRoute();
    const first = new AbortController();
    const second = new AbortController();
    const src = make(`${base}/f`, { maxConcurrency: 1 });
    const pending1 = catchCogError(src.read(0, 10, { signal: first.signal }));
    await arrived;
    const pending2 = catchCogError(src.read(10, 10, { signal: second.signal }));
    second.abort();
    expect((await pending2).code).toBe("COG_ABORT");
    first.abort();
    expect((await pending1).code).toBe("COG_ABORT");
    await closed;
    expect(seen).toHaveLength(1);
  });
});

describe("retry policy", () => {
  const policy = resolvePolicy({});
  it("has the documented defaults", () => {
    expect(policy).toEqual({ retries: 2, retryBaseMs: 100, retryMaxMs: 2000, timeoutMs: 30_000, maxConcurrency: 16 });
  });
  it("retries 429 and 5xx gateways only", () => {
    expect([400, 401, 403, 404, 416, 429, 500, 501, 502, 503, 504].filter(isRetryableStatus)).toEqual([429, 500, 502, 503, 504]);
  });
  it("backs off with full jitter under a growing cap, or Retry-After on 429/503", () => {
    expect([1, 2, 3, 4, 5, 6].map((t) => backoffMs(policy, t, undefined, undefined, () => 1))).toEqual([100, 200, 400, 800, 1600, 2000]);
    expect(backoffMs(policy, 3, undefined, undefined, () => 0)).toBe(0);
    expect(backoffMs(policy, 1, 503, "1")).toBe(1000);
    expect(backoffMs(policy, 1, 429, "3600")).toBe(2000);
    expect(backoffMs(policy, 1, 500, "1", () => 0.5)).toBe(50); // Retry-After only counts on 429/503
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(10_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
  it("retries socket failures, not aborts, DNS misses or usage errors", () => {
    const err = (code: string): Error => Object.assign(new Error(code), { code });
    expect(isRetryableError(err("ECONNRESET"))).toBe(true);
    expect(isRetryableError(new TypeError("fetch failed", { cause: err("UND_ERR_SOCKET") }))).toBe(true);
    expect(isRetryableError(new TypeError("fetch failed", { cause: err("ENOTFOUND") }))).toBe(false);
    expect(isRetryableError(new TypeError("Failed to fetch"))).toBe(true); // browsers say no more
    expect(isRetryableError(new DOMException("aborted", "AbortError"))).toBe(false);
    expect(isRetryableError(new Error("boom"))).toBe(false);
  });
});

describe("multipart/byteranges", () => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  it("plans ranges and reads the boundary", () => {
    expect(coalesceRanges([[100, 10], [0, 10], [5, 10], [15, 0], [15, 5]])).toEqual([[0, 20], [100, 10]]);
    expect(multiRangeHeader([[0, 10], [100, 5]])).toBe("bytes=0-9,100-104");
    expect(multipartBoundary('multipart/byteranges; boundary="a b"')).toBe("a b");
    expect(multipartBoundary("Multipart/ByteRanges;boundary=xyz; charset=x")).toBe("xyz");
    expect(multipartBoundary("image/tiff")).toBeUndefined();
  });
  it("takes part data by length, so boundary bytes inside the data do no harm; LF-only lines too", () => {
    const body = enc("--B\nContent-Range: bytes 10-17/100\n\n--B--xyz\n--B\r\ncontent-range: bytes 0-1/100\r\n\r\nok\r\n--B--");
    const parts = parseMultipartByteranges(body, { boundary: "B", url: "u", parseContentRange });
    expect(parts.map((p) => [p.start, new TextDecoder().decode(p.bytes), p.total])).toEqual([[10, "--B--xyz", 100], [0, "ok", 100]]);
    expect(pickRanges([[12, 3], [0, 2], [50, 1], [99, 5]], parts, 100).map((b) => b && new TextDecoder().decode(b)))
      .toEqual(["B--", "ok", undefined, undefined]);
  });
  it("rejects parts without Content-Range or cut short", () => {
    expect(() => parseMultipartByteranges(enc("--B\r\n\r\nxx\r\n--B--"), { boundary: "B", url: "u", parseContentRange })).toThrow(/no valid Content-Range/);
    expect(() => parseMultipartByteranges(enc("--B\r\nContent-Range: bytes 0-99/100\r\n\r\nxx"), { boundary: "B", url: "u", parseContentRange })).toThrow(/cut short/);
    expect(() => parseMultipartByteranges(enc("nothing here"), { boundary: "B", url: "u", parseContentRange })).toThrow(/no parts/);
  });
});
