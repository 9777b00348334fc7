import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isCogError, type CogError } from "../src/errors.js";
import { FetchSource } from "../src/source/fetch.js";
import { checkRangeBody, parseContentRange, rangeHeader } from "../src/source/http-response.js";
import { HttpSource } from "../src/source/http.js";
import type { Source } from "../src/source/types.js";

const SIZE = 100_000;
const DATA = Uint8Array.from({ length: SIZE }, (_, i) => (i * 31 + 7) & 255);

interface Seen { method: string; path: string; range: string | undefined }
const seen: Seen[] = []; // this test's requests, cleared before each test
const all: Seen[] = []; // every request the server ever saw
let server: Server;
let base: string;
let refusedUrl: string;
/** Resolvers for the /slow route: called with the request once it arrives and once it closes. */
let onSlowArrived: (() => void) | undefined;
let onSlowClosed: (() => void) | undefined;

function parseRange(h: string | undefined): [number, number] | undefined {
  const m = /^bytes=(\d+)-(\d+)$/.exec(h ?? "");
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function sendRange(req: IncomingMessage, res: ServerResponse, data: Uint8Array): void {
  const r = parseRange(req.headers.range);
  if (!r) { res.writeHead(200, { "content-length": data.length }).end(data); return; }
  const [start, endAsked] = r;
  if (start >= data.length) {
    res.writeHead(416, { "content-range": `bytes */${data.length}` }).end("past the end");
    return;
  }
  const end = Math.min(endAsked, data.length - 1);
  res.writeHead(206, { "content-range": `bytes ${start}-${end}/${data.length}`, "content-length": end - start + 1 });
  res.end(data.subarray(start, end + 1));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? "/").split("?")[0]!;
  const entry = { method: req.method ?? "", path, range: req.headers.range };
  seen.push(entry);
  all.push(entry);
  const r = parseRange(req.headers.range);
  switch (path) {
    case "/file.bin": return sendRange(req, res, DATA);
    case "/redirect": res.writeHead(302, { location: "/file.bin" }).end(); return;
    case "/whole.bin": res.writeHead(200, { "content-length": SIZE }).end(DATA); return;
    case "/status/401": case "/status/403": case "/status/404": case "/status/500": case "/status/503":
      res.writeHead(Number(path.slice(8)), { "content-type": "text/plain" }).end("error body ".repeat(100));
      return;
    case "/short-206": { // claims the asked range, sends half of it
      const [a, b] = r!;
      const half = Math.floor((b - a + 1) / 2);
      res.writeHead(206, { "content-range": `bytes ${a}-${b}/${SIZE}`, "content-length": half });
      res.end(DATA.subarray(a, a + half));
      return;
    }
    case "/cut-socket": { // promises the whole range, sends half, then kills the socket
      const [a, b] = r!;
      const len = b - a + 1;
      res.writeHead(206, { "content-range": `bytes ${a}-${b}/${SIZE}`, "content-length": len });
      res.write(DATA.subarray(a, a + Math.floor(len / 2)), () => res.socket?.destroy());
      return;
    }
    case "/wrong-start": { // answers a range starting one byte later than asked
      const [a, b] = r!;
      res.writeHead(206, { "content-range": `bytes ${a + 1}-${b + 1}/${SIZE}`, "content-length": b - a + 1 });
      res.end(DATA.subarray(a + 1, b + 2));
      return;
    }
    case "/slow": // never answers; the test aborts
      res.on("close", () => onSlowClosed?.());
      onSlowArrived?.();
      return;
    default: res.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was just free: listen, note it, close, so nothing listens there.
  const tmp = createServer();
  await new Promise<void>((resolve) => tmp.listen(0, "127.0.0.1", resolve));
  refusedUrl = `http://127.0.0.1:${(tmp.address() as AddressInfo).port}/file.bin`;
  await new Promise<void>((resolve) => tmp.close(() => resolve()));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
});

async function catchCogError(p: Promise<unknown>): Promise<CogError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!isCogError(err)) throw new Error(`expected a CogError, got ${String(err)}`);
  return err;
}

describe("http-response helpers", () => {
  it("builds exact Range values and parses Content-Range", () => {
    expect(rangeHeader(0, 16384)).toBe("bytes=0-16383");
    expect(rangeHeader(10, 1)).toBe("bytes=10-10");
    expect(parseContentRange("bytes 0-99/1000")).toEqual({ start: 0, end: 99, total: 1000 });
    expect(parseContentRange("bytes 5-9/*")).toEqual({ start: 5, end: 9, total: undefined });
    expect(parseContentRange("bytes */1000")).toEqual({ total: 1000 });
    expect(parseContentRange("bytes 9-5/100")).toBeUndefined();
    expect(parseContentRange("items 0-1/2")).toBeUndefined();
    expect(parseContentRange(null)).toBeUndefined();
  });

  it("accepts a 206 without Content-Range (hidden by CORS) and rejects a malformed one", () => {
    const req = { url: "u", offset: 0, length: 4 };
    expect(checkRangeBody(req, 206, null, DATA.subarray(0, 4)).bytes).toEqual(DATA.subarray(0, 4));
    expect(() => checkRangeBody(req, 206, "bytes x-y/z", DATA.subarray(0, 4))).toThrow(/malformed/);
  });
});

