import { describe, expect, it } from "vitest";
import { COGReader, registerCodec } from "../src/index.js";
import { buildTiff, type BuildTag } from "./helpers/tiff-builder.js";
import { RecordingSource } from "./helpers/recording-source.js";
import { catchCogError } from "./helpers/local-server.js";
import { pointTransform } from "../src/raster/projection.js";

/** A single-tile uint8 TIFF of `size`² pixels and `bands` bands, compressed with `compression`, with `extra` tags. */
function tiff(opts: { size?: number; tile?: number; bands?: number; compression?: number; extra?: BuildTag[] } = {}): Uint8Array {
  const size = opts.size ?? 16;
  const tile = opts.tile ?? 16;
  const bands = opts.bands ?? 1;
  const data = new Uint8Array(256).fill(7);
  const tags = (offset: number): BuildTag[] => [
    { tag: 256, type: 4, values: [size] },
    { tag: 257, type: 4, values: [size] },
    { tag: 258, type: 3, values: new Array<number>(bands).fill(8) },
    { tag: 259, type: 3, values: [opts.compression ?? 1] },
    { tag: 262, type: 3, values: [bands >= 3 ? 2 : 1] },
    { tag: 277, type: 3, values: [bands] },
    { tag: 322, type: 4, values: [tile] },
    { tag: 323, type: 4, values: [tile] },
    { tag: 324, type: 4, values: [offset] },
    { tag: 325, type: 4, values: [data.length] },
    ...(opts.extra ?? []),
  ];
  const { tailOffset } = buildTiff({ ifds: [tags(0)], tail: data });
  return buildTiff({ ifds: [tags(tailOffset)], tail: data }).bytes;
}

const failure = catchCogError;

const geoKeys: BuildTag = { tag: 34735, type: 3, values: [1, 1, 0, 2, 1024, 0, 1, 2, 2048, 0, 1, 4326] };

describe("georeferencing that cannot place pixels is dropped at open, with a warning", () => {
  it("ModelPixelScale holding Infinity: no geotransform, a warning, and geo calls fail typed", async () => {
    const bytes = tiff({ extra: [
      { tag: 33550, type: 12, values: [Infinity, 1, 0] },
      { tag: 33922, type: 12, values: [0, 0, 0, 10, 50, 0] },
      geoKeys,
    ] });
    const cog = await COGReader.open(bytes);
    expect(cog.geoTransform).toBeUndefined();
    expect(cog.bounds).toBeUndefined();
    expect(cog.warnings.some((w) => w.includes("not finite or not invertible")), cog.warnings.join("; ")).toBe(true);
    const e = await failure(cog.point(10, 50));
    expect(e.code).toBe("COG_UNSUPPORTED");
    expect(e.message).toContain("geotransform");
    expect((await cog.getTile(0, 0, 0)).data[0]).toBe(7); // pixels are still readable
  });

  it("a degenerate (zero-determinant) ModelTransformation is dropped the same way", async () => {
    const matrix = [1, 0, 0, 10, 2, 0, 0, 50, 0, 0, 0, 0, 0, 0, 0, 1]; // rows of the 2×2 part are parallel
    const cog = await COGReader.open(tiff({ extra: [{ tag: 34264, type: 12, values: matrix }, geoKeys] }));
    expect(cog.geoTransform).toBeUndefined();
    expect(cog.warnings.join("; ")).toContain("geotransform");
  });

  it("a finite transform whose corners overflow is dropped too", async () => {
    const cog = await COGReader.open(tiff({ extra: [
      { tag: 33550, type: 12, values: [1e307, 1e307, 0] },
      { tag: 33922, type: 12, values: [0, 0, 0, 0, 0, 0] },
      geoKeys,
    ] }));
    expect(cog.geoTransform).toBeUndefined();
  });
});

