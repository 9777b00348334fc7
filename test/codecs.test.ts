import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { createDeflateCodec, type InflateBackend } from "../src/decode/deflate.js";
import { decodeLerc } from "../src/decode/lerc.js";
import { lzwDecode } from "../src/decode/lzw.js";
import { decodeNone } from "../src/decode/none.js";
import { decodePackbits } from "../src/decode/packbits.js";
import { getCodec, registerCodec } from "../src/decode/registry.js";
import type { BlockInfo, Codec } from "../src/decode/types.js";
import { decodeZstd } from "../src/decode/zstd.js";
import { isCogError } from "../src/errors.js";
import { COGReader } from "../src/reader.js";
import { corpusEntries, corpusFile, oracle } from "./helpers/corpus.js";

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;
const OURS = new Set([1, 5, 8, 32946, 32773, 34887, 50000]);

function block(expectedBytes: number, extra: Partial<BlockInfo> = {}): BlockInfo {
  return {
    width: expectedBytes, height: 1, samples: 1, bitsPerSample: 8, sampleFormat: 1, littleEndian: true,
    compression: 1, photometric: 1, predictor: 1, expectedBytes, context: { ifd: 0, x: 1, y: 2 }, ...extra,
  };
}

/** Byte equality without vitest's element-by-element deep equality (slow on 256 KiB arrays). */
function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && Buffer.compare(a, b) === 0;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (e) {
    return isCogError(e) ? e.code : `not a CogError: ${String(e)}`;
  }
}

/** A TIFF opened with the project's reader; blocks are read with node:fs and decoded by our codecs. */
class TiffBlocks {
  private readonly cache = new Map<string, Promise<Uint8Array | undefined>>();
  /** Decoded blocks whose length is not `expectedBytes`, as "z/x/y/plane: got/expected". */
  readonly wrongLength: string[] = [];
  private constructor(readonly cog: COGReader, private readonly fd: number) {}

  static async open(path: string): Promise<TiffBlocks> {
    return new TiffBlocks(await COGReader.open(path), openSync(path, "r"));
  }

  info(z: number, x: number, y: number): BlockInfo {
    const im = this.cog.ifds[z];
    const samples = im.planar === 2 ? 1 : im.bands;
    const rows = im.tiled ? im.tileHeight : Math.min(im.tileHeight, im.height - y * im.tileHeight);
    const lerc = this.cog.dataset.ifds[im.ifdIndex].numbers(50674);
    return {
      width: im.tileWidth, height: rows, samples, bitsPerSample: im.bitsPerSample, sampleFormat: im.sampleFormat,
      littleEndian: this.cog.littleEndian, compression: im.compressionCode, photometric: 1, predictor: im.predictor,
      expectedBytes: Math.ceil((im.tileWidth * samples * im.bitsPerSample) / 8) * rows,
      context: { url: this.cog.url, z, x, y }, ...(lerc ? { lercParameters: lerc } : {}),
    };
  }

  /** Compressed bytes of block (x, y) of `plane`; undefined for a sparse block. */
  async raw(z: number, x: number, y: number, plane = 0): Promise<Uint8Array | undefined> {
    const range = (await this.cog.locateTile(x, y, z))[plane];
    if (range.offset === 0 || range.length === 0) return undefined;
    const bytes = new Uint8Array(range.length);
    readSync(this.fd, bytes, 0, range.length, range.offset);
    return bytes;
  }

  decoded(z: number, x: number, y: number, plane = 0): Promise<Uint8Array | undefined> {
    const key = `${z}/${x}/${y}/${plane}`;
    let hit = this.cache.get(key);
    if (hit === undefined) {
      const info = this.info(z, x, y);
      hit = this.raw(z, x, y, plane).then(async (bytes) => {
        const out = bytes && (await (await getCodec(info.compression))(bytes, info));
        if (out && out.length !== info.expectedBytes) this.wrongLength.push(`${key}: ${out.length}/${info.expectedBytes}`);
        return out;
      });
      this.cache.set(key, hit);
    }
    return hit;
  }

