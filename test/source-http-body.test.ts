import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { catchCogError, listenLocal, type LocalServer } from "./helpers/local-server.js";
import { COGReader } from "../src/index.js";
import { bodyCap, bodyTooLong } from "../src/source/body-cap.js";
import { collectBody, contentCodings } from "../src/source/http-body.js";
import { FetchSource, type HttpRangeSource } from "../src/source/fetch.js";
import { checkRangeBody } from "../src/source/http-response.js";
import type { HttpTransportOptions } from "../src/source/http-retry.js";
import { HttpSource } from "../src/source/http.js";

const SIZE = 100_000;
const DATA = Uint8Array.from({ length: SIZE }, (_, i) => (i * 31 + 7) & 255);
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);
/** 1 MiB of zeros gzipped (about 1 KiB); gzip members may be concatenated (RFC 1952 §2.2), so N of them decode to N MiB. */
const GZIP_MIB = gzipSync(Buffer.alloc(MIB));

interface Seen { path: string; range: string | undefined; acceptEncoding: string | undefined }
let seen: Seen[] = [];
/** Bytes each streaming answer wrote before its connection closed, in arrival order. */
let streamed: Array<{ written: number; closed: boolean }> = [];
let server: LocalServer;
let base: string;

function parseRanges(h: string | undefined): Array<[number, number]> | undefined {
  if (!h || !/^bytes=\d+-\d+(,\d+-\d+){0,99}$/.test(h)) return undefined;
  return h.slice(6).split(",").map((r) => r.split("-").map(Number) as [number, number]);
}

/** Writes `total` bytes in 64 KiB chunks as the client takes them; stops as soon as it goes away. */
async function stream(res: ServerResponse, total: number, chunk: Uint8Array = CHUNK): Promise<void> {
  const record = { written: 0, closed: false };
  streamed.push(record);
  res.on("close", () => { record.closed = true; });
  for (let i = 0; i < Math.ceil(total / chunk.length) && !res.destroyed; i++) {
    record.written += chunk.length;
    if (res.write(chunk)) continue;
    await new Promise<void>((resolve) => {
      const done = (): void => { res.off("drain", done); res.off("close", done); resolve(); };
      res.on("drain", done);
      res.on("close", done);
    });
  }
  if (!res.destroyed) res.end();
}

const CODERS: Record<string, (b: Uint8Array) => Uint8Array> = {
  gzip: (b) => gzipSync(b),
  "x-gzip": (b) => gzipSync(b),
  deflate: (b) => deflateSync(b),
  br: (b) => brotliCompressSync(b),
  "gzip, br": (b) => brotliCompressSync(gzipSync(b)),
};

