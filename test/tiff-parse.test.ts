import { describe, expect, it } from "vitest";
import { COGReader, CogError, isCogError, MemorySource } from "../src/index.js";
import { parseGdalMetadata } from "../src/tiff/gdal-metadata.js";
import { parseNodata } from "../src/tiff/nodata.js";
import { parseGhostArea } from "../src/tiff/ghost.js";
import { parseTiffHeader } from "../src/tiff/header.js";
import { buildTiff, stripImageTags, type BuildTag } from "./helpers/tiff-builder.js";
import { RecordingSource } from "./helpers/recording-source.js";

async function openError(bytes: Uint8Array, limits = {}): Promise<CogError> {
  try {
    await COGReader.open(new MemorySource(bytes), { limits });
  } catch (e) {
    expect(isCogError(e), String(e)).toBe(true);
    return e as CogError;
  }
  throw new Error("expected the open to fail");
}

const FIELD_VALUES: Array<[number, number[]]> = [
  [1, [0, 255, 7]],
  [3, [0, 65535, 1234]],
  [4, [0, 4294967295, 99]],
  [5, [1.5, 0.25]],
  [6, [-128, 127, -1]],
  [7, [1, 2, 3, 4, 5]],
  [8, [-32768, 32767]],
  [9, [-2147483648, 2147483647]],
  [10, [-1.5, 2.25]],
  [11, [1.5, -0.25, 3e20]],
  [12, [Math.PI, -1e300]],
  [13, [8, 16]],
  [16, [2 ** 40 + 1, 5]],
  [17, [-(2 ** 40) - 1, 3]],
  [18, [2 ** 33, 1]],
];

describe("field types 1–13 and 16–18", () => {
  for (const bigTiff of [false, true]) {
    for (const littleEndian of [true, false]) {
      it(`decodes every type (${bigTiff ? "BigTIFF" : "classic"}, ${littleEndian ? "II" : "MM"})`, async () => {
        const extra: BuildTag[] = FIELD_VALUES.map(([type, values], i) => ({ tag: 60000 + i, type, values }));
        extra.push({ tag: 60100, type: 2, values: "hello" });
        const { bytes } = buildTiff({ bigTiff, littleEndian, ifds: [[...stripImageTags(4, 4, 4000), ...extra]] });
        const padded = new Uint8Array(4016);
        padded.set(bytes);
        const cog = await COGReader.open(padded);
        const ifd = cog.dataset.ifds[0];
        for (const [i, [type, values]] of FIELD_VALUES.entries()) {
          const got = ifd.numbers(60000 + i)!;
          if (type === 11) expect(got).toEqual(values.map((v) => Math.fround(v)));
          else expect(got).toEqual(values);
        }
        expect(ifd.string(60100)).toBe("hello");
        expect(cog.bigTiff).toBe(bigTiff);
        expect(cog.littleEndian).toBe(littleEndian);
        expect(cog.ifds[0]).toMatchObject({ width: 4, height: 4, dtype: "uint8", tiled: false, tileHeight: 4 });
      });
    }
  }
});

