import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BlockCache, COGReader } from "../src/index.js";
import { splitLeaderSpan } from "../src/locate/leader.js";
import { RecordingSource } from "./helpers/recording-source.js";

const dir = new URL("./fixtures/", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("manifest.json", dir), "utf8")) as {
  fixtures: Array<{ file: string; tiff: { ifds: Array<Record<string, { offset: number; bytes: number } | unknown>> } }>;
};

/** GDAL's BLOCK_OFFSET/BLOCK_SIZE of a few blocks per level (from describe.py). */
interface GdalBlock {
  x: number;
  y: number;
  offset: number | null;
  size: number | null;
  maskOffset?: number | null;
  maskSize?: number | null;
}
const gdalBlocks = (file: string): GdalBlock[][] =>
  JSON.parse(readFileSync(new URL(file.replace(/\.tif$/, ".windows.json"), dir), "utf8")).levels.map((l: { blocks: GdalBlock[] }) => l.blocks);

const MASKED = "uint8_1band_6144x6144_deflate_block128_mask_ovr6.tif";
const MASKED_PATH = new URL(MASKED, dir).pathname;

/** File ranges of IFD `ifd`'s TileOffsets and TileByteCounts arrays, from the manifest's own TIFF walk. */
function arrays(file: string, ifd: number): { offsets: [number, number]; counts: [number, number] } {
  const entry = manifest.fixtures.find((f) => f.file === file)!.tiff.ifds[ifd] as Record<string, { offset: number; bytes: number }>;
  return { offsets: [entry.TileOffsets.offset, entry.TileOffsets.bytes], counts: [entry.TileByteCounts.offset, entry.TileByteCounts.bytes] };
}
const overlaps = ([o, n]: [number, number], [a, m]: [number, number]) => o < a + m && a < o + n;

async function open(bytes?: Uint8Array) {
  const source = bytes ? new RecordingSource(bytes, MASKED_PATH) : RecordingSource.fromFile(MASKED_PATH);
  const cog = await COGReader.open(source, { blockCache: new BlockCache({ maxBytes: 1 << 24 }) });
  return { cog, source, opened: source.reads.length };
}