/** A 206 of the asked range with its body encoded as `coding`. */
function encoded206(req: IncomingMessage, res: ServerResponse, coding: string): void {
  const [a, b] = parseRanges(req.headers.range)![0]!;
  const end = Math.min(b, SIZE - 1);
  const body = CODERS[coding]!(DATA.subarray(a, end + 1));
  res.writeHead(206, { "content-range": `bytes ${a}-${end}/${SIZE}`, "content-encoding": coding, "content-length": body.length }).end(body);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  // Routes are /name/arg: a query string would be redacted from error messages.
  const path = decodeURIComponent(req.url ?? "/");
  seen.push({ path, range: req.headers.range, acceptEncoding: req.headers["accept-encoding"] });
  const [, name, arg = ""] = /^\/([^/]*)\/?(.*)$/.exec(path) ?? [];
  const ranges = parseRanges(req.headers.range);
  const [a, b] = ranges?.[0] ?? [0, 0];
  const end = Math.min(b, SIZE - 1);
  switch (name) {
    case "endless": // ignores Range and streams 1 GiB
      res.writeHead(200, arg === "cl" ? { "content-length": GIB } : {});
      void stream(res, GIB);
      return;
    case "whole": // ignores Range and sends the 100 kB file, with or without Content-Length
      res.writeHead(200, arg === "cl" ? { "content-length": SIZE } : {}).end(DATA);
      return;
    case "encoded":
      encoded206(req, res, arg);
      return;
    case "compress":
      res.writeHead(206, { "content-range": `bytes ${a}-${end}/${SIZE}`, "content-encoding": "compress" }).end(DATA.subarray(a, end + 1));
      return;
    case "bad-gzip":
      res.writeHead(206, { "content-range": `bytes ${a}-${end}/${SIZE}`, "content-encoding": "gzip" }).end("this is not gzip at all");
      return;
    case "gzip-bomb": { // 1 GiB of zeros from about 1 MB; a 206 claiming 100 bytes, or a 200
      const whole = arg === "whole";
      res.writeHead(whole ? 200 : 206, { "content-encoding": "gzip", ...(whole ? {} : { "content-range": `bytes ${a}-${a + 99}/${SIZE}` }) });
      void stream(res, 1024 * GZIP_MIB.length, GZIP_MIB);
      return;
    }
    case "gzip-wrong-range": // the decoded body is half the Content-Range
      res.writeHead(206, { "content-range": `bytes ${a}-${end}/${SIZE}`, "content-encoding": "gzip" });
      res.end(gzipSync(DATA.subarray(a, a + Math.floor((end - a + 1) / 2))));
      return;
    case "long-206": { // Content-Range as asked, a body twice as long (Content-Length says so, or chunked)
      const body = DATA.subarray(a, a + 2 * (end - a + 1));
      res.writeHead(206, { "content-range": `bytes ${a}-${end}/${SIZE}`, ...(arg === "cl" ? { "content-length": body.length } : {}) }).end(body);
      return;
    }
    case "long-206-no-cr": // no Content-Range, more than asked
      res.writeHead(206).end(DATA.subarray(a, a + 2 * (end - a + 1)));
      return;
    case "wide-206": // Content-Range covering 100 bytes more than asked, body matching it
      res.writeHead(206, { "content-range": `bytes ${a}-${end + 100}/${SIZE}` }).end(DATA.subarray(a, end + 101));
      return;
    case "multi": { // multi-range answered as `arg` says; single ranges served normally
      if (ranges!.length === 1) {
        res.writeHead(206, { "content-range": `bytes ${a}-${end}/${SIZE}` }).end(DATA.subarray(a, end + 1));
        return;
      }
      if (arg === "whole") { res.writeHead(200).end(DATA); return; }
      // A multipart body whose first part is padded with 200 kB of preamble junk.
      const chunks: Uint8Array[] = [Buffer.alloc(200_000, 0x20)];
      for (const [s, e] of ranges!) chunks.push(Buffer.from(`\r\n--B\r\nContent-Range: bytes ${s}-${e}/${SIZE}\r\n\r\n`), DATA.subarray(s, e + 1));
      chunks.push(Buffer.from("\r\n--B--\r\n"));
      res.writeHead(206, { "content-type": "multipart/byteranges; boundary=B" }).end(Buffer.concat(chunks));
      return;
    }
    default:
      res.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = await listenLocal(handle);
  base = server.base;
});

afterAll(() => server.close());

beforeEach(() => {
  seen = [];
  streamed = [];
});

/** Runs `work` sampling the process RSS every 20 ms; returns its outcome and how far RSS rose above where it started. */
async function rssRise<T>(work: () => Promise<T>): Promise<{ result: T; rise: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  try {
    const result = await work();
    return { result, rise: Math.max(peak, process.memoryUsage().rss) - before };
  } finally {
    clearInterval(timer);
  }
}

/** Waits (at most 5 s) until every streaming answer saw its connection close. */
async function streamsClosed(): Promise<void> {
  for (let i = 0; i < 250 && !streamed.every((s) => s.closed); i++) await new Promise((r) => setTimeout(r, 20));
  expect(streamed.every((s) => s.closed)).toBe(true);
}

const FAST: HttpTransportOptions = { retryBaseMs: 1, retryMaxMs: 5 };