describe("header", () => {
  it("rejects non-TIFF bytes with COG_NOT_TIFF", async () => {
    expect((await openError(new TextEncoder().encode("<html>not found</html>"))).code).toBe("COG_NOT_TIFF");
    expect((await openError(new Uint8Array([0x49, 0x49, 41, 0, 8, 0, 0, 0]))).code).toBe("COG_NOT_TIFF");
    expect((await openError(new Uint8Array([0x49, 0x49]))).code).toBe("COG_NOT_TIFF");
  });

  it("rejects a BigTIFF with a bad offset size", () => {
    const bytes = new Uint8Array([0x49, 0x49, 43, 0, 4, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => parseTiffHeader(bytes)).toThrow(/offset size is 4/);
  });

  it("rejects 64-bit offsets past 2^53 with COG_FORMAT", async () => {
    const bytes = new Uint8Array(32);
    bytes.set([0x49, 0x49, 43, 0, 8, 0, 0, 0]);
    new DataView(bytes.buffer).setBigUint64(8, 2n ** 60n, true);
    const e = await openError(bytes);
    expect(e.code).toBe("COG_FORMAT");
    expect(e.message).toContain("2^53");
  });
});

describe("IFD chain", () => {
  const image = stripImageTags(2, 2, 8);

  it("stops at a loop with a warning instead of hanging", async () => {
    const { bytes, ifdOffsets } = buildTiff({ ifds: [image, [...image, { tag: 254, type: 4, values: [1] }]], nextOverride: { 1: 0 } });
    const looped = buildTiff({ ifds: [image, [...image, { tag: 254, type: 4, values: [1] }]], nextOverride: { 1: ifdOffsets[0] } });
    expect(bytes.byteLength).toBe(looped.bytes.byteLength);
    const cog = await COGReader.open(looped.bytes);
    expect(cog.dataset.ifds).toHaveLength(2);
    expect(cog.warnings.join()).toMatch(/loops back/);
  });

  it("a first IFD pointing to itself yields one IFD and a loop warning", async () => {
    const { bytes } = buildTiff({ ifds: [image], nextOverride: { 0: 8 } });
    const cog = await COGReader.open(bytes);
    expect(cog.dataset.ifds).toHaveLength(1);
    expect(cog.warnings).toHaveLength(1);
    expect(cog.warnings[0]).toMatch(/loops back to offset 8/);
  });

  it("enforces maxIfds with COG_LIMIT", async () => {
    const ovr = [...image, { tag: 254, type: 4, values: [1] }];
    const { bytes } = buildTiff({ ifds: [image, ovr, ovr, ovr] });
    const e = await openError(bytes, { maxIfds: 2 });
    expect(e.code).toBe("COG_LIMIT");
    expect(e.context.limit).toBe("maxIfds");
  });

  it("rejects an IFD with no entries", async () => {
    const bytes = new Uint8Array(16);
    bytes.set([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
    expect((await openError(bytes)).code).toBe("COG_FORMAT");
  });

  it("rejects a first IFD past the end of the file", async () => {
    const bytes = new Uint8Array([0x49, 0x49, 42, 0, 0xff, 0xff, 0, 0]);
    const e = await openError(bytes);
    expect(e.code).toBe("COG_FORMAT");
    expect(e.message).toMatch(/past the end/);
  });

  it("skips entries of an undefined field type, as libtiff does", async () => {
    const { bytes } = buildTiff({ ifds: [image] });
    // Rewrite the type of the first entry (ImageWidth follows the sorted order: 256 first) to 14.
    const patched = bytes.slice();
    new DataView(patched.buffer).setUint16(8 + 2 + 2, 14, true);
    const e = await openError(patched);
    expect(e.message).toMatch(/image size is 0x2/);
  });

  it("refuses a huge tag value with COG_LIMIT without allocating it", async () => {
    const { bytes } = buildTiff({ bigTiff: true, ifds: [[...image, { tag: 65000, type: 1, values: [1, 2, 3, 4, 5, 6, 7, 8, 9] }]] });
    const patched = bytes.slice();
    const dv = new DataView(patched.buffer);
    // Entry of tag 65000 is the last of 10 entries: set its count to 2^40.
    const entry = 16 + 8 + 9 * 20;
    expect(dv.getUint16(entry, true)).toBe(65000);
    dv.setBigUint64(entry + 4, 2n ** 40n, true);
    const cog = await COGReader.open(patched);
    expect(() => cog.dataset.ifds[0].value(65000)).toThrow(/over maxTagBytes/);
  });

  it("rejects more blocks than maxTiles with COG_LIMIT", async () => {
    const tiled: BuildTag[] = [
      { tag: 256, type: 4, values: [60000] },
      { tag: 257, type: 4, values: [60000] },
      { tag: 322, type: 3, values: [16] },
      { tag: 323, type: 3, values: [16] },
      { tag: 324, type: 4, values: [0] },
      { tag: 325, type: 4, values: [0] },
    ];
    const e = await openError(buildTiff({ ifds: [tiled] }).bytes, { maxTiles: 1_000_000 });
    expect(e.code).toBe("COG_LIMIT");
    expect(e.context.limit).toBe("maxTiles");
  });

  it("rejects block arrays shorter than the block grid", async () => {
    const tiled: BuildTag[] = [
      { tag: 256, type: 3, values: [64] },
      { tag: 257, type: 3, values: [64] },
      { tag: 322, type: 3, values: [16] },
      { tag: 323, type: 3, values: [16] },
      { tag: 324, type: 4, values: [0, 0] },
      { tag: 325, type: 4, values: [0, 0] },
    ];
    const e = await openError(buildTiff({ ifds: [tiled] }).bytes);
    expect(e.code).toBe("COG_FORMAT");
    expect(e.message).toMatch(/2 entries, 16 expected/);
  });
});

describe("abort", () => {
  it("an aborted signal stops opening with COG_ABORT before any read", async () => {
    const source = new RecordingSource(buildTiff({ ifds: [stripImageTags(2, 2, 8)] }).bytes);
    const controller = new AbortController();
    controller.abort();
    const e = await COGReader.open(source, { signal: controller.signal }).catch((err: unknown) => err);
    expect(isCogError(e, "COG_ABORT")).toBe(true);
    expect(source.reads).toEqual([]);
  });
});

describe("reads while opening", () => {
  it("fetches out-of-line tag values in one batch, never one read per tag", async () => {
    const many: BuildTag[] = Array.from({ length: 40 }, (_, i) => ({ tag: 61000 + i, type: 12, values: [i, i + 0.5, i + 0.25] }));
    const { bytes } = buildTiff({ ifds: [[...stripImageTags(2, 2, 8), ...many]] });
    const source = new RecordingSource(bytes);
    await COGReader.open(source, { initialBytes: 64 });
    // 40 out-of-line values past the first 64 bytes: one read for the IFD, one batch for the values.
    expect(source.reads.length).toBeLessThanOrEqual(1 + Math.ceil(Math.log2(bytes.byteLength / 64)));
    expect(source.reads.length).toBeLessThan(5);
  });
});

describe("GDAL metadata, nodata, ghost area", () => {
  it.each([
    ["0", 0],
    ["-9999", -9999],
    ["nan", Number.NaN],
    ["NaN", Number.NaN],
    ["-inf", Number.NEGATIVE_INFINITY],
    ["inf", Number.POSITIVE_INFINITY],
    ["-3.4028234663852886e+38", -3.4028234663852886e38],
    ["-1.2676506002282294e+30", -1.2676506002282294e30],
    ["  12  ", 12],
    ["", undefined],
  ])("nodata %j -> %s", (text, value) => {
    expect(parseNodata(text)).toBe(value);
  });

  it("parses band scale, offset, description and statistics", () => {
    const md = parseGdalMetadata(
      '<GDALMetadata><Item name="AREA_OR_POINT">Area</Item><Item name="SCALE" sample="1" role="scale">0.5</Item>' +
        '<Item name="OFFSET" sample="1" role="offset">-10</Item><Item name="DESCRIPTION" sample="0" role="description">red &amp; hot</Item>' +
        '<Item name="STATISTICS_MEAN" sample="0">12.5</Item></GDALMetadata>',
    );
    expect(md.dataset[""].AREA_OR_POINT).toBe("Area");
    expect(md.bands[0]).toMatchObject({ description: "red & hot", statistics: { STATISTICS_MEAN: 12.5 } });
    expect(md.bands[1]).toMatchObject({ scale: 0.5, offset: -10 });
    // What readTiffDataset gives a file without the tag, without loading the parser.
    expect(parseGdalMetadata(undefined)).toEqual({ dataset: {}, bands: [] });
  });

  it("parses the ghost area", () => {
    const text = "GDAL_STRUCTURAL_METADATA_SIZE=000140 bytes\nLAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\nBLOCK_LEADER=SIZE_AS_UINT4\nBLOCK_TRAILER=LAST_4_BYTES_REPEATED\nKNOWN_INCOMPATIBLE_EDITION=NO\n ";
    const ghost = parseGhostArea(new TextEncoder().encode(text));
    expect(ghost).toMatchObject({ size: 140, layout: "IFDS_BEFORE_DATA", blockLeader: "SIZE_AS_UINT4", knownIncompatibleEdition: "NO" });
    expect(parseGhostArea(new TextEncoder().encode("nothing here"))).toBeUndefined();
  });
});
