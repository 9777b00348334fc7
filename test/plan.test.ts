import { describe, expect, it } from "vitest";
import { BlockCache, COGReader, type ReadPlan } from "../src/index.js";
import { corpusFile } from "./helpers/corpus.js";
import { RecordingSource } from "./helpers/recording-source.js";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const sorted = (r: Array<[number, number]>) => [...r].sort((a, b) => a[0] - b[0] || a[1] - b[1]);

async function open(path: string) {
  const source = RecordingSource.fromFile(path);
  const cog = await COGReader.open(source, { blockCache: new BlockCache({ maxBytes: 1 << 24 }) });
  return { cog, source };
}

/** Runs `call` after planning it; returns the plan and what was then really fetched. */
async function planned(source: RecordingSource, plan: () => Promise<ReadPlan>, call: () => Promise<unknown>) {
  const p = await plan();
  const before = source.reads.length;
  await call();
  return { p, fetched: source.reads.slice(before) as Array<[number, number]> };
}

describe("cog.plan: the requests a call will send, without sending them", () => {
  it("getTile, then the same tile again (cached: nothing)", async () => {
    const { cog, source } = await open(fixture("uint8_1band_deflate_block256_ovr2.tif"));
    const before = source.reads.length;
    const first = await planned(source, () => cog.plan.getTile(1, 1, 0), () => cog.getTile(1, 1, 0));
    expect(source.reads.length - before).toBe(1);
    expect(first.p.data).toEqual(first.fetched);
    const again = await planned(source, () => cog.plan.getTile(1, 1, 0), () => cog.getTile(1, 1, 0));
    expect(again.p.data).toEqual([]);
    expect(again.fetched).toEqual([]);
  });

  it("image and interleaved mask in one request", async () => {
    const { cog, source } = await open(fixture("uint8_1band_deflate_block256_mask_ovr2.tif"));
    const { p, fetched } = await planned(source, () => cog.plan.getTile(0, 1, 0), () => cog.getTile(0, 1, 0));
    expect(p.data).toHaveLength(1);
    expect(p.data).toEqual(fetched);
  });

  it("a sparse tile: nothing", async () => {
    const { cog, source } = await open(corpusFile("gdal/gdal__sparse_tiled_separate.tif"));
    const { p, fetched } = await planned(source, () => cog.plan.getTile(1, 0, 0), () => cog.getTile(1, 0, 0));
    expect(p).toMatchObject({ data: [], header: [], free: 1, complete: true });
    expect(fetched).toEqual([]);
  });

  it.each([
    ["a window across tiles", { width: 300, height: 200 }, 0.3],
    ["the whole image into an overview", { width: 256, height: 192 }, 1],
  ])("read: %s", async (_, shape, part) => {
    const { cog, source } = await open(new URL("../examples/data/sample_cog.tif", import.meta.url).pathname);
    const [x0, y0, x1, y1] = cog.bounds!;
    const bounds: [number, number, number, number] = [x0 + (x1 - x0) * 0.1, y1 - (y1 - y0) * (0.1 + part * 0.8), x0 + (x1 - x0) * (0.1 + part * 0.8), y1 - (y1 - y0) * 0.1];
    const { p, fetched } = await planned(source, () => cog.plan.read(bounds, shape), () => cog.read(bounds, shape));
    expect(p.complete).toBe(true);
    expect(sorted(p.data)).toEqual(sorted(fetched));
  });

  it("tile() of a reprojected image", async () => {
    const { cog, source } = await open(fixture("uint8_1band_deflate_block256_ovr2.tif"));
    const { p, fetched } = await planned(source, () => cog.plan.tile(4404, 2660, 13), () => cog.tile(4404, 2660, 13));
    expect(p.data.length).toBeGreaterThan(0);
    expect(sorted(p.data)).toEqual(sorted(fetched));
  });

  it("block-array pages not held yet are planned as header requests", async () => {
    const { cog, source } = await open(fixture("uint8_1band_40000x40000_sparse_deflate_block256_ovr8.tif"));
    const { p, fetched } = await planned(source, () => cog.plan.getTile(100, 120, 0), () => cog.getTile(100, 120, 0));
    expect(p.complete).toBe(false);
    expect(p.unplanned).toEqual([{ x: 100, y: 120, z: 0 }]);
    expect(sorted(p.header)).toEqual(sorted(fetched));
    // Now the pages are held: the tile is sparse, so nothing more.
    expect(await cog.plan.getTile(100, 120, 0)).toMatchObject({ header: [], data: [], complete: true, free: 1 });
  });
});
