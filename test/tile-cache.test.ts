import { afterEach, describe, expect, it, vi } from "vitest";
import { BlockCache, COGReader, TileCache } from "../src/index.js";
import { decodeBlock } from "../src/decode/block.js";
import type { DecodePool } from "../src/decode/worker-pool.js";
import { FlakySource, RecordingSource } from "./helpers/recording-source.js";

const FIXTURE = new URL("./fixtures/uint8_1band_deflate_block256_mask_ovr2.tif", import.meta.url).pathname;

/** A decode "pool" on this thread that counts the blocks it decodes. */
function countingPool(): DecodePool & { decoded: number } {
  const pool = {
    decoded: 0,
    decode: (bytes: Uint8Array, block: Parameters<typeof decodeBlock>[1], dtype: Parameters<typeof decodeBlock>[2]) => {
      pool.decoded++;
      return decodeBlock(bytes, block, dtype);
    },
    close: async () => undefined,
  };
  return pool;
}

async function open(tileCache: TileCache | false = new TileCache({ maxBytes: 1 << 24 })) {
  const source = RecordingSource.fromFile(FIXTURE);
  const pool = countingPool();
  const cog = await COGReader.open(source, { blockCache: new BlockCache({ maxBytes: 1 << 24 }), tileCache, decodePool: pool });
  await cog.locateTile(0, 0, 0);
  source.reads.length = 0;
  return { cog, source, pool };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("decoded-tile cache", () => {
  it("a tile read again is neither fetched nor decoded again, and each caller gets its own copy", async () => {
    const { cog, source, pool } = await open();
    const first = await cog.getTile(1, 0, 0);
    expect(source.reads).toHaveLength(1);
    expect(pool.decoded).toBe(2); // image block and mask block
    const before = Uint8Array.from(first.data as Uint8Array);
    (first.data as Uint8Array).fill(7);
    first.mask!.fill(0);
    const again = await cog.getTile(1, 0, 0);
    expect(source.reads).toHaveLength(1);
    expect(pool.decoded).toBe(2);
    expect(again.data).toEqual(before);
    expect(again.mask!.some((m) => m === 255)).toBe(true);
  });

  it("concurrent reads of one tile: one request, one decode", async () => {
    const { cog, source, pool } = await open();
    const tiles = await Promise.all([cog.getTile(0, 1, 0), cog.getTile(0, 1, 0), cog.getTile(0, 1, 0)]);
    expect(source.reads).toHaveLength(1);
    expect(pool.decoded).toBe(2);
    expect(tiles[1].data).toEqual(tiles[0].data);
    expect(tiles[1].data).not.toBe(tiles[0].data);
  });

  it("windows reuse decoded tiles, and a plan counts them free", async () => {
    const { cog, source, pool } = await open();
    await cog.getTile(0, 0, 0);
    await cog.getTile(1, 0, 0);
    const reads = source.reads.length;
    const decoded = pool.decoded;
    const win = { x: 200, y: 10, width: 100, height: 40 }; // tiles (0,0) and (1,0)
    expect(await cog.plan.readWindow(win, 0)).toMatchObject({ data: [], free: 2, complete: true });
    await cog.readWindow(win, 0);
    expect(source.reads.length).toBe(reads);
    expect(pool.decoded).toBe(decoded);
  });

  it("evicts the least recently used tile past its byte budget", async () => {
    // One 256x256 tile with its mask: 2 x 65,536 bytes.
    const { cog, pool } = await open(new TileCache({ maxBytes: 2 * 65_536 }));
    await cog.getTile(0, 0, 0);
    await cog.getTile(1, 0, 0);
    await cog.getTile(1, 0, 0);
    await cog.getTile(0, 0, 0);
    expect(pool.decoded).toBe(6);
  });

  it("tileCache: false decodes every read (the block cache still saves the request)", async () => {
    const { cog, source, pool } = await open(false);
    await cog.getTile(1, 1, 0);
    await cog.getTile(1, 1, 0);
    expect(source.reads).toHaveLength(1);
    expect(pool.decoded).toBe(4);
  });

  it("COGREAD_ENABLE_BLOCK_CACHE=FALSE turns the default tile cache off too", async () => {
    vi.stubEnv("COGREAD_ENABLE_BLOCK_CACHE", "FALSE");
    const source = RecordingSource.fromFile(FIXTURE);
    const pool = countingPool();
    const cog = await COGReader.open(source, { decodePool: pool });
    await cog.getTile(1, 1, 0);
    await cog.getTile(1, 1, 0);
    expect(pool.decoded).toBe(4);
  });

  it("a failed read is not cached: the next read fetches and decodes again", async () => {
    const flaky = FlakySource.fromFile(FIXTURE);
    const pool = countingPool();
    const cog = await COGReader.open(flaky, { blockCache: false, tileCache: new TileCache({ maxBytes: 1 << 24 }), decodePool: pool });
    await cog.locateTile(0, 0, 0);
    const before = flaky.reads.length;
    flaky.failNext();
    await expect(cog.getTile(0, 0, 0)).rejects.toThrow(/connection reset/);
    expect(pool.decoded).toBe(0);
    const tile = await cog.getTile(0, 0, 0);
    expect(tile.width).toBe(256);
    expect(flaky.reads.length - before).toBe(1);
    expect(pool.decoded).toBe(2);
  });

  it("a caller that has already aborted starts no read and no decode", async () => {
    const { cog, source, pool } = await open();
    const controller = new AbortController();
    controller.abort();
    await expect(cog.getTile(0, 0, 0, { signal: controller.signal })).rejects.toMatchObject({ code: "COG_ABORT" });
    await new Promise((r) => setTimeout(r, 20));
    expect(source.reads).toEqual([]);
    expect(pool.decoded).toBe(0);
  });
});
