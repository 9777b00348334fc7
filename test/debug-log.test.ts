import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BlockCache, COGReader, type CogError } from "../src/index.js";
import { formatCacheLine } from "../src/io/block-cache.js";
import { fetchMerged } from "../src/io/prefetch.js";
import { CountingSource } from "../src/io/stats.js";
import { formatDebugLine } from "../src/io/debug-log.js";
import { redactUrl, redactUrlsIn } from "../src/redact.js";
import { FetchSource, type HttpRangeSource } from "../src/source/fetch.js";
import type { HttpTransportOptions } from "../src/source/http-retry.js";
import { HttpSource } from "../src/source/http.js";
import type { ReadOptions, RequestReport } from "../src/source/types.js";
import { startRangeServer, type RangeServer, type RangeServerOptions } from "./helpers/range-server.js";
import { RecordingSource } from "./helpers/recording-source.js";

const DATA = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31 + 7) & 255);
const FIXTURE = new URL("./fixtures/uint8_1band_deflate_block256_ovr2.tif", import.meta.url).pathname;
const FAST: HttpTransportOptions = { retryBaseMs: 1, retryMaxMs: 5, timeoutMs: 5000 };

const servers: RangeServer[] = [];
async function serve(files: Record<string, Uint8Array>, options?: RangeServerOptions): Promise<RangeServer> {
  const server = await startRangeServer(files, options);
  servers.push(server);
  return server;
}

/** Captures the `cogread: ` lines written on stderr, with every "<n> ms" made "N ms". */
function captureDebug(): () => string[] {
  const written: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  return () => written.join("").split("\n").filter((l) => l.startsWith("cogread: ")).map((l) => l.replace(/ \d+ ms/, " N ms"));
}

/** Every range the server was asked for, flattened and sorted, as `[offset, length]`. */
function serverRanges(server: RangeServer): Array<[number, number]> {
  return server.requests
    .flatMap((r) => (r.range ?? "").slice(6).split(",").map((p): [number, number] => {
      const [a, b] = p.split("-").map(Number) as [number, number];
      return [a, b - a + 1];
    }))
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}

const sorted = (ranges: Array<[number, number]>) => [...ranges].sort((x, y) => x[0] - y[0] || x[1] - y[1]);

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const SOURCES: Array<[string, (url: string, o?: HttpTransportOptions) => HttpRangeSource]> = [
  ["HttpSource", (url, o = {}) => new HttpSource(url, o)],
  ["FetchSource", (url, o = {}) => new FetchSource(url, o)],
];

describe.each(SOURCES)("debug lines of %s", (_name, make) => {
  it("a plain read: range, status, bytes, time", async () => {
    const server = await serve({ "/f.tif": DATA });
    const lines = captureDebug();
    const source = new CountingSource(make(`${server.url}/f.tif`), { debug: true });
    await source.read(100, 100);
    expect(lines()).toEqual([`cogread: ${server.url}/f.tif bytes=100-199 status=206 100 B N ms`]);
    expect(source.stats).toMatchObject({ count: 1, bytes: 100, ranges: [[100, 100]] });
  });

  it("a read retried after two 503s says retried=2, counts one request; the server saw three", async () => {
    const server = await serve({ "/f.tif": DATA }, { fail: (n) => (n <= 2 ? 503 : undefined) });
    const lines = captureDebug();
    const source = new CountingSource(make(`${server.url}/f.tif`, FAST), { debug: true });
    expect(await source.read(0, 50)).toEqual(DATA.subarray(0, 50));
    expect(lines()).toEqual([`cogread: ${server.url}/f.tif bytes=0-49 status=206 50 B N ms retried=2(503,503)`]);
    expect(server.requests).toHaveLength(3);
    expect(source.stats.count).toBe(1);
  });

  it("a read that fails after its retries says the error, its status and the failed tries", async () => {
    const server = await serve({ "/f.tif": DATA }, { fail: () => 503 });
    const lines = captureDebug();
    const source = new CountingSource(make(`${server.url}/f.tif`, FAST), { debug: true });
    await expect(source.read(0, 50)).rejects.toMatchObject({ code: "COG_HTTP" });
    expect(lines()).toEqual([`cogread: ${server.url}/f.tif bytes=0-49 status=503 error=COG_HTTP 0 B N ms retried=2(503,503)`]);
    expect(source.stats.count).toBe(1);
  });

  it("a retried connection reset is named by its error code", async () => {
    const server = await serve({ "/f.tif": DATA }, {
      fail: (n, req) => {
        if (n === 1) req.socket.destroy();
        return n === 1 ? 500 : undefined;
      },
    });
    const lines = captureDebug();
    const source = new CountingSource(make(`${server.url}/f.tif`, FAST), { debug: true });
    await source.read(0, 10);
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatch(/ bytes=0-9 status=206 10 B N ms retried=1\([A-Z][A-Z_]+\)$/);
    expect(server.requests).toHaveLength(2);
  });

  it("a signed query string never reaches the log", async () => {
    const path = "/s.tif?X-Amz-Credential=AKIDEXAMPLE&X-Amz-Signature=s3cr3t";
    const server = await serve({ [path]: DATA });
    const lines = captureDebug();
    const source = new CountingSource(make(`${server.url}${path}`), { debug: true });
    await source.read(0, 10);
    expect(lines()).toEqual([`cogread: ${server.url}/s.tif?… bytes=0-9 status=206 10 B N ms`]);
    expect(lines().join("\n")).not.toMatch(/s3cr3t|AKIDEXAMPLE|Signature/);
  });
});

