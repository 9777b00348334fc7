/**
 * Deterministic TIFF mutators: case `index` of seed `seed` always gives the same bytes, so the
 * parent process can rebuild any case a child crashed or hung on, and a run can be replayed.
 */
import { mulberry32 } from "../helpers/seeded-random.js";
import { walkLayout, type EntrySite, type TiffLayout } from "./tiff-layout.js";

/** A small seeded PRNG (mulberry32). */
export type Rng = () => number;

/** Case `index` of a run with `seed`: its own stream, the same on every run. */
export function rngFor(seed: number, index: number): Rng {
  return mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
}

const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

/** Values that break size arithmetic: zero, one, powers of two and their neighbours, maxima. */
const INTERESTING = [0, 1, 2, 3, 7, 8, 15, 16, 255, 256, 4095, 65535, 65536, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 1_000_000, 3_858_050_553];
const GEOMETRY_TAGS = [256, 257, 322, 323, 278, 277, 258, 339, 284];
const CODEC_TAGS: Record<number, number[]> = {
  259: [1, 2, 5, 6, 7, 8, 32773, 32946, 34887, 34925, 50000, 50001, 0, 99],
  317: [0, 1, 2, 3, 4],
  339: [0, 1, 2, 3, 4, 5, 6],
  262: [0, 1, 2, 3, 4, 5, 6, 8, 32844],
  284: [0, 1, 2, 3],
  258: [0, 1, 2, 4, 7, 8, 12, 16, 24, 32, 64, 128],
  338: [0, 1, 2, 3],
  530: [0, 1, 2, 4, 8],
};
const BLOCK_ARRAY_TAGS = [273, 279, 324, 325];
const GEO_DOUBLE_TAGS = [33550, 33922, 34264];
const SPECIAL_DOUBLES = [Infinity, -Infinity, NaN, 0, -0, 1e308, 1e-320, -1];
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

/** One mutation: rewrites `b` in place, or returns a new array (truncation, splicing). */
type Mutator = (b: Uint8Array, layout: TiffLayout, rng: Rng) => Uint8Array;