describe("codec failures are CogErrors, with the codec named and the cause kept", () => {
  it("a decoder's own exception is COG_FORMAT with the block's context", async () => {
    const thrown = new RangeError("offset is out of bounds");
    registerCodec(34925, () => async () => { throw thrown; });
    const cog = await COGReader.open(tiff({ compression: 34925 }));
    const e = await failure(cog.getTile(0, 0, 0));
    expect(e.code).toBe("COG_FORMAT");
    expect(e.message).toMatch(/corrupt lzma block/i);
    expect(e.message).toContain("offset is out of bounds");
    expect(e.cause).toBe(thrown);
    expect(e.context.ifd).toBe(0);
  });

  it("a WASM module that cannot compile here is COG_UNSUPPORTED", async () => {
    registerCodec(34925, () => async () => {
      throw new WebAssembly.CompileError("WebAssembly.instantiate(): Wasm code generation disallowed by embedder");
    });
    const cog = await COGReader.open(tiff({ compression: 34925 }));
    const e = await failure(cog.getTile(0, 0, 0));
    expect(e.code).toBe("COG_UNSUPPORTED");
    expect(e.message).toMatch(/lzma codec cannot load in this runtime/i);
  });

  it("a WASM trap while decoding (RuntimeError: Aborted) is COG_FORMAT", async () => {
    registerCodec(34925, () => async () => { throw new WebAssembly.RuntimeError("Aborted(). Build with -sASSERTIONS for more info."); });
    const cog = await COGReader.open(tiff({ compression: 34925 }));
    expect((await failure(cog.getTile(0, 0, 0))).code).toBe("COG_FORMAT");
  });
});

describe("the default tile limit", () => {
  it("a tile over 32 MiB is COG_LIMIT before its bytes are fetched", async () => {
    // 4096² × 2 bands of uint8 is 32 MiB of samples, plus the 16 MiB mask: over maxTileBytes.
    const source = new RecordingSource(tiff({ size: 4096, tile: 4096, bands: 2 }));
    const cog = await COGReader.open(source);
    const before = source.reads.length;
    const e = await failure(cog.getTile(0, 0, 0));
    expect(e.code).toBe("COG_LIMIT");
    expect(e.context.limit).toBe("maxTileBytes");
    expect(source.reads.length).toBe(before);
  });

  it("a caller can set it: 16² uint8 needs 512 bytes with its mask", async () => {
    const bytes = tiff();
    expect((await failure((await COGReader.open(bytes, { limits: { maxTileBytes: 511 } })).getTile(0, 0, 0))).code).toBe("COG_LIMIT");
    await expect((await COGReader.open(bytes, { limits: { maxTileBytes: 512 } })).getTile(0, 0, 0)).resolves.toMatchObject({ width: 16 });
  });
});

describe("inputs that have no meaning are refused, typed", () => {
  it("pointTransform gives NaN (outside every image) for points proj4 cannot take, instead of its TypeError", async () => {
    const toMercator = await pointTransform("EPSG:4326", "EPSG:3857");
    expect(toMercator(Infinity, 0)).toEqual([NaN, NaN]);
    expect(toMercator(0, NaN)).toEqual([NaN, NaN]);
    const [x, y] = toMercator(10, 50);
    expect(x).toBeCloseTo(1113194.9, 1);
    expect(y).toBeGreaterThan(6e6);
  });

  it("point() with a non-finite coordinate is COG_USAGE; outside points are COG_TILE_OUTSIDE", async () => {
    const cog = await COGReader.open(tiff({ extra: [
      { tag: 33550, type: 12, values: [0.1, 0.1, 0] },
      { tag: 33922, type: 12, values: [0, 0, 0, 10, 50, 0] },
      geoKeys,
    ] }));
    expect((await failure(cog.point(Infinity, 50))).code).toBe("COG_USAGE");
    expect((await failure(cog.point(10.05, 49.95, { crs: "EPSG:3857" }))).code).toBe("COG_TILE_OUTSIDE");
    expect((await cog.point(10.05, 49.95)).values).toEqual([7]);
  });

  it("24-bit samples (no GDAL-checked widening here) are COG_UNSUPPORTED at open, not a RangeError later", async () => {
    const bytes = tiff();
    const view = new DataView(bytes.buffer);
    // BitsPerSample is the third entry of the first IFD (offset 8): its inline value sits at 8 + 2 + 2 * 12 + 8.
    expect(view.getUint16(8 + 2 + 2 * 12, true)).toBe(258);
    view.setUint16(8 + 2 + 2 * 12 + 8, 24, true);
    const e = await failure(COGReader.open(bytes));
    expect(e.code).toBe("COG_UNSUPPORTED");
    expect(e.message).toContain("24 bits");
  });
});