  /** Sample `band` of pixel (px, py) of level z, as GDAL's JSON writes it. */
  async value(z: number, px: number, py: number, band: number): Promise<number | string | undefined> {
    const im = this.cog.ifds[z];
    const [x, y] = [Math.floor(px / im.tileWidth), Math.floor(py / im.tileHeight)];
    const bytes = await this.decoded(z, x, y, im.planar === 2 ? band : 0);
    if (bytes === undefined) return undefined;
    const samples = im.planar === 2 ? 1 : im.bands;
    const size = im.bitsPerSample / 8;
    const at = (((py % im.tileHeight) * im.tileWidth + (px % im.tileWidth)) * samples + (im.planar === 2 ? 0 : band)) * size;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const le = this.cog.littleEndian;
    const kind = `${im.sampleFormat === 3 ? "f" : im.sampleFormat === 2 ? "i" : "u"}${im.bitsPerSample}`;
    const read: Record<string, () => number | bigint> = {
      u8: () => view.getUint8(at), i8: () => view.getInt8(at), u16: () => view.getUint16(at, le), i16: () => view.getInt16(at, le),
      u32: () => view.getUint32(at, le), i32: () => view.getInt32(at, le), f32: () => view.getFloat32(at, le),
      f64: () => view.getFloat64(at, le), u64: () => view.getBigUint64(at, le), i64: () => view.getBigInt64(at, le),
    };
    const v = read[kind]();
    return typeof v === "bigint" ? v.toString() : Number.isNaN(v) ? "NaN" : v;
  }

  close(): Promise<void> {
    closeSync(this.fd);
    return this.cog.close();
  }
}

interface GdalWindow { z: number; xoff: number; yoff: number; bands: Array<Array<Array<number | string>> | null> }

/** Compares every pixel of GDAL's windows with the decoded blocks (predictor 1 files only). */
async function expectWindows(t: TiffBlocks, windows: GdalWindow[]): Promise<number> {
  let checked = 0; // pixels compared, or found in sparse blocks
  for (const w of windows) {
    for (const [band, rows] of w.bands.entries()) {
      if (rows === null) continue;
      for (const [r, row] of rows.entries()) {
        for (const [c, want] of row.entries()) {
          const got = await t.value(w.z, w.xoff + c, w.yoff + r, band);
          // undefined: a sparse block, where GDAL shows nodata or 0
          if (got !== undefined && got !== want) expect({ at: [w.z, w.xoff + c, w.yoff + r, band], got }).toEqual({ at: [w.z, w.xoff + c, w.yoff + r, band], got: want });
          checked++;
        }
      }
    }
  }
  return checked;
}

function fixtureWindows(name: string): GdalWindow[] {
  const json = JSON.parse(readFileSync(`${FIXTURES}${name.replace(/\.tif$/, ".windows.json")}`, "utf8"));
  return json.levels.flatMap((l: any) => l.windows.map((w: any) => ({ z: l.level, xoff: w.xoff, yoff: w.yoff, bands: w.values })));
}

function corpusWindows(path: string): GdalWindow[] {
  const o = oracle(path);
  const levels = (o.windows_raw ?? o.windows).levels;
  return levels.flatMap((l: any) =>
    l.windows.map((w: any) => ({ z: l.level === "full" ? 0 : 1 + l.overview_index, xoff: w.xoff, yoff: w.yoff, bands: w.bands.map((b: any) => b.values) })),
  );
}

const opened: TiffBlocks[] = [];
async function open(path: string): Promise<TiffBlocks> {
  const t = await TiffBlocks.open(path);
  opened.push(t);
  return t;
}
afterAll(() => Promise.all(opened.map((t) => t.close())));

