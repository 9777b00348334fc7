import { CogError, isCogError, type CogErrorContext } from "../errors.js";
import { instantiateWith, type InstantiateWasm } from "./emscripten.js";
import { fitBlock } from "./fit-block.js";
import { codecWasm } from "./wasm.js";
import type { BlockInfo, Codec } from "./types.js";

/**
 * Which decoder runs: libjpeg-turbo compiled to WASM (default; pixel-exact with GDAL), or
 * pure-JS jpeg-js (about 7x slower, within ±3 DN of GDAL: its IDCT is not libjpeg's), only when
 * chosen with {@link jpegCodec}.
 *
 * @example
 * ```ts
 * const backend: JpegBackend = typeof WebAssembly === "object" ? "libjpeg-turbo" : "jpeg-js";
 * ```
 */
export type JpegBackend = "libjpeg-turbo" | "jpeg-js";

/** What the frame header (SOFn) of a JPEG stream says. */
interface JpegFrame {
  precision: number;
  width: number;
  height: number;
  /** Sampling factors [h, v] of each component, in SOF order. */
  factors: Array<[number, number]>;
}

interface Decoder {
  name: JpegBackend;
  decode(stream: Uint8Array, frame: JpegFrame, ycbcr: boolean): Uint8Array;
}

const loaded = new Map<JpegBackend, Promise<Decoder>>();

/**
 * A JPEG codec (TIFF compression 7, TIFF Tech Note 2) on a chosen backend: libjpeg-turbo (WASM,
 * the default, pixel-exact with GDAL) or jpeg-js (pure JS, within ±3 DN). There is no silent
 * switch between them: when libjpeg-turbo cannot load, decoding is `COG_UNSUPPORTED` saying so
 * (hand it its WASM with `setCodecWasm("jpeg", …)`, or choose jpeg-js explicitly, as below).
 *
 * @example
 * ```ts
 * const pureJs = jpegCodec("jpeg-js"); // public as `jpegCodec` in cogread (./jpeg-backend.ts)
 * const rgb = await pureJs(tileBytes, block);
 * ```
 */
export function jpegCodec(backend: JpegBackend = "libjpeg-turbo"): Codec {
  if (backend !== "libjpeg-turbo" && backend !== "jpeg-js") {
    throw new CogError("COG_USAGE", `jpegCodec: unknown backend ${JSON.stringify(backend)} ("libjpeg-turbo" or "jpeg-js")`);
  }
  return async (bytes, block) => {
    const ctx = block.context;
    if (block.bitsPerSample !== 8) throw new CogError("COG_UNSUPPORTED", `${block.bitsPerSample}-bit JPEG`, { ...ctx });
    const ycbcr = block.photometric === 6 && block.samples === 3;
    const decoder = await loadBackend(backend);
    // libtiff writes no JFIF/Adobe marker, so decoders guess the colour space of 3 components:
    // libjpeg from the component ids (jdapimin.c: 'R','G','B' -> RGB, else YCbCr), jpeg-js always
    // YCbCr. An Adobe APP14 marker decides it (transform 1 YCbCr, 0 none); jpeg-js always gets 0
    // because we convert its raw output ourselves.
    const adobe = block.samples === 3 ? (ycbcr && decoder.name === "libjpeg-turbo" ? 1 : 0) : undefined;
    const stream = spliceTables(bytes, block.jpegTables, adobe, ctx);
    const frame = scanJpeg(stream, adobe !== undefined, ctx);
    if (frame.precision !== 8) throw new CogError("COG_UNSUPPORTED", `${frame.precision}-bit JPEG`, { ...ctx });
    const comps = frame.factors.length;
    if (comps !== block.samples) {
      throw new CogError("COG_FORMAT", `JPEG has ${comps} components, the TIFF block ${block.samples}`, { ...ctx });
    }
    // GDAL writes 4-band JPEG as 4 raw components; neither backend can return those.
    if (comps !== 1 && comps !== 3) throw new CogError("COG_UNSUPPORTED", `JPEG with ${comps} components`, { ...ctx });
    if (frame.width * frame.height * comps > block.expectedBytes) {
      const why = `JPEG is ${frame.width}x${frame.height}, over the ${block.width}x${block.height} block`;
      throw new CogError("COG_LIMIT", why, { ...ctx, limit: "expectedBytes" });
    }
    try {
      return fitBlock(decoder.decode(stream, frame, ycbcr), frame.width, frame.height, block, "JPEG");
    } catch (e) {
      if (e instanceof CogError) throw e;
      throw new CogError("COG_FORMAT", `corrupt JPEG data: ${(e as Error).message}`, { ...ctx }, { cause: e });
    }
  };
}

/**
 * Decodes a JPEG-compressed TIFF block to 8-bit pixel-interleaved samples: RGB for photometric
 * YCbCr (libjpeg's conversion and "fancy" upsampling, as GDAL reads it), the stored samples
 * untransformed for RGB and gray. 12-bit JPEG throws `COG_UNSUPPORTED`.
 *
 * @example
 * ```ts
 * const rgb = await decodeJpeg(tileBytes, { ...block, jpegTables: ifd.bytes(347) });
 * ```
 */
