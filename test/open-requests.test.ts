import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COGReader } from "../src/index.js";
import { corpusFile } from "./helpers/corpus.js";
import { RecordingSource } from "./helpers/recording-source.js";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const BIG = fixture("uint8_1band_40000x40000_sparse_deflate_block256_ovr8.tif");
const MEDIUM = fixture("uint8_1band_6144x6144_deflate_block128_ovr6.tif");

/** A source that, like HTTP before its first response, does not know the file size. */
function unsized(path: string): RecordingSource {
  const src = RecordingSource.fromFile(path);
  Object.defineProperty(src, "size", { value: undefined });
  return src;
}

/** End of the header: the lowest offset of stored tile data (GDAL COGs keep every IFD and array before it). */
async function headerEnd(path: string): Promise<number> {
  const cog = await COGReader.open(path);
  let min = Number.POSITIVE_INFINITY;
  try {
    for (const img of [...cog.ifds, ...cog.maskIfds]) {
      for (const b of await cog.blockByteCounts(img)) if (b.offset > 0 && b.offset < min) min = b.offset;
    }
  } finally {
    await cog.close();
  }
  return Number.isFinite(min) ? min : readFileSync(path).byteLength;
}

describe("opening costs", () => {
  it.each([
    ["fixture, 24,649-tile level", BIG],
    ["fixture, 2,304-tile level", MEDIUM],
    ["fixture, sample COG", new URL("../examples/data/sample_cog.tif", import.meta.url).pathname],
    ["corpus, rasterio cogeo", corpusFile("rasterio/rasterio__cogeo.tif")],
    ["corpus, rio-tiler cog_world", corpusFile("rio-tiler/rio-tiler__cog_world.tif")],
  ])("a GDAL COG (%s) opens with exactly one 16 KiB read", async (_, path) => {
    const source = unsized(path);
    const cog = await COGReader.open(source);
    expect(source.reads).toEqual([[0, 16384]]);
    expect(cog.requests).toMatchObject({ count: 1, ranges: [[0, 16384]], headerSize: 16384 });
  });

  it("caps the first read at the file size when the size is known", async () => {
    const source = RecordingSource.fromFile(corpusFile("gdal/gdal__byte.tif"));
    await COGReader.open(source);
    expect(source.reads).toEqual([[0, 736]]);
  });

  it.each([64, 256, 1024, 4096])("with initialBytes %i, reads stay within 1 + ceil(log2(header / initialBytes))", async (initialBytes) => {
    for (const path of [BIG, MEDIUM]) {
      const header = await headerEnd(path);
      const source = unsized(path);
      await COGReader.open(source, { initialBytes });
      expect(source.reads[0]).toEqual([0, initialBytes]);
      expect(source.reads.length).toBeLessThanOrEqual(1 + Math.ceil(Math.log2(header / initialBytes)));
    }
  });

  it("locates any tile of a 40000x40000 COG without loading the block arrays", async () => {
    const source = unsized(BIG);
    const cog = await COGReader.open(source);
    const level = cog.ifds[0];
    expect(level.tilesAcross * level.tilesDown).toBe(24649);
    const arrayBytes = 24649 * 4 * 2;
    for (const [x, y] of [[0, 0], [156, 156], [100, 120], [3, 150]]) {
      const before = source.reads.length;
      const [range] = await cog.locateTile(x, y, 0);
      expect(range.index).toBe(y * 157 + x);
      const reads = source.reads.slice(before);
      expect(reads.length).toBeLessThanOrEqual(2);
      for (const [, length] of reads) expect(length).toBeLessThanOrEqual(4096);
    }
    expect(source.bytesRead - 16384).toBeLessThan(arrayBytes / 4);
    // A tile whose array pages are already loaded costs nothing.
    const before = source.reads.length;
    await cog.locateTile(101, 120, 0);
    expect(source.reads.length).toBe(before);
  });

  it("reads block arrays with exact page ranges", async () => {
    const source = unsized(BIG);
    const cog = await COGReader.open(source);
    const offsets = cog.dataset.ifds[0].entries.get(324)!;
    const counts = cog.dataset.ifds[0].entries.get(325)!;
    await cog.locateTile(100, 120, 0);
    const index = 120 * 157 + 100;
    const page = (pos: number, base: number, len: number): [number, number] => {
      const start = Math.max(Math.floor(pos / 4096) * 4096, base);
      return [start, Math.min(Math.floor(pos / 4096) * 4096 + 4096, base + len) - start];
    };
    expect(source.reads.slice(1).sort((a, b) => a[0] - b[0])).toEqual([
      page(offsets.valueOffset + index * 4, offsets.valueOffset, offsets.byteLength),
      page(counts.valueOffset + index * 4, counts.valueOffset, counts.byteLength),
    ]);
  });
});
