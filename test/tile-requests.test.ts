import { describe, expect, it } from "vitest";
import { COGReader } from "../src/index.js";
import { corpusFile } from "./helpers/corpus.js";
import { RecordingSource } from "./helpers/recording-source.js";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

async function openRecorded(path: string): Promise<{ cog: COGReader; source: RecordingSource }> {
  const source = RecordingSource.fromFile(path);
  const cog = await COGReader.open(source);
  return { cog, source };
}

describe("getTile request costs", () => {
  it("reads exactly the tile's byte range, once", async () => {
    const { cog, source } = await openRecorded(new URL("../examples/data/sample_cog.tif", import.meta.url).pathname);
    const [range] = await cog.locateTile(2, 1, 0);
    expect(source.reads).toHaveLength(1);
    const tile = await cog.getTile(2, 1, 0);
    expect(source.reads.slice(1)).toEqual([[range.offset, range.length]]);
    expect(tile).toMatchObject({ width: 256, height: 256, bands: 3, dtype: "uint8" });
    expect(tile.data).toHaveLength(256 * 256 * 3);
  });

  it("reads one range per band for band-separate files", async () => {
    const { cog, source } = await openRecorded(fixture("uint16_3band_lzw_block256_predictor2_band_ovr1.tif"));
    const ranges = await cog.locateTile(1, 0, 0);
    expect(ranges).toHaveLength(3);
    const before = source.reads.length;
    await cog.getTile(1, 0, 0);
    expect(source.reads.slice(before).sort((a, b) => a[0] - b[0])).toEqual(ranges.map((r) => [r.offset, r.length]).sort((a, b) => a[0] - b[0]));
  });

  it("gets image and mask tile in one request when GDAL interleaves them", async () => {
    const { cog, source } = await openRecorded(fixture("uint8_1band_deflate_block256_mask_ovr2.tif"));
    expect(cog.ghost?.maskInterleavedWithImagery).toBe("YES");
    const [image] = await cog.locateTile(1, 1, 0);
    const [mask] = await cog.locateTile(1, 1, 0, { mask: true });
    expect(mask.offset - (image.offset + image.length)).toBe(8); // 4-byte trailer + 4-byte leader
    const before = source.reads.length;
    const tile = await cog.getTile(1, 1, 0);
    expect(source.reads.slice(before)).toEqual([[image.offset, mask.offset + mask.length - image.offset]]);
    expect(tile.mask).toBeInstanceOf(Uint8Array);
  });

  it("reads a mask kept apart from its image in a second request", async () => {
    const { cog, source } = await openRecorded(corpusFile("rasterio/rasterio__cogeo.tif"));
    const [image] = await cog.locateTile(0, 0, 0);
    const [mask] = await cog.locateTile(0, 0, 0, { mask: true });
    const before = source.reads.length;
    await cog.getTile(0, 0, 0);
    expect(source.reads.slice(before).sort((a, b) => a[0] - b[0])).toEqual(
      [[image.offset, image.length], [mask.offset, mask.length]].sort((a, b) => a[0] - b[0]),
    );
  });

  it("a sparse tile costs no read and comes back as nodata with mask 0", async () => {
    const { cog, source } = await openRecorded(corpusFile("gdal/gdal__sparse_tiled_separate.tif"));
    const before = source.reads.length;
    const tile = await cog.getTile(0, 0, 0);
    expect(source.reads.length).toBe(before);
    expect(tile.mask?.every((m) => m === 0)).toBe(true);
    expect(cog.nodata).toBe(1);
    expect(Array.from(tile.data as Uint8Array).every((v) => v === 1)).toBe(true);
  });

  it("a sparse tile of a 40000x40000 COG reads only block-array pages, no pixel data", async () => {
    const { cog, source } = await openRecorded(fixture("uint8_1band_40000x40000_sparse_deflate_block256_ovr8.tif"));
    const before = source.reads.length;
    await cog.getTile(100, 120, 0);
    const reads = source.reads.slice(before);
    expect(reads.length).toBeLessThanOrEqual(2);
    for (const [, length] of reads) expect(length).toBeLessThanOrEqual(4096);
  });

  it("outside the grid: boundless fill with mask 0 and no read, or COG_TILE_OUTSIDE", async () => {
    const { cog, source } = await openRecorded(fixture("int16_1band_deflate_block256_predictor2_nodata-9999_ovr2.tif"));
    const before = source.reads.length;
    const tile = await cog.getTile(99, 0, 0);
    expect(source.reads.length).toBe(before);
    expect(tile.mask?.every((m) => m === 0)).toBe(true);
    expect(tile.data[0]).toBe(-9999);
    await expect(cog.getTile(99, 0, 0, { boundless: false })).rejects.toMatchObject({ code: "COG_TILE_OUTSIDE" });
    await expect(cog.getTile(0, 0, 17)).rejects.toMatchObject({ code: "COG_TILE_OUTSIDE" });
  });
});