export const decodeJpeg: Codec = jpegCodec();

function loadBackend(backend: JpegBackend): Promise<Decoder> {
  let p = loaded.get(backend);
  if (p === undefined) {
    p = (backend === "jpeg-js" ? loadJpegJs() : loadTurbo()).catch((e: unknown) => {
      loaded.delete(backend);
      if (isCogError(e)) throw e;
      const hint = backend === "jpeg-js" ? "" : `; hand it its WASM with setCodecWasm("jpeg", …) or choose registerCodec(7, () => jpegCodec("jpeg-js"))`;
      throw new CogError("COG_UNSUPPORTED", `JPEG decoder ${backend} could not load: ${(e as Error).message}${hint}`, {}, { cause: e });
    });
    loaded.set(backend, p);
  }
  return p;
}

async function loadTurbo(): Promise<Decoder> {
  const [mod, wasm] = await Promise.all([
    import("./glue/jpeg.js"), // untyped: its API is JPEGDecoder below
    codecWasm("jpeg"),
  ]);
  type Turbo = { getEncodedBuffer(n: number): Uint8Array; decode(): void; getDecodedBuffer(): Uint8ClampedArray };
  type Factory = (options: { instantiateWasm: InstantiateWasm }) => Promise<{ JPEGDecoder: new () => Turbo }>;
  const factory = (mod.default ?? mod) as Factory;
  const { hook, failed } = instantiateWith(wasm);
  const turbo = new (await Promise.race([factory({ instantiateWasm: hook }), failed])).JPEGDecoder();
  const decode = (stream: Uint8Array): Uint8Array => {
    turbo.getEncodedBuffer(stream.length).set(stream);
    try {
      turbo.decode();
    } catch (e) {
      // The WASM throws a bare pointer to libjpeg's message; give it a readable one.
      throw e instanceof Error ? e : new Error("libjpeg-turbo rejected the stream");
    }
    return new Uint8Array(turbo.getDecodedBuffer()); // copies out of WASM memory, reused next call
  };
  return { name: "libjpeg-turbo", decode };
}

async function loadJpegJs(): Promise<Decoder> {
  type JpegJs = typeof import("jpeg-js");
  const mod = (await import("jpeg-js")) as JpegJs & { default?: JpegJs }; // CommonJS: decode may sit on default
  const decodeJs = (mod.default ?? mod).decode;
  const decode = (stream: Uint8Array, frame: JpegFrame, ycbcr: boolean): Uint8Array => {
    const n = frame.width * frame.height;
    // colorTransform false: raw components, chroma replicated; we upsample and convert as libjpeg.
    const raw = decodeJs(stream, { useTArray: true, formatAsRGBA: false, colorTransform: false, tolerantDecoding: false }).data;
    if (frame.factors.length === 1) return raw.length === n ? raw : Uint8Array.from({ length: n }, (_, i) => raw[i * 3]);
    if (ycbcr) ycbcrToRgb(raw, frame);
    return raw;
  };
  return { name: "jpeg-js", decode };
}

/** Tables stream without its EOI, an optional Adobe APP14 marker, then the tile without its SOI. */
function spliceTables(tile: Uint8Array, tables: Uint8Array | undefined, adobe: number | undefined, ctx: CogErrorContext): Uint8Array {
  if (tile.length < 4 || tile[0] !== 0xff || tile[1] !== 0xd8) {
    throw new CogError("COG_FORMAT", "JPEG block does not start with an SOI marker", { ...ctx });
  }
  if (tables === undefined && adobe === undefined) return tile;
  let head: Uint8Array = new Uint8Array(0);
  if (tables !== undefined && tables.length >= 4) {
    if (tables[0] !== 0xff || tables[1] !== 0xd8) throw new CogError("COG_FORMAT", "JPEGTables do not start with SOI", { ...ctx, tag: 347 });
    const end = tables[tables.length - 2] === 0xff && tables[tables.length - 1] === 0xd9 ? tables.length - 2 : tables.length;
    head = tables.subarray(2, end);
  }
  const app14 = adobe === undefined ? [] : [0xff, 0xee, 0, 14, 0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, adobe];
  const out = new Uint8Array(2 + app14.length + head.length + tile.length - 2);
  out.set([0xff, 0xd8, ...app14]);
  out.set(head, 2 + app14.length);
  out.set(tile.subarray(2), 2 + app14.length + head.length);
  return out;
}

/**
 * Walks the markers of a whole JPEG stream: reads the frame header, and checks that every
 * segment and scan is complete up to EOI (libjpeg only warns on a truncated stream and fills
 * it with grey). With `ownAdobe`, JFIF and other Adobe markers are renamed APP15 in place so
 * that the one we inserted decides the colour space.
 */
