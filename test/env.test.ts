import { afterEach, describe, expect, it, vi } from "vitest";
import { COGReader, envSettings } from "../src/index.js";
import { RecordingSource } from "./helpers/recording-source.js";

const FIXTURE = new URL("./fixtures/uint8_1band_deflate_block256_mask_ovr2.tif", import.meta.url).pathname;

describe("COGREAD_* environment settings", () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each([
    [{ COGREAD_INGESTED_BYTES_AT_OPEN: "32768" }, { initialBytes: 32768 }],
    [{ COGREAD_HEADER_CHUNK_SIZE: "65536" }, { headerChunkSize: 65536 }],
    [{ COGREAD_ENABLE_BLOCK_CACHE: "FALSE" }, { blockCache: false }],
    [{ COGREAD_ENABLE_HEADER_CACHE: "no" }, { headerCache: false }],
    [{ COGREAD_HTTP_MERGE_CONSECUTIVE_RANGES: "FALSE" }, { mergeConsecutiveRanges: false }],
    [{ COGREAD_BOUNDLESS_READ: "FALSE", COGREAD_BOUNDLESS_READ_FILL_VALUE: "-1" }, { boundless: false, fillValue: -1 }],
    [{ COGREAD_ZOOM_LEVEL_STRATEGY: "lower" }, { overviewStrategy: "LOWER" }],
    [{ COGREAD_ZOOM_LEVEL_STRATEGY: "25" }, { overviewStrategy: 25 }],
    [{ COGREAD_LOG_LEVEL: "debug" }, { debug: true }],
    [{ COGREAD_AWS_REQUEST_PAYER: "requester" }, { requestPayer: "requester" }],
    [{ COGREAD_INGESTED_BYTES_AT_OPEN: "lots" }, {}],
  ])("%j -> %j", (env, want) => {
    expect(envSettings(env)).toEqual(want);
  });

  it("the reader follows them: first read size, merged ranges, boundless", async () => {
    vi.stubEnv("COGREAD_INGESTED_BYTES_AT_OPEN", "4096");
    vi.stubEnv("COGREAD_HTTP_MERGE_CONSECUTIVE_RANGES", "FALSE");
    vi.stubEnv("COGREAD_BOUNDLESS_READ", "FALSE");
    const source = RecordingSource.fromFile(FIXTURE);
    const cog = await COGReader.open(source, { blockCache: false });
    expect(source.reads[0]).toEqual([0, 4096]);
    const before = source.reads.length;
    await cog.getTile(1, 1, 0);
    expect(source.reads.length - before).toBe(2); // image and mask apart
    await expect(cog.getTile(99, 0, 0)).rejects.toMatchObject({ code: "COG_TILE_OUTSIDE" });
    // An explicit option wins over the environment.
    expect((await cog.getTile(99, 0, 0, { boundless: true })).mask?.every((m) => m === 0)).toBe(true);
  });
});