describe("codecs on GDAL-made fixtures", () => {
  const family = ["deflate", "lzw", "zstd", "lerc"].map((c) => `uint8_1band_${c}_block256_ovr2.tif`);

  it("decode every block of one image to the same bytes with DEFLATE, LZW, ZSTD and LERC", async () => {
    const [first, ...others] = await Promise.all(family.map((f) => open(FIXTURES + f)));
    let blocks = 0;
    for (const [z, im] of first.cog.ifds.entries()) {
      for (let y = 0; y < im.tilesDown; y++) {
        for (let x = 0; x < im.tilesAcross; x++) {
          const want = await first.decoded(z, x, y);
          expect(want?.length).toBe(first.info(z, x, y).expectedBytes);
          for (const t of others) expect(sameBytes(await t.decoded(z, x, y), want)).toBe(true);
          blocks++;
        }
      }
    }
    expect(blocks).toBe(6 + 2 + 1);
  });

  it("decode LERC_DEFLATE and LERC_ZSTD float32 blocks identically (additional compression)", async () => {
    const [a, b] = await Promise.all(["deflate", "zstd"].map((c) => open(`${FIXTURES}float32_1band_lerc_${c}_block256_ovr1.tif`)));
    for (const [x, y] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
      const bytes = await a.decoded(0, x, y);
      expect(bytes?.length).toBe(256 * 256 * 4);
      expect(sameBytes(await b.decoded(0, x, y), bytes)).toBe(true);
    }
  });

  const predictorFree = readdirFixtures().filter((f) => !/predictor|jpeg|webp/.test(f));
  it.each(predictorFree)("match GDAL's pixel windows: %s", async (name) => {
    const t = await open(FIXTURES + name);
    if (!OURS.has(t.cog.ifds[0].compressionCode)) return;
    expect(await expectWindows(t, fixtureWindows(name))).toBeGreaterThan(0);
    expect(t.wrongLength).toEqual([]);
  });
});

function readdirFixtures(): string[] {
  const manifest = JSON.parse(readFileSync(`${FIXTURES}manifest.json`, "utf8"));
  return manifest.fixtures.map((f: { file: string }) => f.file).filter((f: string) => /^[^/]+\.tif$/.test(f));
}

describe("codecs on the conformance corpus", () => {
  const inScope = corpusEntries().filter((e) => {
    if (e.expect !== "ok") return false;
    const ifd = oracle(e.path).tiff.ifds[0];
    const [bits, format] = [ifd.bits_per_sample[0], ifd.sample_format?.[0] ?? 1];
    // Byte-aligned real samples (no complex, no float16): what value() reads straight from bytes.
    return OURS.has(ifd.compression) && ifd.predictor === 1 && [8, 16, 32, 64].includes(bits) && format <= 3 && !(bits === 16 && format === 3);
  });

  it.each(inScope.map((e) => e.path))("match GDAL's pixel windows: %s", async (path) => {
    const t = await open(corpusFile(path));
    expect(await expectWindows(t, corpusWindows(path))).toBeGreaterThan(0);
    // gdal__separate_tiled.tif's PackBits tiles hold only the 37 rows inside the image, which
    // is all GDAL reads of a last row of tiles: a shorter block is the caller's to judge.
    const short = path.endsWith("separate_tiled.tif") ? ["0/0/0/0: 2368/4096", "0/0/0/1: 2368/4096", "0/0/0/2: 2368/4096"] : [];
    expect(t.wrongLength.sort()).toEqual(short);
  });

  it("decodes gdal__rgbsmall_DEFLATE_tiled.tif and gdal__rgbsmall_LZW_tiled_separate.tif to the same pixels", async () => {
    const [chunky, separate] = await Promise.all(["DEFLATE_tiled", "LZW_tiled_separate"].map((n) => open(corpusFile(`gdal/gdal__rgbsmall_${n}.tif`))));
    const im = chunky.cog.ifds[0];
    for (let y = 0; y < im.tilesDown; y++) {
      for (let x = 0; x < im.tilesAcross; x++) {
        const rgb = (await chunky.decoded(0, x, y)) as Uint8Array;
        expect(rgb.length).toBe(16 * 32 * 3);
        for (let band = 0; band < 3; band++) {
          const plane = (await separate.decoded(0, x, y, band)) as Uint8Array;
          expect(plane.length).toBe(16 * 32);
          expect(plane).toEqual(rgb.filter((_, i) => i % 3 === band));
        }
      }
    }
  });

  it("gdal__byte_zstd_corrupted.tif -> COG_FORMAT", async () => {
    const t = await open(corpusFile("gdal/gdal__byte_zstd_corrupted.tif"));
    const bytes = (await t.raw(0, 0, 0)) as Uint8Array;
    expect(await codeOf(decodeZstd(bytes, t.info(0, 0, 0)))).toBe("COG_FORMAT");
  });

});

