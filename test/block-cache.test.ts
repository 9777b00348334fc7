import { describe, expect, it } from "vitest";
import { BlockCache, COGReader, isCogError } from "../src/index.js";
import { LruCache } from "../src/io/lru-cache.js";
import type { ReadOptions } from "../src/source/types.js";
import { FlakySource, RecordingSource } from "./helpers/recording-source.js";

const FIXTURE = new URL("./fixtures/uint8_1band_deflate_block256_ovr2.tif", import.meta.url).pathname;

async function open(cache?: BlockCache | false) {
  const source = RecordingSource.fromFile(FIXTURE);
  // Decoded tiles are not cached here: every getTile goes to the block cache.
  const cog = await COGReader.open(source, { blockCache: cache ?? new BlockCache({ maxBytes: 1 << 20 }), tileCache: false });
  const [a] = await cog.locateTile(0, 0, 0);
  const [b] = await cog.locateTile(1, 0, 0);
  source.reads.length = 0;
  return { cog, source, a: [a.offset, a.length], b: [b.offset, b.length] };
}

describe("block cache and in-flight dedup", () => {
  it("a repeated tile costs no request", async () => {
    const { cog, source, a } = await open();
    const first = await cog.getTile(0, 0, 0);
    const again = await cog.getTile(0, 0, 0);
    expect(source.reads).toEqual([a]);
    expect(again.data).toEqual(first.data);
  });

  it("two concurrent reads of one tile cost one request", async () => {
    const { cog, source, a } = await open();
    await Promise.all([cog.getTile(0, 0, 0), cog.getTile(0, 0, 0), cog.getTile(0, 0, 0)]);
    expect(source.reads).toEqual([a]);
  });

  it("evicts the least recently used block past the byte budget", async () => {
    const { cog, source, a, b } = await open(new BlockCache({ maxBytes: 1 }));
    await cog.getTile(0, 0, 0);
    await cog.getTile(1, 0, 0);
    await cog.getTile(0, 0, 0);
    expect(source.reads).toEqual([a, b, a]);
  });

  it("keeps within its budget and counts hits and evictions", async () => {
    const cache = new BlockCache({ maxBytes: 3 * 30_000 });
    const { cog } = await open(cache);
    for (const x of [0, 1, 2, 0, 1, 2]) await cog.getTile(x, 1, 0);
    expect(cache.size).toBeLessThanOrEqual(3 * 30_000);
    expect(cache.stats.hits + cache.stats.misses).toBe(6);
  });

  it("with blockCache: false every read goes to the source", async () => {
    const { cog, source, a } = await open(false);
    await cog.getTile(0, 0, 0);
    await cog.getTile(0, 0, 0);
    expect(source.reads).toEqual([a, a]);
  });

  it("does not remember a failed read", async () => {
    const flaky = FlakySource.fromFile(FIXTURE);
    const cog = await COGReader.open(flaky, { blockCache: new BlockCache({ maxBytes: 1 << 20 }) });
    await cog.locateTile(0, 0, 0);
    const before = flaky.reads.length;
    flaky.failNext();
    await expect(cog.getTile(0, 0, 0)).rejects.toThrow(/connection reset/);
    const tile = await cog.getTile(0, 0, 0);
    expect(tile.width).toBe(256);
    expect(flaky.reads.length - before).toBe(1);
  });

  it("one caller aborting does not cancel a read another caller waits for", async () => {
    const cache = new BlockCache({ maxBytes: 1 << 20 });
    let release!: (v: Uint8Array) => void;
    let sharedSignal: AbortSignal | undefined;
    const load = (signal: AbortSignal) => {
      sharedSignal = signal;
      return new Promise<Uint8Array>((resolve) => (release = resolve));
    };
    const ctl = new AbortController();
    const first = cache.get("k", load, ctl.signal);
    const second = cache.get("k", load);
    ctl.abort();
    const e = await first.catch((err: unknown) => err);
    expect(isCogError(e, "COG_ABORT")).toBe(true);
    expect(sharedSignal?.aborted).toBe(false);
    release(new Uint8Array([1, 2, 3]));
    expect(Array.from(await second)).toEqual([1, 2, 3]);
  });

  it("the shared read is cancelled when every caller aborts", async () => {
    const cache = new BlockCache({ maxBytes: 1 << 20 });
    let sharedSignal: AbortSignal | undefined;
    const load = (signal: AbortSignal) => {
      sharedSignal = signal;
      return new Promise<Uint8Array>((_, reject) => signal.addEventListener("abort", () => reject(new Error("cancelled"))));
    };
    const c1 = new AbortController();
    const c2 = new AbortController();
    const p1 = cache.get("k", load, c1.signal).catch((e: unknown) => e);
    const p2 = cache.get("k", load, c2.signal).catch((e: unknown) => e);
    c1.abort();
    expect(sharedSignal?.aborted).toBe(false);
    c2.abort();
    expect(sharedSignal?.aborted).toBe(true);
    await Promise.all([p1, p2]);
    expect(cache.has("k")).toBe(false);
  });
});

