/**
 * Window reads never look at the padding rows of a bottom edge tile (the rows of its block below
 * the image's last row): they decode only the rows inside the image, with the same pixels as the
 * whole block gives, while getTile keeps returning GDAL's whole block, padding included.
 */
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { COGReader, TileCache } from "../src/index.js";
import { decodeBlock } from "../src/decode/block.js";
import { blockValues } from "../src/decode/block-values.js";
import type { DecodePool } from "../src/decode/worker-pool.js";
import type { BlockInfo } from "../src/decode/types.js";
import { buildTiff } from "./helpers/tiff-builder.js";

// A 20 x 10 image of 2 uint16 bands in 16 x 1024 tiles (deflate, horizontal predictor, nodata 7):
// its two tiles are 102 times taller than the image.
const [WIDTH, HEIGHT, TILE_W, TILE_H, BANDS, NODATA] = [20, 10, 16, 1024, 2, 7];

/** Sample `band` of pixel (x, y) of the block of tile `tx`, padding included; both bands nodata on a diagonal. */
function sample(tx: number, x: number, y: number, band: number): number {
  const gx = tx * TILE_W + x;
  return (gx + y) % 5 === 0 ? NODATA : (gx * 131 + y * 17 + band * 1009) % 65536;
}

function edgeTallTiff(): Uint8Array {
  const blocks = [0, 1].map((tx) => {
    const values = new Uint16Array(TILE_W * TILE_H * BANDS);
    for (let y = 0; y < TILE_H; y++) {
      for (let x = 0; x < TILE_W; x++) for (let b = 0; b < BANDS; b++) values[(y * TILE_W + x) * BANDS + b] = sample(tx, x, y, b);
      // Predictor 2: each sample minus the one a pixel to its left, right to left.
      for (let i = TILE_W * BANDS - 1; i >= BANDS; i--) values[y * TILE_W * BANDS + i] -= values[y * TILE_W * BANDS + i - BANDS];
    }
    return deflateSync(new Uint8Array(values.buffer));
  });
  const tags = (offsets: number[]) => [
    { tag: 256, type: 3, values: [WIDTH] },
    { tag: 257, type: 3, values: [HEIGHT] },
    { tag: 258, type: 3, values: [16, 16] },
    { tag: 259, type: 3, values: [8] },
    { tag: 262, type: 3, values: [1] },
    { tag: 277, type: 3, values: [BANDS] },
    { tag: 284, type: 3, values: [1] },
    { tag: 317, type: 3, values: [2] },
    { tag: 322, type: 3, values: [TILE_W] },
    { tag: 323, type: 3, values: [TILE_H] },
    { tag: 324, type: 4, values: offsets },
    { tag: 325, type: 4, values: blocks.map((b) => b.length) },
    { tag: 338, type: 3, values: [0] },
    { tag: 339, type: 3, values: [1, 1] },
    { tag: 42113, type: 2, values: String(NODATA) },
  ];
  const tail = new Uint8Array(blocks[0].length + blocks[1].length);
  tail.set(blocks[0]);
  tail.set(blocks[1], blocks[0].length);
  const { tailOffset } = buildTiff({ ifds: [tags([0, 0])], tail });
  return buildTiff({ ifds: [tags([tailOffset, tailOffset + blocks[0].length])], tail }).bytes;
}

/** A decode "pool" on this thread that records each block's row bound and the values it returns. */
function recordingPool(): DecodePool & { calls: Array<{ rowsNeeded?: number; values: number }> } {
  const pool = {
    calls: [] as Array<{ rowsNeeded?: number; values: number }>,
    decode: async (bytes: Uint8Array, block: BlockInfo, dtype: Parameters<typeof decodeBlock>[2]) => {
      const values = await decodeBlock(bytes, block, dtype);
      pool.calls.push({ rowsNeeded: block.rowsNeeded, values: values.length });
      return values;
    },
    close: async () => undefined,
  };
  return pool;
}

async function open(tileCache: TileCache | false = false) {
  const pool = recordingPool();
  const cog = await COGReader.open(edgeTallTiff(), { blockCache: false, headerCache: false, tileCache, decodePool: pool });
  return { cog, pool };
}