describe.each([
  ["HttpSource", (url: string, o: HttpTransportOptions = {}): HttpRangeSource => new HttpSource(url, { ...FAST, ...o })],
  ["FetchSource", (url: string, o: HttpTransportOptions = {}): HttpRangeSource => new FetchSource(url, { ...FAST, ...o })],
])("%s", (_name, make) => {
  it.each([["with", "/cl"], ["without", ""]])(
    "a server ignoring Range with a 1 GiB 200 %s Content-Length: COG_HTTP after one request, RSS +<256 MiB, the socket freed",
    async (_with, query) => {
      const url = `${base}/endless${query}`;
      const { result: err, rise } = await rssRise(() => catchCogError(make(url).read(1000, 16384)));
      expect(err.code).toBe("COG_HTTP");
      expect(err.message).toContain(`GET ${url} -> 200: server ignores Range and sent more than 67108864 bytes (64 MiB) (range bytes=1000-17383)`);
      expect(err.message).toContain("maxWholeBodyBytes");
      expect(err.context).toMatchObject({ url, status: 200, offset: 1000, length: 16384 });
      expect(rise).toBeLessThan(256 * MIB);
      expect(seen).toHaveLength(1);
      await streamsClosed();
      expect(streamed[0]!.written).toBeLessThan(512 * MIB);
    },
  );

  it("a 200 gzip bomb (1 GiB of zeros) stops after maxWholeBodyBytes decoded bytes", async () => {
    const url = `${base}/gzip-bomb/whole`;
    const { result: err, rise } = await rssRise(() => catchCogError(make(url, { maxWholeBodyBytes: 8 * MIB }).read(0, 100)));
    expect(err.code).toBe("COG_HTTP");
    expect(err.message).toContain("server ignores Range and sent more than 8388608 bytes (8 MiB)");
    expect(rise).toBeLessThan(256 * MIB);
    expect(seen).toHaveLength(1);
    await streamsClosed();
  });

  it.each([["with", "/cl"], ["without", ""]])("keeps a 200 below the cap %s Content-Length and serves later reads from it", async (_w, query) => {
    const src = make(`${base}/whole${query}`);
    expect(await src.read(10, 20)).toEqual(DATA.subarray(10, 30));
    expect(src.size).toBe(SIZE);
    expect(await src.read(90_000, 500)).toEqual(DATA.subarray(90_000, 90_500));
    expect(seen).toHaveLength(1);
  });

  it("honours maxWholeBodyBytes exactly, and a read asking for more than it allows that many", async () => {
    expect(await make(`${base}/whole/cl`, { maxWholeBodyBytes: SIZE }).read(0, 10)).toEqual(DATA.subarray(0, 10));
    const err = await catchCogError(make(`${base}/whole`, { maxWholeBodyBytes: SIZE - 1 }).read(0, 10));
    expect(err.message).toContain(`server ignores Range and sent more than ${SIZE - 1} bytes`);
    expect(await make(`${base}/whole/cl`, { maxWholeBodyBytes: 0 }).read(0, SIZE)).toEqual(DATA);
    expect(seen).toHaveLength(3);
  });

  it.each(["gzip", "x-gzip", "deflate", "br", "gzip, br"])("decodes a 206 in Content-Encoding %s", async (coding) => {
    const src = make(`${base}/encoded/${encodeURIComponent(coding)}`);
    expect(await src.read(1234, 5000)).toEqual(DATA.subarray(1234, 6234));
    expect(await src.read(SIZE - 10, 100)).toEqual(DATA.subarray(SIZE - 10));
    expect(src.size).toBe(SIZE);
    expect(seen.map((s) => s.range)).toEqual(["bytes=1234-6233", `bytes=${SIZE - 10}-${SIZE - 1}`]);
  });

  it("refuses a coding it cannot decode (compress) with COG_HTTP, without retrying", async () => {
    const url = `${base}/compress`;
    const err = await catchCogError(make(url).read(0, 100));
    expect(err.code).toBe("COG_HTTP");
    expect(err.message).toContain(`GET ${url} -> 206: Content-Encoding compress is not supported for range reads`);
    expect(err.context).toMatchObject({ url, status: 206, offset: 0, length: 100 });
    expect(seen).toHaveLength(1);
  });

  it("a gzip body that is not gzip is COG_HTTP saying so, not retried", async () => {
    const err = await catchCogError(make(`${base}/bad-gzip`).read(0, 100));
    expect(err.code).toBe("COG_HTTP");
    expect(err.message).toMatch(/body in Content-Encoding gzip could not be decoded/);
    expect(err.context.status).toBe(206);
    expect(seen).toHaveLength(1);
  });

  it("a decoded body that does not match its Content-Range fails: shorter is cut short, a bomb is too long", async () => {
    expect((await catchCogError(make(`${base}/gzip-wrong-range`).read(0, 1000))).message).toContain("body cut short: got 500 of 1000 bytes");
    const { result: err, rise } = await rssRise(() => catchCogError(make(`${base}/gzip-bomb`).read(0, 100)));
    expect(err.message).toContain('body longer than Content-Range "bytes 0-99/100000" says (more than 100 bytes');
    expect(rise).toBeLessThan(256 * MIB);
    await streamsClosed();
    expect(seen).toHaveLength(2);
  });

  it.each([["with", "/cl"], ["without", ""]])("a 206 longer than its Content-Range (%s Content-Length) is COG_HTTP, not cut", async (_w, query) => {
    const url = `${base}/long-206${query}`;
    const err = await catchCogError(make(url).read(100, 1000));
    expect(err.code).toBe("COG_HTTP");
    expect(err.message).toContain(`GET ${url} -> 206: body longer than Content-Range "bytes 100-1099/100000" says (more than 1000 bytes`);
    expect(err.context).toMatchObject({ url, status: 206, offset: 100, length: 1000 });
    expect(seen).toHaveLength(1);
  });

  it("a 206 without Content-Range longer than asked is COG_HTTP", async () => {
    const err = await catchCogError(make(`${base}/long-206-no-cr`).read(100, 1000));
    expect(err.message).toContain("body longer than asked (more than 1000 bytes and no Content-Range");
    expect(err.context.status).toBe(206);
  });

  it("a 206 whose Content-Range covers more than asked gives the bytes asked; one wider than a whole body may be is refused", async () => {
    expect(await make(`${base}/wide-206`).read(100, 1000)).toEqual(DATA.subarray(100, 1100));
    const err = await catchCogError(make(`${base}/wide-206`, { maxWholeBodyBytes: 1050 }).read(100, 1000));
    expect(err.message).toContain('Content-Range "bytes 100-1199/100000" covers 1100 bytes, more than the 1050 bytes allowed');
  });

  it("falls back to single ranges when a multipart body is bloated ('auto'), and throws with 'always'", async () => {
    const ranges: Array<[number, number]> = [[0, 10], [5000, 10]];
    const want = ranges.map(([o, l]) => DATA.subarray(o, o + l));
    expect(await make(`${base}/multi/bloated`).readRanges(ranges)).toEqual(want);
    expect(seen.map((s) => s.range).sort()).toEqual(["bytes=0-9", "bytes=0-9,5000-5009", "bytes=5000-5009"]);
    seen = [];
    const err = await catchCogError(make(`${base}/multi/bloated`, { multiRange: "always" }).readRanges(ranges));
    expect(err.message).toContain("multipart/byteranges body longer than the ranges asked plus part headers");
    expect(seen).toHaveLength(1);
  });

  it("keeps a chunked 200 answer to a multi-range request within twice the bytes asked plus 1 MiB", async () => {
    const src = make(`${base}/multi/whole`);
    const ranges: Array<[number, number]> = [[0, 10], [5000, 10]];
    expect(await src.readRanges(ranges)).toEqual(ranges.map(([o, l]) => DATA.subarray(o, o + l)));
    expect(await src.read(70_000, 5)).toEqual(DATA.subarray(70_000, 70_005));
    expect(seen).toHaveLength(1);
  });

  it("always asks for Accept-Encoding: identity", async () => {
    await make(`${base}/encoded/gzip`).read(0, 10);
    expect(seen[0]!.acceptEncoding).toMatch(/^identity/);
  });
});