function scanJpeg(s: Uint8Array, ownAdobe: boolean, ctx: CogErrorContext): JpegFrame {
  const fail = (why: string) => new CogError("COG_FORMAT", `JPEG ${why}`, { ...ctx });
  let frame: JpegFrame | undefined;
  let i = ownAdobe ? 18 : 2;
  for (;;) {
    while (i + 1 < s.length && s[i] === 0xff && s[i + 1] === 0xff) i++; // fill bytes
    if (i + 1 >= s.length) throw fail("stream is truncated (no EOI marker)");
    if (s[i] !== 0xff) throw fail(`has no marker at byte ${i} of the stream`);
    const m = s[i + 1];
    if (m === 0xd9) break;
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      i += 2; // TEM and RSTn stand alone
      continue;
    }
    if (i + 4 > s.length) throw fail("stream is truncated");
    const end = i + 2 + ((s[i + 2] << 8) | s[i + 3]);
    if (end > s.length) throw fail(`segment 0x${m.toString(16)} is truncated`);
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      const n = s[i + 9];
      if (end < i + 10 + 3 * n) throw fail("frame header is truncated");
      const factors = Array.from({ length: n }, (_, k): [number, number] => [s[i + 11 + 3 * k] >> 4, s[i + 11 + 3 * k] & 15]);
      frame = { precision: s[i + 4], height: (s[i + 5] << 8) | s[i + 6], width: (s[i + 7] << 8) | s[i + 8], factors };
    } else if (ownAdobe && (m === 0xe0 || m === 0xee)) {
      s[i + 1] = 0xef;
    }
    i = end;
    if (m !== 0xda) continue;
    // Entropy-coded data: 0xFF is followed by 0x00 (stuffing), RSTn or fill until the next marker.
    for (;;) {
      i = s.indexOf(0xff, i);
      if (i < 0 || i + 1 >= s.length) throw fail("scan data is truncated (no EOI marker)");
      const next = s[i + 1];
      if (next === 0 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) i += next === 0xff ? 1 : 2;
      else break;
    }
  }
  if (frame === undefined || frame.factors.length === 0) throw fail("has no frame header");
  if (frame.width === 0 || frame.height === 0) throw fail(`frame is ${frame.width}x${frame.height}`);
  return frame;
}


/**
 * In place: raw Y, Cb, Cr (chroma replicated by jpeg-js) to RGB exactly as libjpeg-turbo does
 * it: h2v1/h2v2 "fancy" (triangle-filter) chroma upsampling (jdsample.c), then the fixed-point
 * JFIF conversion (jdcolor.c). Other subsamplings keep jpeg-js's replication (libjpeg's too).
 */
function ycbcrToRgb(px: Uint8Array, frame: JpegFrame): void {
  const { width: w, height: h, factors } = frame;
  const rx = Math.max(...factors.map((f) => f[0])) / factors[1][0];
  const ry = Math.max(...factors.map((f) => f[1])) / factors[1][1];
  const fancy = rx === 2 && (ry === 1 || ry === 2);
  const [cb, cr] = [1, 2].map((c) => (fancy ? upsample(px, w, h, c, ry) : Uint8Array.from({ length: w * h }, (_, i) => px[i * 3 + c])));
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
  for (let i = 0; i < w * h; i++) {
    const y = px[i * 3];
    const b = cb[i] - 128;
    const r = cr[i] - 128;
    px[i * 3] = clamp(y + ((91881 * r + 32768) >> 16));
    px[i * 3 + 1] = clamp(y + ((-22554 * b - 46802 * r + 32768) >> 16));
    px[i * 3 + 2] = clamp(y + ((116130 * b + 32768) >> 16));
  }
}

/** libjpeg-turbo's h2v1_fancy_upsample / h2v2_fancy_upsample of chroma channel `c`. */
function upsample(px: Uint8Array, w: number, h: number, c: number, ry: number): Uint8Array {
  const cw = Math.ceil(w / 2);
  const ch = Math.ceil(h / ry);
  const at = (x: number, y: number) => px[(y * ry * w + x * 2) * 3 + c];
  const out = new Uint8Array(w * h);
  const sum = new Int32Array(cw);
  for (let y = 0; y < ch; y++) {
    for (let v = 0; v < ry; v++) {
      const oy = y * ry + v;
      if (oy >= h) break;
      const ny = v === 0 ? Math.max(y - 1, 0) : Math.min(y + 1, ch - 1);
      // h2v2 sums 3 × this row + the nearer neighbour row, rounding once at the end (>> 4);
      // h2v1 has no vertical step and rounds at >> 2.
      for (let x = 0; x < cw; x++) sum[x] = ry === 2 ? 3 * at(x, y) + at(x, ny) : at(x, y);
      const [shift, even, odd, evenEdge, oddEdge] = ry === 2 ? [4, 8, 7, 8, 7] : [2, 1, 2, 0, 0];
      for (let x = 0; x < cw; x++) {
        const o = oy * w + 2 * x;
        out[o] = (x === 0 ? 4 * sum[x] + evenEdge : 3 * sum[x] + sum[x - 1] + even) >> shift;
        if (2 * x + 1 < w) out[o + 1] = (x === cw - 1 ? 4 * sum[x] + oddEdge : 3 * sum[x] + sum[x + 1] + odd) >> shift;
      }
    }
  }
  return out;
}