describe("block locations agree with GDAL's BLOCK_OFFSET / BLOCK_SIZE", () => {
  const files = manifest.fixtures.map((f) => f.file).filter((f) => !f.includes("/"));
  it.each(files)("%s", async (file) => {
    const cog = await COGReader.open(new URL(file, dir).pathname);
    const levels = gdalBlocks(file);
    let checked = 0;
    for (const [z, blocks] of levels.entries()) {
      for (const b of blocks) {
        const [image] = await cog.locateTile(b.x, b.y, z);
        expect([image.offset, image.length], `level ${z} block ${b.x},${b.y}`).toEqual(b.offset === null ? [0, 0] : [b.offset, b.size]);
        if (b.maskOffset !== undefined) {
          const [mask] = await cog.locateTile(b.x, b.y, z, { mask: true });
          expect([mask.offset, mask.length]).toEqual(b.maskOffset === null ? [0, 0] : [b.maskOffset, b.maskSize]);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(levels.length);
    await cog.close();
  });
});

describe("GDAL block leaders: a tile located without TileByteCounts", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });
  const [, centre, last] = gdalBlocks(MASKED)[0];
  /** Leader + image + trailer + leader + mask + trailer, per GDAL's offsets and sizes. */
  const span = (b: GdalBlock): [number, number] => [b.offset! - 4, b.maskOffset! + b.maskSize! + 4 - (b.offset! - 4)];

  it("the layout: the header is larger than the first read, with leaders and an interleaved mask", async () => {
    const { cog, source } = await open();
    expect(source.reads).toEqual([[0, 16384]]);
    expect(cog.ghost).toMatchObject({ blockLeader: "SIZE_AS_UINT4", blockTrailer: "LAST_4_BYTES_REPEATED", maskInterleavedWithImagery: "YES" });
    // TileOffsets of level 0 are in the first read, its TileByteCounts and the mask's arrays are not.
    const { offsets, counts } = arrays(MASKED, 0);
    expect(offsets[0] + offsets[1]).toBeLessThanOrEqual(16384);
    expect(counts[0] + counts[1]).toBeGreaterThan(16384);
  });

  it("getTile: one request, image and mask together, exactly GDAL's blocks with their leaders and trailers", async () => {
    const { cog, source, opened } = await open();
    const plan = await cog.plan.getTile(centre.x, centre.y, 0);
    expect(plan).toMatchObject({ header: [], complete: true, data: [span(centre)] });
    const tile = await cog.getTile(centre.x, centre.y, 0);
    expect(source.reads.slice(opened)).toEqual([span(centre)]);
    // Every tile of this file is one constant; GDAL's -mask 1 makes value-0 tiles invalid.
    const value = (tile.data as Uint8Array)[0];
    expect(new Set(tile.data as Uint8Array)).toEqual(new Set([value]));
    expect(new Set(tile.mask)).toEqual(new Set([value === 0 ? 0 : 255]));
    // The same tile read from the byte counts (loaded first) is identical.
    const exact = await COGReader.open(MASKED_PATH);
    await exact.blockByteCounts(exact.ifds[0]);
    await exact.blockByteCounts(exact.maskOf(0)!);
    const again = await exact.getTile(centre.x, centre.y, 0);
    expect(again.data).toEqual(tile.data);
    expect(again.mask).toEqual(tile.mask);
    await exact.close();
  });

  it("a window over 3x2 tiles: one request for the tiles, no byte-count page", async () => {
    const { cog, source, opened } = await open();
    const win = { x: 10 * 128 + 5, y: 30 * 128 + 7, width: 2 * 128 + 20, height: 128 + 20 };
    const plan = await cog.plan.readWindow(win, 0);
    await cog.readWindow(win, 0);
    const reads = source.reads.slice(opened);
    expect(plan.data).toEqual(reads);
    expect(reads).toHaveLength(1);
    for (const ifd of [0, 1]) for (const r of Object.values(arrays(MASKED, ifd))) for (const read of reads) expect(overlaps(read, r)).toBe(false);
  });

  it("the last tile has no next offset to bound it: its byte counts are read, then GDAL's exact ranges", async () => {
    const { cog, source, opened } = await open();
    const plan = await cog.plan.getTile(last.x, last.y, 0);
    expect(plan.complete).toBe(false);
    expect(plan.header.length).toBeGreaterThan(0);
    await cog.getTile(last.x, last.y, 0);
    const reads = source.reads.slice(opened);
    expect(reads.slice(0, -1)).toEqual(plan.header);
    expect(reads.at(-1)).toEqual([last.offset, last.maskOffset! + last.maskSize! - last.offset!]);
  });

  it("a leader that does not match its trailer: falls back to the byte counts, same pixels, a warning", async () => {
    const bytes = new Uint8Array(readFileSync(MASKED_PATH));
    const at = centre.offset! - 4;
    new DataView(bytes.buffer).setUint32(at, centre.size! - 1, true);
    const { cog, source, opened } = await open(bytes);
    const tile = await cog.getTile(centre.x, centre.y, 0);
    const reads = source.reads.slice(opened);
    expect(reads[0]).toEqual(span(centre));
    expect(reads.at(-1)).toEqual([centre.offset, centre.maskOffset! + centre.maskSize! - centre.offset!]);
    expect(cog.warnings.some((w) => w.includes("block leaders do not match"))).toBe(true);
    const referenceReader = await COGReader.open(MASKED_PATH);
    const reference = await referenceReader.getTile(centre.x, centre.y, 0);
    await referenceReader.close();
    expect(tile.data).toEqual(reference.data);
    expect(tile.mask).toEqual(reference.mask);
    // Leaders are not trusted again for this file: the next tile reads byte counts too.
    const before = source.reads.length;
    await cog.getTile(centre.x + 1, centre.y, 0);
    expect(source.reads.length - before).toBe(1); // the counts pages are already held
    expect(source.reads.at(-1)![0]).toBe((await cog.locateTile(centre.x + 1, centre.y, 0))[0].offset);
  });

  it("the debug log says the request carries two blocks", async () => {
    vi.stubEnv("COGREAD_LOG_LEVEL", "DEBUG");
    const lines: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    const { cog } = await open();
    await cog.getTile(centre.x, centre.y, 0);
    const [o, n] = span(centre);
    expect(lines.join("")).toMatch(new RegExp(`bytes=${o}-${o + n - 1} ${n} B \\d+ ms merged=2\n`));
  });

  it("COGREAD_HTTP_MERGE_CONSECUTIVE_RANGES=FALSE: no leaders, image and mask apart", async () => {
    const { cog, source, opened } = await open();
    process.env.COGREAD_HTTP_MERGE_CONSECUTIVE_RANGES = "FALSE";
    try {
      await cog.getTile(centre.x, centre.y, 0);
    } finally {
      delete process.env.COGREAD_HTTP_MERGE_CONSECUTIVE_RANGES;
    }
    const data = source.reads.slice(opened).filter(([o]) => o >= 45890);
    expect(data).toEqual([[centre.offset, centre.size], [centre.maskOffset, centre.maskSize]]);
  });
});

describe("splitLeaderSpan", () => {
  const le = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24];
  /** leader, data, trailer (last 4 bytes of data again). */
  const framed = (data: number[]) => [...le(data.length), ...data, ...data.slice(-4)];
  const image = [1, 2, 3, 4, 5, 6, 7];
  const mask = [9, 8, 7, 6, 5];

  it.each<[string, number[], boolean, ReturnType<typeof splitLeaderSpan>]>([
    ["image alone", framed(image), false, { image: { offset: 104, length: 7 } }],
    ["image then mask", [...framed(image), ...framed(mask)], true, { image: { offset: 104, length: 7 }, mask: { offset: 119, length: 5 } }],
    ["bytes after the blocks are ignored", [...framed(image), 0, 0, 0], false, { image: { offset: 104, length: 7 } }],
    ["trailer does not repeat the data", [...le(7), ...image, 0, 0, 0, 0], false, undefined],
    ["size runs past the span", [...le(8), ...image, 4, 5, 6, 7], false, undefined],
    ["mask expected but absent", framed(image), true, undefined],
    ["zero size", [0, 0, 0, 0, 1, 2, 3, 4], false, undefined],
    ["leader shorter than 4 bytes", [7, 0], false, undefined],
  ])("%s", (_, bytes, withMask, expected) => {
    expect(splitLeaderSpan(Uint8Array.from(bytes), 100, withMask)).toEqual(expected);
  });

  it("reads the size little-endian, as GDAL writes it in big-endian files too", () => {
    const data = Array.from({ length: 0x0102 }, (_, i) => i & 255);
    expect(splitLeaderSpan(Uint8Array.from(framed(data)), 0, false)).toEqual({ image: { offset: 4, length: 0x0102 } });
  });
});