describe("end to end: a server that gzips every 206", () => {
  let gz: LocalServer;
  let gzBase: string;
  let gzipped = 0;
  const files: Record<string, Uint8Array> = {};
  const FIXTURES = ["uint8_1band_none_block256_ovr1.tif", "uint8_1band_deflate_block256_ovr2.tif"];

  beforeAll(async () => {
    for (const name of FIXTURES) files[`/${name}`] = new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
    gz = await listenLocal((req, res) => {
      const file = files[req.url ?? ""];
      const ranges = parseRanges(req.headers.range);
      if (!file) { res.writeHead(404).end(); return; }
      if (ranges?.length !== 1) { res.writeHead(501).end(); return; } // no multi-range: one request a range
      const [a, b] = ranges[0]!;
      if (a >= file.length) { res.writeHead(416, { "content-range": `bytes */${file.length}` }).end(); return; }
      const end = Math.min(b, file.length - 1);
      const body = gzipSync(file.subarray(a, end + 1));
      gzipped++;
      res.writeHead(206, { "content-range": `bytes ${a}-${end}/${file.length}`, "content-encoding": "gzip", "content-length": body.length }).end(body);
    });
    gzBase = gz.base;
  });

  afterAll(() => gz.close());

  it.each(FIXTURES)("COGReader.open(url) reads the same tiles as the local file: %s", async (name) => {
    const local = await COGReader.open(new URL(`./fixtures/${name}`, import.meta.url).pathname, { blockCache: false });
    const remote = await COGReader.open(`${gzBase}/${name}`, { blockCache: false, headerCache: false });
    try {
      for (const [x, y, z] of [[0, 0, 0], [1, 1, 0], [0, 0, 1]] as const) {
        const want = await local.getTile(x, y, z);
        const got = await remote.getTile(x, y, z);
        expect(got.width).toBe(want.width);
        expect(got.data).toEqual(want.data);
      }
      expect(gzipped).toBeGreaterThan(1);
    } finally {
      await local.close();
      await remote.close();
    }
  });
});