/** What a mutated case is made of, for the report and the reproducer's sidecar. */
export interface CaseRecipe {
  seedFile: string;
  mutations: string[];
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function anyEntry(layout: TiffLayout, rng: Rng, tags?: readonly number[]): EntrySite | undefined {
  const all = layout.ifds.flatMap((i) => i.entries).filter((e) => tags === undefined || tags.includes(e.tag));
  return all.length > 0 ? pick(rng, all) : undefined;
}

/** Offset of an entry's value field (inline value, or the pointer to it). */
function valueField(layout: TiffLayout, e: EntrySite): number {
  return e.at + (layout.bigTiff ? 12 : 8);
}

/** Writes `value` as the entry's first inline value in its own type (SHORT, LONG, LONG8). */
function writeInline(b: Uint8Array, layout: TiffLayout, e: EntrySite, value: number): void {
  const at = valueField(layout, e);
  const v = view(b);
  if (e.type === 3 || e.type === 8) v.setUint16(at, value & 0xffff, layout.little);
  else if (e.type === 16 || e.type === 17) v.setBigUint64(at, BigInt(value), layout.little);
  else v.setUint32(at, value >>> 0, layout.little);
}

/** Where an entry's values live (inline or out of line), if inside the file. */
function valuesAt(b: Uint8Array, layout: TiffLayout, e: EntrySite): number | undefined {
  const size = TYPE_SIZE[e.type];
  if (size === undefined) return undefined;
  const inline = layout.bigTiff ? 8 : 4;
  const field = valueField(layout, e);
  if (size * e.count <= inline) return field;
  const v = view(b);
  const at = layout.bigTiff ? Number(v.getBigUint64(field, layout.little)) : v.getUint32(field, layout.little);
  return at + size * e.count <= b.length ? at : undefined;
}

const MUTATORS: Record<string, Mutator> = {
  bytes(b, layout, rng) {
    const headerEnd = Math.min(b.length, Math.max(...layout.ifds.map((i) => i.nextAt + 8), 4096));
    for (let n = 1 + int(rng, 8); n > 0; n--) {
      const at = rng() < 0.7 ? int(rng, headerEnd) : int(rng, b.length);
      b[at] = rng() < 0.5 ? int(rng, 256) : b[at] ^ (1 << int(rng, 8));
    }
    return b;
  },
  entryType(b, layout, rng) {
    const e = anyEntry(layout, rng);
    if (e) view(b).setUint16(e.at + 2, pick(rng, [0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 0xffff]), layout.little);
    return b;
  },
  entryCount(b, layout, rng) {
    const e = anyEntry(layout, rng);
    if (!e) return b;
    const count = pick(rng, [0, 1, 2, e.count + 1, e.count * 2, e.count * 1000, 0xffff, 0x7fffffff, 0xffffffff]);
    if (layout.bigTiff) view(b).setBigUint64(e.at + 4, BigInt(count), layout.little);
    else view(b).setUint32(e.at + 4, count >>> 0, layout.little);
    return b;
  },
  entryValue(b, layout, rng) {
    const e = anyEntry(layout, rng);
    if (e) writeInline(b, layout, e, pick(rng, [...INTERESTING, b.length, b.length - 1, int(rng, b.length)]));
    return b;
  },
  geometry(b, layout, rng) {
    const e = anyEntry(layout, rng, GEOMETRY_TAGS);
    if (!e) return b;
    if (rng() < 0.2) view(b).setUint16(e.at + 2, pick(rng, [5, 10, 11, 12, 2, 7]), layout.little);
    else writeInline(b, layout, e, pick(rng, INTERESTING));
    return b;
  },
  codec(b, layout, rng) {
    const e = anyEntry(layout, rng, Object.keys(CODEC_TAGS).map(Number));
    if (e) writeInline(b, layout, e, pick(rng, CODEC_TAGS[e.tag]));
    return b;
  },
  blockArray(b, layout, rng) {
    const e = anyEntry(layout, rng, BLOCK_ARRAY_TAGS);
    if (!e || e.count === 0) return b;
    const at = valuesAt(b, layout, e);
    const size = TYPE_SIZE[e.type];
    if (at === undefined || size === undefined) return b;
    const p = at + int(rng, e.count) * size;
    const value = pick(rng, [...INTERESTING, b.length, b.length - 4, int(rng, b.length)]);
    const v = view(b);
    if (size === 2) v.setUint16(p, value & 0xffff, layout.little);
    else if (size === 8) v.setBigUint64(p, BigInt(value), layout.little);
    else v.setUint32(p, value >>> 0, layout.little);
    return b;
  },
  geoDoubles(b, layout, rng) {
    const e = anyEntry(layout, rng, GEO_DOUBLE_TAGS);
    if (!e || e.type !== 12 || e.count === 0) return b;
    const at = valuesAt(b, layout, e);
    if (at !== undefined) view(b).setFloat64(at + 8 * int(rng, e.count), pick(rng, SPECIAL_DOUBLES), layout.little);
    return b;
  },
  ifdLoop(b, layout, rng) {
    if (layout.ifds.length === 0) return b;
    const from = pick(rng, layout.ifds);
    const to = pick(rng, layout.ifds.filter((i) => i.offset <= from.offset)).offset;
    if (layout.bigTiff) view(b).setBigUint64(from.nextAt, BigInt(to), layout.little);
    else view(b).setUint32(from.nextAt, to, layout.little);
    return b;
  },
  truncate(b, layout, rng) {
    const headerEnd = Math.max(...layout.ifds.map((i) => i.nextAt), 16);
    const at = rng() < 0.5 ? int(rng, Math.min(b.length, headerEnd + 64)) : int(rng, b.length);
    return b.slice(0, at);
  },
  splice(b, _layout, rng) {
    const len = 1 + int(rng, 256);
    const from = int(rng, Math.max(1, b.length - len));
    const to = int(rng, Math.max(1, b.length - len));
    b.copyWithin(to, from, from + len);
    return b;
  },
};

const NAMES = Object.keys(MUTATORS);

/**
 * The bytes of case `index`: one of `seeds`, with 1 to 3 mutations applied. Deterministic.
 */
export function makeCase(seeds: ReadonlyArray<{ name: string; bytes: Uint8Array }>, seed: number, index: number): { bytes: Uint8Array; recipe: CaseRecipe } {
  const rng = rngFor(seed, index);
  const source = seeds[int(rng, seeds.length)];
  let bytes: Uint8Array = source.bytes.slice();
  const mutations: string[] = [];
  for (let n = 1 + int(rng, 3); n > 0; n--) {
    const name = pick(rng, NAMES);
    const layout = walkLayout(bytes) ?? { little: true, bigTiff: false, ifds: [] };
    bytes = MUTATORS[name](bytes, layout, rng);
    mutations.push(name);
  }
  return { bytes, recipe: { seedFile: source.name, mutations } };
}
