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
    const reads = source.reads.slice(1);
    const byOffset = new Map([...full.entries()].map(([k, r]) => [r.offset, k]));
    const touched = reads.map(([o]) => byOffset.get(o)!);
    expect(new Set(touched).size).toBe(reads.length);
    expect(new Set(touched)).toEqual(under);
    expect(out.mask!.some((m) => m === 255)).toBe(true);
  });
});