describe("header cache", () => {
  it("a second open of the same URL costs no request, and its tiles are read through it", async () => {
    const { readFileSync } = await import("node:fs");
    const { startRangeServer } = await import("./helpers/range-server.js");
    const server = await startRangeServer({ "/a.tif": new Uint8Array(readFileSync(FIXTURE)) });
    try {
      const url = `${server.url}/a.tif`;
      const first = await COGReader.open(url, { blockCache: false });
      expect(first.requests.count).toBe(1);
      const second = await COGReader.open(url, { blockCache: false });
      expect(second.requests.count).toBe(0);
      expect(second.ifds).toEqual(first.ifds);
      const tile = await second.getTile(1, 1, 0);
      expect(tile.width).toBe(256);
      expect(second.requests.count).toBe(1);
      expect(first.requests.count).toBe(1);
      const third = await COGReader.open(url, { headerCache: false, blockCache: false });
      expect(third.requests.count).toBe(1);
      expect(server.requests.every((r) => r.method === "GET")).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe("header snapshots", () => {
  it("open from a snapshot costs no request and reads the same tiles", async () => {
    const first = await COGReader.open(RecordingSource.fromFile(FIXTURE), { blockCache: false });
    await first.locateTile(1, 1, 0);
    const snap = JSON.parse(JSON.stringify(first.snapshot()));
    expect(snap.format).toBe("cogread-header-snapshot");
    const source = RecordingSource.fromFile(FIXTURE);
    const cog = await COGReader.open(source, { snapshot: snap, blockCache: false });
    expect(source.reads).toEqual([]);
    expect(cog.ifds).toEqual(first.ifds);
    const [range] = await cog.locateTile(1, 1, 0);
    expect(source.reads).toEqual([]);
    const tile = await cog.getTile(1, 1, 0);
    expect(source.reads).toEqual([[range.offset, range.length]]);
    expect(tile.data).toEqual((await first.getTile(1, 1, 0)).data);
  });

  it("a malformed snapshot is COG_USAGE", async () => {
    const e = await COGReader.open(RecordingSource.fromFile(FIXTURE), { snapshot: { format: "x" } as never }).catch((err: unknown) => err);
    expect(isCogError(e, "COG_USAGE")).toBe(true);
  });
});

describe("a file that changes under the caches", () => {
  it("a cached header meets a new ETag: COG_SOURCE_CHANGED, and the caches forget the file", async () => {
    const { readFileSync } = await import("node:fs");
    const { startRangeServer } = await import("./helpers/range-server.js");
    const server = await startRangeServer({ "/b.tif": new Uint8Array(readFileSync(FIXTURE)) });
    server.etags["/b.tif"] = '"v1"';
    try {
      const url = `${server.url}/b.tif`;
      const first = await COGReader.open(url);
      await first.getTile(0, 0, 0);
      server.etags["/b.tif"] = '"v2"';
      const second = await COGReader.open(url); // header from the cache, expecting "v1"
      expect(second.requests.count).toBe(0);
      const e = await second.getTile(1, 0, 0).catch((err: unknown) => err);
      expect(isCogError(e, "COG_SOURCE_CHANGED")).toBe(true);
      expect((e as Error).message).toContain('"v2"');
      const third = await COGReader.open(url);
      expect(third.requests.count).toBe(1); // the header cache dropped the file
      await third.getTile(0, 0, 0);
      expect(third.requests.count).toBe(2); // and so did the block cache
    } finally {
      await server.close();
    }
  });

  it("a snapshot carries the ETag and is checked on the first tile read", async () => {
    const { readFileSync } = await import("node:fs");
    const { startRangeServer } = await import("./helpers/range-server.js");
    const server = await startRangeServer({ "/c.tif": new Uint8Array(readFileSync(FIXTURE)) });
    server.etags["/c.tif"] = '"a"';
    try {
      const url = `${server.url}/c.tif`;
      const snap = (await COGReader.open(url, { headerCache: false })).snapshot();
      expect(snap.etag).toBe('"a"');
      server.etags["/c.tif"] = '"b"';
      const cog = await COGReader.open(url, { snapshot: snap, headerCache: false, blockCache: false });
      expect(cog.requests.count).toBe(0);
      await expect(cog.getTile(0, 0, 0)).rejects.toMatchObject({ code: "COG_SOURCE_CHANGED" });
    } finally {
      await server.close();
    }
  });
});

describe("LruCache with a value larger than its budget", () => {
  it("hands the value over uncached and keeps every other entry", async () => {
    const cache = new LruCache<Uint8Array>({ maxBytes: 100, sizeOf: (v) => v.byteLength });
    cache.put("a", new Uint8Array(40));
    await cache.get("b", async () => new Uint8Array(40));
    let loads = 0;
    const big = () => cache.get("big", async () => (loads++, new Uint8Array(150)));
    expect((await big()).byteLength).toBe(150);
    expect([cache.has("a"), cache.has("b"), cache.has("big")]).toEqual([true, true, false]);
    expect([cache.size, cache.stats.evictions]).toEqual([80, 0]);
    await big();
    expect(loads).toBe(2); // not remembered: each ask loads it again
  });
});
