/** Builds small synthetic TIFFs for parser tests (malformed ones included). */

export interface BuildTag {
  tag: number;
  type: number;
  values: number[] | string;
}

export interface BuildOptions {
  bigTiff?: boolean;
  littleEndian?: boolean;
  /** IFDs in chain order; each is a tag list. */
  ifds: BuildTag[][];
  /** Override the "next IFD" offset of IFD i (e.g. to make a loop). */
  nextOverride?: Record<number, number>;
  /** Bytes appended after everything (tile data). */
  tail?: Uint8Array;
}

const SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

/** Lays out header, then each IFD followed by its out-of-line values. Returns the bytes and IFD offsets. */
export function buildTiff(opts: BuildOptions): { bytes: Uint8Array; ifdOffsets: number[]; tailOffset: number } {
  const big = opts.bigTiff ?? false;
  const le = opts.littleEndian ?? true;
  const buf = new Uint8Array(1 << 20);
  const dv = new DataView(buf.buffer);
  let pos = 0;
  const u16 = (p: number, v: number) => dv.setUint16(p, v, le);
  const u32 = (p: number, v: number) => dv.setUint32(p, v, le);
  const u64 = (p: number, v: number) => dv.setBigUint64(p, BigInt(v), le);
  const off = (p: number, v: number) => (big ? u64(p, v) : u32(p, v));
  buf[0] = buf[1] = le ? 0x49 : 0x4d;
  u16(2, big ? 43 : 42);
  if (big) {
    u16(4, 8);
    u16(6, 0);
  }
  pos = big ? 16 : 8;
  const ifdOffsets: number[] = [];
  const nextFields: number[] = [];
  for (const tags of opts.ifds) {
    pos += pos % 2;
    ifdOffsets.push(pos);
    const entrySize = big ? 20 : 12;
    const countSize = big ? 8 : 2;
    if (big) u64(pos, tags.length);
    else u16(pos, tags.length);
    let valuePos = pos + countSize + tags.length * entrySize + (big ? 8 : 4);
    const sorted = [...tags].sort((a, b) => a.tag - b.tag);
    sorted.forEach((t, i) => {
      const e = pos + countSize + i * entrySize;
      const raw = encode(t, le);
      u16(e, t.tag);
      u16(e + 2, t.type);
      const count = raw.byteLength / SIZES[t.type];
      if (big) u64(e + 4, count);
      else u32(e + 4, count);
      const inline = big ? 8 : 4;
      const valueField = e + (big ? 12 : 8);
      if (raw.byteLength <= inline) buf.set(raw, valueField);
      else {
        valuePos += valuePos % 2;
        off(valueField, valuePos);
        buf.set(raw, valuePos);
        valuePos += raw.byteLength;
      }
    });
    nextFields.push(pos + countSize + tags.length * entrySize);
    pos = valuePos;
  }
  nextFields.forEach((field, i) => off(field, opts.nextOverride?.[i] ?? ifdOffsets[i + 1] ?? 0));
  off(big ? 8 : 4, ifdOffsets[0] ?? 0);
  const tailOffset = pos;
  if (opts.tail) {
    buf.set(opts.tail, pos);
    pos += opts.tail.byteLength;
  }
  return { bytes: buf.slice(0, pos), ifdOffsets, tailOffset };
}

function encode(t: BuildTag, le: boolean): Uint8Array {
  if (typeof t.values === "string") return new TextEncoder().encode(`${t.values}\0`);
  const size = SIZES[t.type];
  const out = new Uint8Array(size * t.values.length);
  const dv = new DataView(out.buffer);
  t.values.forEach((v, i) => {
    const p = i * size;
    switch (t.type) {
      case 1: case 7: dv.setUint8(p, v); break;
      case 6: dv.setInt8(p, v); break;
      case 3: dv.setUint16(p, v, le); break;
      case 8: dv.setInt16(p, v, le); break;
      case 4: case 13: dv.setUint32(p, v, le); break;
      case 9: dv.setInt32(p, v, le); break;
      case 11: dv.setFloat32(p, v, le); break;
      case 12: dv.setFloat64(p, v, le); break;
      case 5: dv.setUint32(p, Math.round(v * 1000), le); dv.setUint32(p + 4, 1000, le); break;
      case 10: dv.setInt32(p, Math.round(v * 1000), le); dv.setInt32(p + 4, 1000, le); break;
      case 16: case 18: dv.setBigUint64(p, BigInt(v), le); break;
      case 17: dv.setBigInt64(p, BigInt(v), le); break;
      default: throw new Error(`type ${t.type}`);
    }
  });
  return out;
}

/** Tags of a minimal W×H uint8 single-strip image whose strip lies at `stripOffset`. */
export function stripImageTags(width: number, height: number, stripOffset: number): BuildTag[] {
  return [
    { tag: 256, type: 3, values: [width] },
    { tag: 257, type: 3, values: [height] },
    { tag: 258, type: 3, values: [8] },
    { tag: 259, type: 3, values: [1] },
    { tag: 262, type: 3, values: [1] },
    { tag: 273, type: 4, values: [stripOffset] },
    { tag: 277, type: 3, values: [1] },
    { tag: 278, type: 3, values: [height] },
    { tag: 279, type: 4, values: [width * height] },
  ];
}