describe("merged requests", () => {
  it("a merged prefetch request says how many blocks it carries", async () => {
    const server = await serve({ "/m.tif": DATA });
    const lines = captureDebug();
    const source = new CountingSource(new HttpSource(`${server.url}/m.tif`), { debug: true });
    const cache = new BlockCache({ maxBytes: 1 << 20, log: false });
    const blocks = await fetchMerged(source, [[0, 100], [110, 100], [220, 100]], { cache, key: "k", mergeGap: 16, maxMergedBytes: 1 << 20 });
    expect(blocks.size).toBe(3);
    expect(lines()).toEqual([`cogread: ${server.url}/m.tif bytes=0-319 status=206 320 B N ms merged=3`]);
    expect(cache.has("k|110|100")).toBe(true);
    expect(cache.stats).toMatchObject({ hits: 0, misses: 0 }); // storing prefetched blocks is no lookup
  });

  it("one multipart request carrying several merged ranges sums their blocks", async () => {
    const server = await serve({ "/m.tif": DATA }, { multiRange: "multipart" });
    const lines = captureDebug();
    const source = new CountingSource(new HttpSource(`${server.url}/m.tif`), { debug: true });
    const cache = new BlockCache({ maxBytes: 1 << 20, log: false });
    await fetchMerged(source, [[0, 100], [110, 100], [50_000, 100]], { cache, key: "k", mergeGap: 16, maxMergedBytes: 1 << 20 });
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatch(new RegExp(`^cogread: ${server.url}/m\\.tif bytes=0-209,50000-50099 status=206 \\d+ B N ms merged=3$`));
    expect(server.requests).toHaveLength(1);
    expect(source.stats.count).toBe(1);
  });

  it("a window of two adjacent tiles is one request with merged=2 (COGREAD_LOG_LEVEL=DEBUG)", async () => {
    vi.stubEnv("COGREAD_LOG_LEVEL", "DEBUG");
    captureDebug();
    const server = await serve({ "/w.tif": new Uint8Array(readFileSync(FIXTURE)) });
    const cog = await COGReader.open(`${server.url}/w.tif`, { blockCache: new BlockCache({ maxBytes: 1 << 20 }), tileCache: false, headerCache: false });
    const [a] = await cog.locateTile(0, 0, 0);
    const [b] = await cog.locateTile(1, 0, 0);
    const lines = captureDebug();
    await cog.readWindow({ x: 0, y: 0, width: 512, height: 256 }, 0);
    const end = b.offset + b.length - 1;
    expect(lines()).toEqual([`cogread: ${server.url}/w.tif bytes=${a.offset}-${end} status=206 ${end - a.offset + 1} B N ms merged=2`]);
  });
});