describe("body caps (pure)", () => {
  const req = { url: "u", offset: 100, length: 1000 };
  it.each([
    ["200", { status: 200 }, { limit: 64 * MIB, basis: "whole", fallback: false }],
    ["200 asked more than the cap", { status: 200, req: { ...req, length: 65 * MIB } }, { limit: 65 * MIB, basis: "whole", fallback: false }],
    ["206 with Content-Range", { status: 206, contentRange: "bytes 100-1199/5000" }, { limit: 1100, basis: "content-range", fallback: false }],
    ["206 without Content-Range", { status: 206 }, { limit: 1000, basis: "asked", fallback: false }],
    ["206 with bytes */total", { status: 206, contentRange: "bytes */5000" }, { limit: 1000, basis: "asked", fallback: false }],
    ["multi 200, auto", { status: 200, multi: { ranges: [[0, 10], [90, 10]], fallback: true } }, { limit: 40 + MIB, basis: "whole", fallback: true }],
    ["multi 200, always", { status: 200, multi: { ranges: [[0, 10], [90, 10]], fallback: false } }, { limit: 64 * MIB, basis: "whole", fallback: false }],
    ["multipart", { status: 206, contentType: "multipart/byteranges; boundary=x", multi: { ranges: [[0, 10], [90, 10]], fallback: true } },
      { limit: 20 + 2048 + 65536, basis: "multipart", fallback: true }],
    ["multi, one 206 covering all", { status: 206, contentRange: "bytes 0-99/5000", multi: { ranges: [[0, 10], [90, 10]], fallback: true } },
      { limit: 100, basis: "content-range", fallback: false }],
  ] as const)("%s", (_name, input, want) => {
    expect(bodyCap({ req, maxWholeBodyBytes: 64 * MIB, ...input } as Parameters<typeof bodyCap>[0])).toEqual(want);
  });

  it("caps the auto multi-range 200 at maxWholeBodyBytes too, and names the limit in errors", () => {
    const cap = bodyCap({ req, status: 200, maxWholeBodyBytes: 1000, multi: { ranges: [[0, 600]], fallback: true } });
    expect(cap).toEqual({ limit: 1000, basis: "whole", fallback: true });
    const err = bodyTooLong({ url: "http://h/a.tif", offset: 0, length: 10 }, 200, { limit: 64 * MIB, basis: "whole", fallback: false });
    expect(err.message).toMatch(/^GET http:\/\/h\/a\.tif -> 200: server ignores Range and sent more than 67108864 bytes \(64 MiB\) \(range bytes=0-9\); raise/);
    expect(err.context).toEqual({ url: "http://h/a.tif", status: 200, offset: 0, length: 10 });
  });

  it("checkRangeBody never cuts a body longer than its Content-Range or than asked", () => {
    const r = { url: "u", offset: 0, length: 4 };
    expect(() => checkRangeBody(r, 206, "bytes 0-3/100", DATA.subarray(0, 5))).toThrow(/body longer than Content-Range "bytes 0-3\/100" says: got 5 of 4/);
    expect(() => checkRangeBody(r, 206, undefined, DATA.subarray(0, 5))).toThrow(/body longer than asked: got 5 of 4/);
    expect(checkRangeBody(r, 206, "bytes 0-5/100", DATA.subarray(0, 6)).bytes).toEqual(DATA.subarray(0, 4));
  });

  it("parses Content-Encoding lists", () => {
    expect(contentCodings(" GZIP , br")).toEqual(["gzip", "br"]);
    expect(contentCodings("identity")).toEqual([]);
    expect(contentCodings(undefined)).toEqual([]);
  });

  it("collectBody: refuses by the declared length unread, stops one chunk past the limit, abandons the rest", async () => {
    const chunks = (n: number, size: number) => {
      let i = 0;
      let abandoned = 0;
      return {
        next: async () => (i < n ? { value: new Uint8Array(size).fill(++i) } : { done: true }),
        abandon: () => { abandoned++; },
        get pulled() { return i; },
        get abandoned() { return abandoned; },
      };
    };
    const a = chunks(10, 100);
    expect(await collectBody(a, 1000, 1001)).toBeUndefined();
    expect([a.pulled, a.abandoned]).toEqual([0, 1]);
    const b = chunks(10, 100);
    expect(await collectBody(b, 450)).toBeUndefined();
    expect([b.pulled, b.abandoned]).toEqual([5, 1]);
    const c = chunks(3, 100);
    const got = await collectBody(c, 300, 300);
    expect(got?.length).toBe(300);
    expect([got?.[0], got?.[299], c.abandoned]).toEqual([1, 3, 0]);
    const d = chunks(3, 100); // a wrong Content-Length does not lose bytes
    expect((await collectBody(d, 1000, 50))?.length).toBe(300);
  });
});

