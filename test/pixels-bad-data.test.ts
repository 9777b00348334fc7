import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { COGReader, isCogError, type CogError } from "../src/index.js";
import { buildTiff, type BuildTag } from "./helpers/tiff-builder.js";

/** A 64x64 uint8 single-tile TIFF whose tile holds `tile` (byte count `count`, default its length). */
function tiledTiff(tile: Uint8Array, opts: { compression?: number; count?: number; extra?: BuildTag[] } = {}): Uint8Array {
  const tags = (offset: number): BuildTag[] => [
    { tag: 256, type: 3, values: [64] },
    { tag: 257, type: 3, values: [64] },
    { tag: 258, type: 3, values: [8] },
    { tag: 259, type: 3, values: [opts.compression ?? 8] },
    { tag: 262, type: 3, values: [1] },
    { tag: 277, type: 3, values: [1] },
    { tag: 322, type: 3, values: [64] },
    { tag: 323, type: 3, values: [64] },
    { tag: 324, type: 4, values: [offset] },
    { tag: 325, type: 4, values: [opts.count ?? tile.byteLength] },
    ...(opts.extra ?? []),
  ];
  const { tailOffset } = buildTiff({ ifds: [tags(0)], tail: tile });
  return buildTiff({ ifds: [tags(tailOffset)], tail: tile }).bytes;
}

async function tileError(bytes: Uint8Array): Promise<CogError> {
  const cog = await COGReader.open(bytes);
  const error = await cog.getTile(0, 0, 0).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isCogError(error), String(error)).toBe(true);
  return error as CogError;
}

describe("bad pixel data fails cleanly, with where it happened", () => {
  it("a decompression bomb stops at the expected size: COG_LIMIT", async () => {
    const bomb = deflateSync(new Uint8Array(10 * 1024 * 1024));
    const e = await tileError(tiledTiff(bomb));
    expect(e.code).toBe("COG_LIMIT");
    expect(e.context).toMatchObject({ ifd: 0, x: 0, y: 0, z: 0 });
    expect(e.context.offset).toBeGreaterThan(0);
  });

  it("a tile that inflates short of the block is COG_FORMAT", async () => {
    const e = await tileError(tiledTiff(deflateSync(new Uint8Array(100))));
    expect(e.code).toBe("COG_FORMAT");
    expect(e.message).toMatch(/100 bytes, 4096 expected/);
  });

  it("garbage in a deflate tile is COG_FORMAT", async () => {
    const e = await tileError(tiledTiff(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])));
    expect(e.code).toBe("COG_FORMAT");
  });

  it("a tile whose byte count runs past the end of the file is COG_FORMAT", async () => {
    const e = await tileError(tiledTiff(deflateSync(new Uint8Array(4096)), { count: 100_000 }));
    expect(e.code).toBe("COG_FORMAT");
    expect(e.message).toMatch(/cut short/);
  });

  it("a codec cogread does not decode (CCITT G4) is COG_UNSUPPORTED", async () => {
    const e = await tileError(tiledTiff(new Uint8Array(16), { compression: 4 }));
    expect(e.code).toBe("COG_UNSUPPORTED");
    expect(e.message).toMatch(/ccittfax4|compression 4/);
  });

  it("an unusable sample format is refused at open: COG_UNSUPPORTED", async () => {
    const bytes = tiledTiff(new Uint8Array(4096), { compression: 1, extra: [{ tag: 339, type: 3, values: [3] }] });
    const e = await COGReader.open(bytes).catch((err: unknown) => err);
    expect(isCogError(e, "COG_UNSUPPORTED")).toBe(true);
  });

  it("uncompressed data decodes to the exact bytes", async () => {
    const raw = Uint8Array.from({ length: 4096 }, (_, i) => i % 251);
    const tile = await (await COGReader.open(tiledTiff(raw, { compression: 1 }))).getTile(0, 0, 0);
    expect(Array.from(tile.data as Uint8Array)).toEqual(Array.from(raw));
    expect(tile.mask).toBeUndefined();
  });
});
