import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import { COGReader, type BlockRange } from "../src/index.js";
import { RecordingSource } from "./helpers/recording-source.js";

const SAMPLE = new URL("../examples/data/sample_cog.tif", import.meta.url).pathname;
const UTM = new URL("./fixtures/uint8_1band_deflate_block256_ovr2.tif", import.meta.url).pathname;

/** Every tile's byte range of level z, keyed "x,y". */
async function tileRanges(cog: COGReader, z: number): Promise<Map<string, BlockRange>> {
  const out = new Map<string, BlockRange>();
  const img = cog.ifds[z];
  for (let y = 0; y < img.tilesDown; y++) for (let x = 0; x < img.tilesAcross; x++) out.set(`${x},${y}`, (await cog.locateTile(x, y, z))[0]);
  return out;
}

async function open(path: string) {
  const source = RecordingSource.fromFile(path);
  const cog = await COGReader.open(source);
  expect(source.reads).toHaveLength(1);
  return { cog, source };
}

describe("read and tile request costs", () => {
  it("a window that lies only in the padding of the last tile column costs no read", async () => {
    const { cog, source } = await open(UTM);
    const { width, tileWidth } = cog.ifds[0];
    expect(width % tileWidth).not.toBe(0); // the last tile column has padding
    const r = await cog.readWindow({ x: width, y: 0, width: 4, height: 4 }, 0);
    expect(source.reads).toHaveLength(1); // the header only
    expect(Array.from(r.mask!)).toEqual(new Array(16).fill(0));
    await cog.readWindow({ x: width - 1, y: 0, width: 4, height: 4 }, 0); // one image column: one tile
    expect(source.reads).toHaveLength(2);
  });

  it("a window inside one tile costs exactly that tile's read", async () => {
    const { cog, source } = await open(SAMPLE);
    const gt = cog.geoTransform!;
    const tiles = await tileRanges(cog, 0);
    // Pixels 300..400 x 20..120: inside tile (1, 0) of the 256 px grid.
    const bounds: [number, number, number, number] = [gt[0] + 300 * gt[1], gt[3] + 120 * gt[5], gt[0] + 400 * gt[1], gt[3] + 20 * gt[5]];
    const r = await cog.read(bounds, { width: 100, height: 100 });
    expect(r).toMatchObject({ width: 100, height: 100, bands: 3 });
    const t = tiles.get("1,0")!;
    expect(source.reads.slice(1)).toEqual([[t.offset, t.length]]);
  });

  it("a nearest read of exactly one tile's pixels costs that tile's read and no neighbour's", async () => {
    const { cog, source } = await open(SAMPLE);
    const gt = cog.geoTransform!;
    const tiles = await tileRanges(cog, 0);
    // Pixels 256..512 x 256..512: tile (1, 1) exactly, at the level's own resolution.
    const bounds: [number, number, number, number] = [gt[0] + 256 * gt[1], gt[3] + 512 * gt[5], gt[0] + 512 * gt[1], gt[3] + 256 * gt[5]];
    const r = await cog.read(bounds, { width: 256, height: 256 });
    const t = tiles.get("1,1")!;
    expect(source.reads.slice(1)).toEqual([[t.offset, t.length]]);
    const direct = await cog.readWindow({ x: 256, y: 256, width: 256, height: 256 }, 0);
    expect(r.data).toEqual(direct.data); // the read is a copy of the window
    expect(r.mask).toEqual(direct.mask);
  });

  it("a bilinear read inside one tile, with the one-pixel ring its kernel reaches, reads that tile alone", async () => {
    const { cog, source } = await open(SAMPLE);
    const gt = cog.geoTransform!;
    const tiles = await tileRanges(cog, 0);
    const bounds: [number, number, number, number] = [gt[0] + 300 * gt[1], gt[3] + 120 * gt[5], gt[0] + 400 * gt[1], gt[3] + 20 * gt[5]];
    await cog.read(bounds, { width: 100, height: 100 }, { resampling: "bilinear" });
    // Pixels 299..401 x 19..121 all lie in tile (1, 0).
    const t = tiles.get("1,0")!;
    expect(source.reads.slice(1)).toEqual([[t.offset, t.length]]);
  });

  it("a read an overview can serve never touches full-resolution tiles", async () => {
    const { cog, source } = await open(SAMPLE);
    const level2 = await tileRanges(cog, 2);
    await cog.read(cog.bounds!, { width: 256, height: 192 });
    expect(source.reads.slice(1)).toEqual([...level2.values()].map((t) => [t.offset, t.length]));
  });

  it("tile() at the image's native zoom reads only the tiles it overlaps, once each", async () => {
    const { cog, source } = await open(UTM);
    const z = cog.maxzoom!;
    const [w, s, e, n] = cog.geographicBounds!;
    const lon = (w + e) / 2;
    const lat = (s + n) / 2;
    const x = Math.floor(((lon + 180) / 360) * 2 ** z);
    const y = Math.floor(((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * 2 ** z);
    const full = await tileRanges(cog, 0);
    const out = await cog.tile(x, y, z);
    // The image tiles under the map tile, found independently: project the tile's pixel-centre
    // grid into the image with proj4 and collect the 256 px tiles it lands in (±1 px).
    const to = proj4("EPSG:3857", cog.crs.proj4!);
    const span = (2 * 20037508.342789244) / 2 ** z;
    const gt = cog.geoTransform!;
    const under = new Set<string>();
    for (let r = 0; r < 256; r += 5) {
      for (let c = 0; c < 256; c += 5) {
        const [ix, iy] = to.forward([-20037508.342789244 + x * span + ((c + 0.5) * span) / 256, 20037508.342789244 - y * span - ((r + 0.5) * span) / 256]);
        const col = (ix - gt[0]) / gt[1];
        const row = (iy - gt[3]) / gt[5];
        for (const [dc, dr] of [[-1, -1], [1, 1], [-1, 1], [1, -1]]) {
          const cc = Math.floor(col + dc);
          const rr = Math.floor(row + dr);
          if (cc >= 0 && rr >= 0 && cc < cog.width && rr < cog.height) under.add(`${Math.floor(cc / 256)},${Math.floor(rr / 256)}`);
        }
      }
    }
    // Tiles close together in the file come in merged requests: each read spans whole tiles.
    const reads = source.reads.slice(1);
    const touched = new Set([...full.entries()].filter(([, r]) => reads.some(([o, n]) => r.offset >= o && r.offset + r.length <= o + n)).map(([k]) => k));
    expect(touched).toEqual(under);
    const rows = new Set([...under].map((k) => k.split(",")[1]));
    expect(reads.length).toBeLessThanOrEqual(rows.size);
    expect(out.mask!.some((m) => m === 255)).toBe(true);
  });
});

describe("merged requests for multi-tile reads", () => {
  const win = { x: 300, y: 100, width: 600, height: 300 }; // tiles 1..3 of rows 0..1

  async function tileRangesOf(cog: COGReader) {
    const out: Array<[number, number]> = [];
    for (const y of [0, 1]) for (const x of [1, 2, 3]) out.push(...(await cog.locateTile(x, y, 0)).map((r) => [r.offset, r.length] as [number, number]));
    return out;
  }

  it("tiles of a row, 8 bytes apart in a GDAL COG, come in one request per row with mergeGap 8", async () => {
    const source = RecordingSource.fromFile(SAMPLE);
    const cog = await COGReader.open(source, { mergeGap: 8, blockCache: false });
    const tiles = await tileRangesOf(cog);
    source.reads.length = 0;
    await cog.readWindow(win, 0);
    expect(source.reads).toEqual([
      [tiles[0][0], tiles[2][0] + tiles[2][1] - tiles[0][0]],
      [tiles[3][0], tiles[5][0] + tiles[5][1] - tiles[3][0]],
    ]);
  });

  it("with the default gap the whole window is one request; mergeGap -1 reads tile by tile", async () => {
    const source = RecordingSource.fromFile(SAMPLE);
    const cog = await COGReader.open(source, { blockCache: false });
    const tiles = await tileRangesOf(cog);
    source.reads.length = 0;
    const merged = await cog.readWindow(win, 0);
    expect(source.reads).toEqual([[tiles[0][0], tiles[5][0] + tiles[5][1] - tiles[0][0]]]);
    const apart = RecordingSource.fromFile(SAMPLE);
    const cog2 = await COGReader.open(apart, { mergeGap: -1, blockCache: false });
    apart.reads.length = 0;
    const separate = await cog2.readWindow(win, 0);
    expect(apart.reads.length).toBe(6);
    expect(separate.data).toEqual(merged.data);
  });

  it("disjoint requests go as one multi-range request when the source can", async () => {
    const inner = RecordingSource.fromFile(SAMPLE);
    const multi: Array<Array<[number, number]>> = [];
    const source = Object.assign(Object.create(inner) as RecordingSource, {
      url: inner.url,
      size: inner.size,
      read: (o: number, n: number) => inner.read(o, n),
      readRanges: async (ranges: Array<[number, number]>) => {
        multi.push(ranges);
        return Promise.all(ranges.map(([o, n]) => inner.read(o, n)));
      },
    });
    const cog = await COGReader.open(source, { mergeGap: 8, blockCache: false });
    await tileRangesOf(cog);
    const before = cog.requests.count;
    await cog.readWindow(win, 0);
    expect(cog.requests.count - before).toBe(1);
    expect(multi).toHaveLength(1);
    expect(multi[0]).toHaveLength(2);
  });
});