describe("block cache lines", () => {
  async function openDebug(name: string) {
    vi.stubEnv("COGREAD_LOG_LEVEL", "DEBUG");
    captureDebug(); // the header read's line is not this test's business
    const server = await serve({ [name]: new Uint8Array(readFileSync(FIXTURE)) });
    const blockCache = new BlockCache({ maxBytes: 1 << 20 });
    const cog = await COGReader.open(`${server.url}${name}`, { blockCache, tileCache: false, headerCache: false });
    const [t] = await cog.locateTile(0, 0, 0);
    return { server, cog, blockCache, url: `${server.url}${name}`, range: `bytes=${t.offset}-${t.offset + t.length - 1}`, length: t.length };
  }

  it("a cache hit logs `cached`, 0 bytes, and costs no request", async () => {
    const { server, cog, url, range, length } = await openDebug("/c.tif");
    const lines = captureDebug();
    await cog.getTile(0, 0, 0);
    const count = cog.requests.count;
    const seen = server.requests.length;
    await cog.getTile(0, 0, 0);
    expect(lines()).toEqual([`cogread: ${url} ${range} status=206 ${length} B N ms`, `cogread: ${url} ${range} cached 0 B`]);
    expect(cog.requests.count).toBe(count);
    expect(server.requests).toHaveLength(seen);
  });

  it("a read joining one in flight logs `cached joined-in-flight`", async () => {
    const { cog, blockCache, url, range, length } = await openDebug("/j.tif");
    // A second reader of the same URL sharing the block cache (one reader shares its decodes itself).
    const other = await COGReader.open(url, { blockCache, tileCache: false, headerCache: false });
    await other.locateTile(0, 0, 0);
    const lines = captureDebug();
    await Promise.all([cog.getTile(0, 0, 0), other.getTile(0, 0, 0)]);
    expect(lines()).toEqual([`cogread: ${url} ${range} cached joined-in-flight 0 B`, `cogread: ${url} ${range} status=206 ${length} B N ms`]);
    expect(cog.requests.count + other.requests.count).toBe(3); // two header reads and the one tile read
  });

  it("tells its own logger, or nobody with log: false", async () => {
    vi.stubEnv("COGREAD_LOG_LEVEL", "DEBUG");
    const lines = captureDebug();
    const events: unknown[] = [];
    const cache = new BlockCache({ maxBytes: 1 << 20, log: (e) => events.push(e) });
    let release!: (b: Uint8Array) => void;
    const first = cache.get("u|0|3", () => new Promise((r) => (release = r)));
    const joined = cache.get("u|0|3", () => Promise.reject(new Error("not called")));
    release(new Uint8Array(3));
    await Promise.all([first, joined]);
    await cache.get("u|0|3", () => Promise.reject(new Error("not called")));
    expect(events).toEqual([{ kind: "joined", key: "u|0|3" }, { kind: "hit", key: "u|0|3" }]);
    const quiet = new BlockCache({ maxBytes: 1 << 20, log: false });
    await quiet.get("q|0|1", async () => new Uint8Array(1));
    await quiet.get("q|0|1", async () => new Uint8Array(1));
    expect(lines()).toEqual([]);
  });

  it("keys of readers opened from a Source object show the source's URL, redacted", () => {
    expect(formatCacheLine("object#3:memory://recorded|10|5", false)).toBe("memory://recorded bytes=10-14 cached 0 B");
    expect(formatCacheLine("https://h/f.tif?sig=s3cr3t|0|1", true)).toBe("https://h/f.tif?… bytes=0-0 cached joined-in-flight 0 B");
    expect(formatCacheLine("plain-key", false)).toBe("plain-key cached 0 B");
  });
});

describe("line format", () => {
  it.each([
    ["https://h/f.tif?X-Amz-Signature=abc&t=1", "https://h/f.tif?…"],
    ["https://user:pass@h/f.tif#frag", "https://…@h/f.tif"],
    ["s3://bucket/key.tif", "s3://bucket/key.tif"],
    ["/data/what?.tif", "/data/what?.tif"],
  ])("redactUrl(%s) = %s", (url, want) => {
    expect(redactUrl(url)).toBe(want);
  });

  it("errors hide a presigned URL's query string in message and context", async () => {
    const server = await serve({ "/f.tif": DATA });
    const url = `${server.url}/missing.tif?X-Amz-Credential=AKIDSECRET&X-Amz-Signature=s3cr3tsig`;
    const e = (await COGReader.open(url, { headerCache: false }).then(() => undefined, (err: unknown) => err)) as CogError;
    expect(e).toMatchObject({ code: "COG_HTTP", context: { status: 404, url: `${server.url}/missing.tif?…` } });
    expect(`${e.message} ${JSON.stringify(e.context)}`).not.toMatch(/AKIDSECRET|s3cr3tsig/);
    expect(e.message).toContain(`${server.url}/missing.tif?…`);
    expect(redactUrlsIn("GET https://h/a.tif?sig=1, then (https://u:p@h/b.tif).")).toBe("GET https://h/a.tif?…, then (https://…@h/b.tif).");
  });

  it("orders its fields and leaves out the empty ones", () => {
    expect(formatDebugLine({ url: "https://h/f.tif", ranges: [[100, 100]], status: 206, bytes: 200, ms: 21, merged: 3, retried: [503] }))
      .toBe("https://h/f.tif bytes=100-199 status=206 200 B 21 ms merged=3 retried=1(503)");
    expect(formatDebugLine({ url: "f.tif", ranges: [[0, 10], [20, 5]], bytes: 15, merged: 1, retried: [] })).toBe("f.tif bytes=0-9,20-24 15 B");
  });

  it("a source that does not report: one line per read, no status, one request each", async () => {
    const lines = captureDebug();
    const source = new CountingSource(new RecordingSource(DATA), { debug: true });
    await source.read(0, 10, { merged: 2 });
    expect(lines()).toEqual(["cogread: memory://recorded bytes=0-9 10 B N ms merged=2"]);
    const withRanges = Object.assign(new RecordingSource(DATA), {
      async readRanges(ranges: Array<[number, number]>, _o?: ReadOptions) {
        return ranges.map(([o, n]) => DATA.slice(o, o + n));
      },
    });
    const legacy = new CountingSource(withRanges, { debug: true });
    await legacy.readMany([[0, 10], [100, 10]], { multiRange: true });
    expect(legacy.stats).toMatchObject({ count: 1, bytes: 20, ranges: [[0, 10], [100, 10]] });
    expect(lines()[1]).toBe("cogread: memory://recorded bytes=0-9,100-109 20 B N ms merged=2");
  });
});