describe("DEFLATE", () => {
  const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) % 251);
  const z = new Uint8Array(deflateSync(data));
  const backends: InflateBackend[] = ["node", "stream", "pako"];

  it.each(backends)("%s: accepts what libtiff accepts (bad or missing Adler-32, trailing bytes)", async (backend) => {
    const codec = createDeflateCodec(backend);
    const badAdler = Uint8Array.from([...z.subarray(0, -4), 1, 2, 3, 4]);
    for (const s of [z, z.subarray(0, -4), z.subarray(0, -2), badAdler, Uint8Array.from([...z, 9, 9, 9, 9])]) {
      expect(await codec(s, block(5000))).toEqual(data);
    }
  });

  it.each(backends)("%s: corrupt -> COG_FORMAT with the block context; short -> fewer bytes", async (backend) => {
    const codec = createDeflateCodec(backend);
    const corrupt = z.map((b, i) => (i >= 10 && i < 30 ? b ^ 0x5a : b));
    const err = await codec(corrupt, block(5000)).catch((e: unknown) => e);
    expect(isCogError(err, "COG_FORMAT") && err.context).toMatchObject({ ifd: 0, x: 1, y: 2 });
    const truncated = z.subarray(0, z.length >> 1);
    const code = await codeOf(codec(truncated, block(5000)));
    if (backend === "stream") expect(code).toBe("COG_FORMAT"); // the web stream cannot say how much it inflated
    else expect((await codec(truncated, block(5000))).length).toBeLessThan(5000);
  });

  it.each(backends)("%s: a bomb (10 MB of zeros, 1000 expected) -> COG_LIMIT without allocating 10 MB", async (backend) => {
    const bomb = new Uint8Array(deflateSync(new Uint8Array(10_000_000), { level: 9 }));
    const codec = createDeflateCodec(backend);
    await codec(z, block(5000)); // load the backend first
    const before = process.memoryUsage().arrayBuffers;
    expect(await codeOf(codec(bomb, block(1000)))).toBe("COG_LIMIT");
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(5_000_000);
  });
});

/** A zstd frame (RFC 8878 §3.1) of `blocks` RLE blocks of 128 KiB of 7s, declaring `size` or no size. */
function zstdRle(blocks: number, size?: number): Uint8Array {
  const magic = [0x28, 0xb5, 0x2f, 0xfd];
  // FHD 0x00 + window descriptor 0x58 (2 MiB): no size, as GDAL writes; FHD 0xa0: 4-byte size.
  const header = size === undefined ? [0x00, 0x58] : [0xa0, size & 255, (size >>> 8) & 255, (size >>> 16) & 255, size >>> 24];
  const rle = (last: number) => [((131072 << 3) | 2 | last) & 255, ((131072 << 3) >>> 8) & 255, (131072 << 3) >>> 16, 7];
  return Uint8Array.from([...magic, ...header, ...Array.from({ length: blocks }, (_, i) => rle(i === blocks - 1 ? 1 : 0)).flat()]);
}