/** The window's pixels and mask as the file defines them. */
function expected(win: { x: number; y: number; width: number; height: number }): { data: number[]; mask: number[] } {
  const data: number[] = [];
  const mask: number[] = [];
  for (let b = 0; b < BANDS; b++) {
    for (let y = win.y; y < win.y + win.height; y++) {
      for (let x = win.x; x < win.x + win.width; x++) data.push(sample(Math.floor(x / TILE_W), x % TILE_W, y, b));
    }
  }
  for (let y = win.y; y < win.y + win.height; y++) for (let x = win.x; x < win.x + win.width; x++) mask.push(sample(Math.floor(x / TILE_W), x % TILE_W, y, 0) === NODATA ? 0 : 255);
  return { data, mask };
}

describe("padding rows of an edge tile taller than the image", () => {
  const whole = { x: 0, y: 0, width: WIDTH, height: HEIGHT };

  it("a window read gives the file's pixels and mask, decoding only the rows inside the image", async () => {
    const { cog, pool } = await open();
    const r = await cog.readWindow(whole, 0);
    expect({ data: Array.from(r.data as Uint16Array), mask: Array.from(r.mask!) }).toEqual(expected(whole));
    expect(pool.calls).toEqual([
      { rowsNeeded: HEIGHT, values: TILE_W * HEIGHT * BANDS },
      { rowsNeeded: HEIGHT, values: TILE_W * HEIGHT * BANDS },
    ]);
  });

  it("getTile still returns the whole block, padding rows decoded and masked like data", async () => {
    const { cog, pool } = await open();
    const t = await cog.getTile(1, 0, 0);
    expect([t.width, t.height, t.data.length, t.mask!.length]).toEqual([TILE_W, TILE_H, TILE_W * TILE_H * BANDS, TILE_W * TILE_H]);
    expect(pool.calls).toEqual([{ rowsNeeded: undefined, values: TILE_W * TILE_H * BANDS }]);
    const at = (x: number, y: number, b: number) => (t.data as Uint16Array)[b * TILE_W * TILE_H + y * TILE_W + x];
    for (const [x, y] of [[0, 0], [3, HEIGHT], [15, 500], [4, 1023]]) {
      expect([at(x, y, 0), at(x, y, 1)]).toEqual([sample(1, x, y, 0), sample(1, x, y, 1)]);
      expect(t.mask![y * TILE_W + x]).toBe(sample(1, x, y, 0) === NODATA ? 0 : 255);
    }
  });

  it("a cached whole tile serves a window read; a window's rows do not serve getTile or its plan", async () => {
    const { cog, pool } = await open(new TileCache({ maxBytes: 1 << 24 }));
    await cog.getTile(0, 0, 0);
    const r = await cog.readWindow(whole, 0);
    expect(Array.from(r.data as Uint16Array)).toEqual(expected(whole).data);
    // Tile 0 came from the cache whole; tile 1 was decoded down to the image's last row.
    expect(pool.calls.map((c) => c.rowsNeeded)).toEqual([undefined, HEIGHT]);
    expect(await cog.plan.readWindow({ x: 16, y: 0, width: 4, height: 4 }, 0)).toMatchObject({ free: 1, data: [] });
    expect((await cog.plan.getTile(1, 0, 0)).data).toHaveLength(1);
    const t = await cog.getTile(1, 0, 0);
    expect(t.height).toBe(TILE_H);
    expect(pool.calls.map((c) => c.rowsNeeded)).toEqual([undefined, HEIGHT, undefined]);
  });
});

describe("blockValues with rowsNeeded", () => {
  const bytes = Uint8Array.from({ length: 4 * 3 * 2 * 8 }, (_, i) => (i * 37 + 11) & 0xff);
  const base: BlockInfo = {
    width: 4, height: 8, samples: 3, bitsPerSample: 16, sampleFormat: 1, littleEndian: false,
    compression: 1, photometric: 1, predictor: 2, expectedBytes: bytes.length, context: {},
  };
  it.each([
    ["uint16, predictor 2, big-endian", base, "uint16"],
    ["float32, predictor 3", { ...base, bitsPerSample: 32, sampleFormat: 3, predictor: 3, width: 2 }, "float32"],
    ["4-bit samples", { ...base, bitsPerSample: 4, predictor: 1, width: 16 }, "uint8"],
    ["uint8, no predictor (a view)", { ...base, bitsPerSample: 8, predictor: 1, width: 8 }, "uint8"],
  ] as const)("%s: the first rows of the whole block's values", (_, block, dtype) => {
    const all = blockValues(bytes, block, dtype);
    const top = blockValues(bytes, { ...block, rowsNeeded: 3 }, dtype);
    expect(top.length).toBe((all.length / 8) * 3);
    expect(Array.from(top as ArrayLike<number>)).toEqual(Array.from(all.subarray(0, top.length) as ArrayLike<number>));
  });
});