describe("COGReader.open passes HTTP settings to its source", () => {
  let plain: LocalServer;
  let plainBase: string;
  let requests = 0;
  const file = new Uint8Array(readFileSync(new URL("./fixtures/uint8_1band_deflate_block256_ovr2.tif", import.meta.url)));

  beforeAll(async () => {
    // Ignores Range: every answer is the whole file, as a static server without range support.
    plain = await listenLocal((_req, res) => {
      requests++;
      res.writeHead(200, { "content-length": file.length }).end(file);
    });
    plainBase = plain.base;
  });

  afterAll(() => plain.close());

  it("a whole-file 200 under the default cap is kept: one request for open and tiles", async () => {
    requests = 0;
    const cog = await COGReader.open(`${plainBase}/a.tif`, { blockCache: false, headerCache: false });
    await cog.getTile(0, 0, 0);
    expect(requests).toBe(1);
    await cog.close();
  });

  it("http.maxWholeBodyBytes below the file size makes open fail with COG_HTTP after one request", async () => {
    requests = 0;
    const e = await catchCogError(COGReader.open(`${plainBase}/b.tif`, { headerCache: false, http: { maxWholeBodyBytes: 20_000, retries: 0 } }));
    expect(e.code).toBe("COG_HTTP");
    expect(e.message).toContain("server ignores Range");
    expect(requests).toBe(1);
  });
});