describe("ZSTD", () => {
  it("decodes a frame without a declared size, and stops a bomb before decoding (COG_LIMIT)", async () => {
    const out = await decodeZstd(zstdRle(10), block(10 * 131072));
    expect(out.length === 10 * 131072 && out.every((v) => v === 7)).toBe(true);
    expect(await codeOf(decodeZstd(zstdRle(80), block(1000)))).toBe("COG_LIMIT"); // 10 MiB from 332 bytes
    expect(await codeOf(decodeZstd(zstdRle(1, 1e9), block(1000)))).toBe("COG_LIMIT"); // declared size
  });

  it("a truncated or corrupt stream -> COG_FORMAT", async () => {
    const t = await open(`${FIXTURES}uint8_1band_zstd_block256_ovr2.tif`);
    const bytes = (await t.raw(0, 0, 0)) as Uint8Array;
    expect((await decodeZstd(bytes, t.info(0, 0, 0))).length).toBe(65536);
    expect(await codeOf(decodeZstd(bytes.subarray(0, bytes.length - 10), t.info(0, 0, 0)))).toBe("COG_FORMAT");
    expect(await codeOf(decodeZstd(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), t.info(0, 0, 0)))).toBe("COG_FORMAT");
  });
});

/** A TIFF LZW encoder for tests: new-style (MSB-first, early change) or old-style (LSB-first). */
function lzwEncode(data: Uint8Array, oldStyle: boolean): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let nacc = 0;
  let k = 0; // codes written since the last Clear: the decoder has k - 1 new entries then
  const emit = (code: number) => {
    let bits = 9;
    while (bits < 12 && 258 + Math.max(0, k - 1) + (oldStyle ? 0 : 1) >= 1 << bits) bits++;
    k = code === 256 ? 0 : k + 1;
    if (oldStyle) acc |= code << nacc;
    else acc = (acc << bits) | code;
    nacc += bits;
    for (; nacc >= 8; nacc -= 8) {
      out.push(oldStyle ? acc & 255 : (acc >>> (nacc - 8)) & 255);
      if (oldStyle) acc >>>= 8;
    }
    if (!oldStyle) acc &= (1 << nacc) - 1;
  };
  let table = new Map<number, number>();
  let next = 258;
  let w = -1;
  emit(256);
  for (const c of data) {
    const hit = w < 0 ? c : table.get(w * 256 + c);
    if (hit !== undefined) {
      w = hit;
      continue;
    }
    emit(w);
    if (next < 4093) {
      table.set(w * 256 + c, next++);
    } else {
      emit(256); // table full: Clear, as libtiff's encoder does
      [table, next] = [new Map(), 258];
    }
    w = c;
  }
  emit(w);
  emit(257);
  if (nacc > 0) out.push(oldStyle ? acc & 255 : (acc << (8 - nacc)) & 255);
  return Uint8Array.from(out);
}

describe("LZW", () => {
  // Runs (KwKwK codes), text-like repeats and noise: widths 9 to 12 and a table reset.
  const data = Uint8Array.from({ length: 60_000 }, (_, i) => (i < 3000 ? 7 : i % 977 < 400 ? (i * 31) % 13 : (i * 2654435761) >>> 27));

  it.each([false, true])("round-trips the test encoder (old-style LSB-first: %s)", (oldStyle) => {
    const stream = lzwEncode(data, oldStyle);
    expect(stream[0] === 0 && (stream[1] & 1) === 1).toBe(oldStyle);
    expect(sameBytes(lzwDecode(stream, block(data.length)), data)).toBe(true);
  });

  it("stops at expectedBytes (COG_LIMIT), rejects undefined codes (COG_FORMAT), keeps data without EOI", async () => {
    const stream = lzwEncode(data, false);
    expect(await codeOf(getCodec(5).then((c) => c(stream, block(data.length - 1))))).toBe("COG_LIMIT");
    expect(() => lzwDecode(Uint8Array.from([0x80, 0x7f, 0xf0]), block(10))).toThrow(/corrupt LZW/); // Clear, then 4095
    expect(lzwDecode(stream.subarray(0, 100), block(data.length)).length).toBeGreaterThan(100);
  });

  it("a short stream in a large block gives its bytes, growing the output as it fills (an edge tile written short)", async () => {
    const runs = Uint8Array.from({ length: 300_000 }, (_, i) => (i < 250_000 ? 0 : i % 7));
    const stream = lzwEncode(runs, false);
    expect(stream.length * 8).toBeLessThan(runs.length / 4); // so the output starts small and doubles
    expect(sameBytes(lzwDecode(stream, block(1 << 20)), runs)).toBe(true);
    expect(sameBytes(lzwDecode(stream, block(runs.length)), runs)).toBe(true);
    expect(await codeOf(getCodec(5).then((c) => c(stream, block(runs.length - 1))))).toBe("COG_LIMIT");
  });
});

