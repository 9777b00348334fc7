import { deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COGReader, createDecodePool, isCogError, type DecodePool } from "../src/index.js";
import { buildTiff } from "./helpers/tiff-builder.js";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

describe("decode pool on worker threads", () => {
  let pool: DecodePool;
  beforeAll(async () => {
    pool = await createDecodePool({ size: 2 });
  });
  afterAll(async () => pool.close());

  it.each([
    "uint8_3band_jpeg_ycbcr_block256_mask_ovr2.tif",
    "uint8_3band_webp_lossless_block256_ovr1.tif",
    "uint16_1band_lzw_block256_predictor2_be_ovr2.tif",
    "float32_1band_lerc_zstd_block256_ovr1.tif",
    "int64_1band_deflate_block256_predictor2_ovr1.tif",
  ])("gives the same tiles as the calling thread: %s", async (name) => {
    const plain = await COGReader.open(fixture(name));
    const pooled = await COGReader.open(fixture(name), { decodePool: pool });
    try {
      const tiles = await Promise.all([0, 1].map((x) => Promise.all([plain.getTile(x, 1, 0), pooled.getTile(x, 1, 0)])));
      for (const [a, b] of tiles) {
        expect(b.data.constructor).toBe(a.data.constructor);
        expect(b.data).toEqual(a.data);
        expect(b.mask).toEqual(a.mask);
      }
    } finally {
      await plain.close();
      await pooled.close();
    }
  });

  it("brings typed errors back from the workers", async () => {
    const bomb = deflateSync(new Uint8Array(1 << 20));
    const tags = (offset: number) => [
      { tag: 256, type: 3, values: [64] },
      { tag: 257, type: 3, values: [64] },
      { tag: 258, type: 3, values: [8] },
      { tag: 259, type: 3, values: [8] },
      { tag: 322, type: 3, values: [64] },
      { tag: 323, type: 3, values: [64] },
      { tag: 324, type: 4, values: [offset] },
      { tag: 325, type: 4, values: [bomb.byteLength] },
    ];
    const { tailOffset } = buildTiff({ ifds: [tags(0)], tail: bomb });
    const cog = await COGReader.open(buildTiff({ ifds: [tags(tailOffset)], tail: bomb }).bytes, { decodePool: pool });
    const e = await cog.getTile(0, 0, 0).catch((err: unknown) => err);
    expect(isCogError(e, "COG_LIMIT")).toBe(true);
    expect((e as { context: object }).context).toMatchObject({ ifd: 0, x: 0, y: 0 });
  });
});