describe.each([
  ["HttpSource", (url: string): Source => new HttpSource(url)],
  ["FetchSource", (url: string): Source => new FetchSource(url)],
])("%s", (_name, make) => {
  it("reads exact ranges with 206, sends the exact Range header and learns size", async () => {
    const src = make(`${base}/file.bin`);
    expect(src.size).toBeUndefined();
    expect(await src.read(0, 16384)).toEqual(DATA.subarray(0, 16384));
    expect(await src.read(50_000, 1)).toEqual(DATA.subarray(50_000, 50_001));
    expect(src.size).toBe(SIZE);
    expect(seen.map((s) => s.range)).toEqual(["bytes=0-16383", "bytes=50000-50000"]);
    expect(seen.every((s) => s.method === "GET")).toBe(true);
  });

  it("returns the short tail for a read past the end, and clamps once size is known", async () => {
    const src = make(`${base}/file.bin`);
    expect(await src.read(SIZE - 10, 100)).toEqual(DATA.subarray(SIZE - 10));
    expect(src.size).toBe(SIZE);
    expect(await src.read(SIZE - 5, 100)).toEqual(DATA.subarray(SIZE - 5));
    expect(await src.read(SIZE + 10, 5)).toEqual(new Uint8Array(0));
    expect(await src.read(0, 0)).toEqual(new Uint8Array(0));
    expect(seen.map((s) => s.range)).toEqual([`bytes=${SIZE - 10}-${SIZE + 89}`, `bytes=${SIZE - 5}-${SIZE - 1}`]);
  });

  it("follows a redirect and keeps the Range header", async () => {
    const src = make(`${base}/redirect`);
    expect(await src.read(100, 20)).toEqual(DATA.subarray(100, 120));
    expect(seen.map((s) => [s.path, s.range])).toEqual([["/redirect", "bytes=100-119"], ["/file.bin", "bytes=100-119"]]);
  });

  it("keeps a 200 whole body and serves later reads from it with no request", async () => {
    const src = make(`${base}/whole.bin`);
    expect(await src.read(10, 20)).toEqual(DATA.subarray(10, 30));
    expect(src.size).toBe(SIZE);
    expect(await src.read(90_000, 500)).toEqual(DATA.subarray(90_000, 90_500));
    expect(await src.read(SIZE - 3, 10)).toEqual(DATA.subarray(SIZE - 3));
    expect(seen).toHaveLength(1);
  });

  it.each([401, 403, 404, 500, 503])("maps status %i to COG_HTTP with status and url", async (status) => {
    const url = `${base}/status/${status}`;
    const err = await catchCogError(make(url).read(0, 16384));
    expect(err.code).toBe("COG_HTTP");
    expect(err.context).toMatchObject({ url, status, offset: 0, length: 16384 });
    expect(err.message).toContain(`GET ${url} -> ${status}`);
    expect(err.message).toContain("(range bytes=0-16383)");
  });

  it("maps 416 to COG_HTTP saying the range starts past the end, with the size", async () => {
    const url = `${base}/file.bin`;
    const err = await catchCogError(make(url).read(SIZE + 100, 10));
    expect(err.code).toBe("COG_HTTP");
    expect(err.context).toMatchObject({ url, status: 416 });
    expect(err.message).toMatch(/past the end of the file \(size 100000\)/);
  });

  it("rejects a 206 with fewer bytes than its range as body cut short", async () => {
    const err = await catchCogError(make(`${base}/short-206`).read(0, 1000));
    expect(err.code).toBe("COG_HTTP");
    expect(err.context.status).toBe(206);
    expect(err.message).toContain("body cut short");
  });

  it("rejects a body whose socket dies before Content-Length bytes arrive", async () => {
    const err = await catchCogError(make(`${base}/cut-socket`).read(0, 50_000));
    expect(err.code).toBe("COG_HTTP");
    expect(err.context.status).toBe(206);
    expect(err.message).toContain("body cut short");
  });

  it("rejects a 206 whose Content-Range starts elsewhere", async () => {
    const err = await catchCogError(make(`${base}/wrong-start`).read(10, 10));
    expect(err.code).toBe("COG_HTTP");
    expect(err.context.status).toBe(206);
  });

  it("maps connection refused to COG_HTTP with a cause and no status", async () => {
    const err = await catchCogError(make(refusedUrl).read(0, 10));
    expect(err.code).toBe("COG_HTTP");
    expect(err.context.url).toBe(refusedUrl);
    expect(err.context.status).toBeUndefined();
    expect(err.cause).toBeDefined();
    expect(err.message).toContain("ECONNREFUSED");
  });

  it("aborts a pending request with COG_ABORT and the server sees it closed", async () => {
    const arrived = new Promise<void>((resolve) => { onSlowArrived = resolve; });
    const closed = new Promise<void>((resolve) => { onSlowClosed = resolve; });
    const ctl = new AbortController();
    const pending = catchCogError(make(`${base}/slow`).read(0, 10, { signal: ctl.signal }));
    await arrived;
    ctl.abort();
    const err = await pending;
    expect(err.code).toBe("COG_ABORT");
    await closed; // bounded by the test timeout
    onSlowArrived = onSlowClosed = undefined;
  });

  it("throws COG_ABORT without a request when the signal is already aborted", async () => {
    const ctl = new AbortController();
    ctl.abort();
    const err = await catchCogError(make(`${base}/file.bin`).read(0, 10, { signal: ctl.signal }));
    expect(err.code).toBe("COG_ABORT");
    expect(seen).toHaveLength(0);
  });

  it("rejects negative or fractional ranges with COG_USAGE", async () => {
    const src = make(`${base}/file.bin`);
    expect((await catchCogError(src.read(-1, 10))).code).toBe("COG_USAGE");
    expect((await catchCogError(src.read(0, 1.5))).code).toBe("COG_USAGE");
    expect(seen).toHaveLength(0);
  });
});

describe("all transports", () => {
  it("never sent a HEAD request", () => {
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((s) => s.method !== "GET")).toEqual([]);
  });
});