describe.each(SOURCES)("requests.count is what the server saw (%s)", (_name, make) => {
  const RANGES: Array<[number, number]> = [[0, 100], [1000, 100], [5000, 100]];

  async function readTwice(options: RangeServerOptions, files: Record<string, Uint8Array> = { "/r.tif": DATA }) {
    const server = await serve(files, options);
    const reports: RequestReport[] = [];
    const source = new CountingSource(make(`${server.url}/r.tif`));
    for (let i = 0; i < 2; i++) {
      const bodies = await source.readMany(RANGES, { multiRange: true, onRequest: (r) => reports.push(r) });
      expect(bodies).toEqual(RANGES.map(([o, n]) => DATA.subarray(o, o + n)));
      expect(source.stats.count).toBe(server.requests.length);
      expect(sorted(source.stats.ranges)).toEqual(serverRanges(server));
    }
    return { server, source, reports };
  }

  it("multipart: one request per call", async () => {
    const { server } = await readTwice({ multiRange: "multipart" });
    expect(server.requests).toHaveLength(2);
  });

  it("multi-range refused (501): the refused request, then one request per range", async () => {
    const { server, source } = await readTwice({ multiRange: 501 });
    expect(server.requests).toHaveLength(1 + 3 + 3); // the second call goes straight to single ranges
    expect(source.stats.ranges.slice(0, 3)).toEqual(RANGES); // the refused request comes first
  });

  it("only the first range answered (206): the rest fetched on their own", async () => {
    const { server } = await readTwice({ multiRange: "first" });
    expect(server.requests).toHaveLength(1 + 2 + 3);
  });

  it("a 200 whole body: one request, then none (served from memory)", async () => {
    const { server, source, reports } = await readTwice({ multiRange: "whole" });
    expect(server.requests).toHaveLength(1);
    expect(source.stats.count).toBe(1);
    expect(reports.map((r) => [r.status, r.sent])).toEqual([[200, undefined], [undefined, false], [undefined, false], [undefined, false]]);
    await source.read(10, 10);
    expect(source.stats.count).toBe(1);
  });

  it("a 200 whole body too big to keep (S3, GCS): dropped, then one request per range", async () => {
    const big = new Uint8Array(1_200_000);
    big.set(DATA);
    const { server } = await readTwice({ multiRange: "whole" }, { "/r.tif": big });
    expect(server.requests).toHaveLength(1 + 3 + 3);
  });

  it("the fallback requests get debug lines of their own", async () => {
    const server = await serve({ "/r.tif": DATA }, { multiRange: 501 });
    const lines = captureDebug();
    const source = new CountingSource(make(`${server.url}/r.tif`), { debug: true });
    await source.readMany(RANGES, { multiRange: true, merged: [2, 1, 1] });
    const u = `cogread: ${server.url}/r.tif`;
    expect(lines()[0]).toBe(`${u} bytes=0-99,1000-1099,5000-5099 status=501 0 B N ms merged=4`);
    expect(lines().slice(1).sort()).toEqual([
      `${u} bytes=0-99 status=206 100 B N ms merged=2`,
      `${u} bytes=1000-1099 status=206 100 B N ms`,
      `${u} bytes=5000-5099 status=206 100 B N ms`,
    ]);
  });
});