describe("PackBits, none", () => {
  it("decodes the TIFF 6.0 §9 example, skips -128, and refuses to overflow", async () => {
    const packed = Uint8Array.from([0xfe, 0xaa, 0x02, 0x80, 0x00, 0x2a, 0x80, 0xfd, 0xaa, 0x03, 0x80, 0x00, 0x2a, 0x22, 0xf7, 0xaa]);
    const unpacked = [0xaa, 0xaa, 0xaa, 0x80, 0x00, 0x2a, 0xaa, 0xaa, 0xaa, 0xaa, 0x80, 0x00, 0x2a, 0x22, ...Array(10).fill(0xaa)];
    expect([...(await decodePackbits(packed, block(24)))]).toEqual(unpacked);
    expect(await codeOf(decodePackbits(packed, block(20)))).toBe("COG_LIMIT");
  });

  it("none copies at most expectedBytes", async () => {
    const bytes = Uint8Array.from([1, 2, 3, 4, 5]);
    const out = await decodeNone(bytes, block(4));
    out[0] = 9;
    expect([...out, bytes[0]]).toEqual([9, 2, 3, 4, 1]);
  });
});

describe("LERC", () => {
  it("refuses a blob that does not fit the block (COG_FORMAT) and writes big-endian files' order", async () => {
    const t = await open(`${FIXTURES}float32_1band_lerc_zstd_block256_ovr1.tif`);
    const bytes = (await t.raw(0, 0, 0)) as Uint8Array;
    const info = t.info(0, 0, 0);
    expect(await codeOf(decodeLerc(bytes, { ...info, width: 128 }))).toBe("COG_FORMAT");
    const le = await decodeLerc(bytes, info);
    const be = await decodeLerc(bytes, { ...info, littleEndian: false });
    expect(be.subarray(0, 8)).toEqual(Uint8Array.from([le[3], le[2], le[1], le[0], le[7], le[6], le[5], le[4]]));
    expect(await codeOf(decodeLerc(bytes, { ...info, lercParameters: [4, 7] }))).toBe("COG_UNSUPPORTED");
  });
});

describe("registry", () => {
  it.each([2, 3, 4, 6, 34925, 50002, 65535])("compression %i -> COG_UNSUPPORTED naming it", async (code) => {
    const err = await getCodec(code, { url: "x.tif" }).catch((e: unknown) => e);
    expect(isCogError(err, "COG_UNSUPPORTED") && err.message).toContain(`compression ${code}`);
  });

  it("loads each codec once, and lets users plug in their own (a failed load is retried)", async () => {
    expect(await getCodec(8)).toBe(await getCodec(32946));
    const mine: Codec = async (bytes) => bytes;
    let calls = 0;
    registerCodec(34925, async () => {
      if (++calls === 1) throw new Error("network down");
      return mine;
    });
    expect(await codeOf(getCodec(34925))).toBe("COG_UNSUPPORTED");
    expect(await getCodec(34925)).toBe(mine);
    expect(await getCodec(34925)).toBe(mine);
    expect(calls).toBe(2);
    expect(() => registerCodec(70000, async () => mine)).toThrow(/0\.\.65535/);
  });
});
