import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BlockCache } from "../src/io/block-cache.js";
import { mergeRanges, type ByteRange, type MergedRequest } from "../src/io/merge-ranges.js";
import { fetchMerged, mergeRequests } from "../src/io/prefetch.js";
import { CountingSource } from "../src/io/stats.js";
import type { ReadOptions, Source } from "../src/source/types.js";

// Property tests of the range-merge planner (src/io/merge-ranges.ts) and of fetchMerged, which
// splits merged responses back into blocks. Fixed seeds: a failure reproduces as it is.
const RUNS = { numRuns: 400 };

/**
 * Ranges laid out one after another from a random start, each separated from the previous end by
 * a step that is often exactly `maxGap`, one byte either side of it, 0 (touching) or, when
 * `overlap`, negative (overlapping or nested), then shuffled. Steps near the threshold are what
 * catch an off-by-one in the merge test.
 */
const laidOut = (gap: number, overlap: boolean): fc.Arbitrary<ByteRange[]> =>
  fc
    .tuple(
      fc.nat({ max: 3_000 }),
      fc.array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(gap, gap + 1, Math.max(0, gap - 1), 0),
            fc.integer({ min: overlap ? -800 : 0, max: 2 * gap + 50 }),
          ),
          fc.integer({ min: 1, max: 1_500 }),
        ),
        { maxLength: 40 },
      ),
    )
    .chain(([start, steps]) => {
      const laid: ByteRange[] = [];
      let at = start;
      for (const [step, length] of steps) {
        const offset = Math.max(0, at + step);
        laid.push([offset, length]);
        at = Math.max(at, offset + length);
      }
      return fc.shuffledSubarray(laid, { minLength: laid.length, maxLength: laid.length });
    });

const maxGap = fc.oneof(fc.constantFrom(0, 1, 16), fc.nat({ max: 700 }));

/** Any ranges: may overlap, repeat or nest (lengths >= 1; callers drop empty blocks). */
const anyCase = maxGap.chain((gap) => fc.tuple(laidOut(gap, true), fc.constant(gap)));
/** Ranges laid out as a file's blocks are: disjoint, in a random order. */
const disjointCase = maxGap.chain((gap) => fc.tuple(laidOut(gap, false), fc.constant(gap)));

/** A cap that is often exactly (or one byte off) the span of some ranges, else random. */
const capFor = (ranges: readonly ByteRange[]): fc.Arbitrary<number> =>
  ranges.length === 0
    ? fc.integer({ min: 1, max: 6_000 })
    : fc.oneof(
        fc.integer({ min: 1, max: 6_000 }),
        fc
          .tuple(fc.nat(ranges.length - 1), fc.nat(ranges.length - 1), fc.constantFrom(-1, 0, 1))
          .map(([i, j, d]) => Math.max(1, ranges[j][0] + ranges[j][1] - ranges[i][0] + d)),
      );
const withCap = (c: fc.Arbitrary<[ByteRange[], number]>) => c.chain(([r, g]) => fc.tuple(fc.constant(r), fc.constant(g), capFor(r)));

const end = ([o, n]: ByteRange): number => o + n;
const reqEnd = (r: MergedRequest): number => r.offset + r.length;

/** Every input index is a member of exactly one request, and lies inside it. */
function expectPartition(ranges: readonly ByteRange[], out: MergedRequest[]): void {
  const seen = new Array<number>(ranges.length).fill(0);
  for (const r of out) {
    expect(r.members.length).toBeGreaterThan(0);
    for (const m of r.members) {
      seen[m]++;
      expect(ranges[m][0]).toBeGreaterThanOrEqual(r.offset);
      expect(end(ranges[m])).toBeLessThanOrEqual(reqEnd(r));
    }
    // Tight: a request starts at one member's start and ends at one member's end.
    expect(Math.min(...r.members.map((m) => ranges[m][0]))).toBe(r.offset);
    expect(Math.max(...r.members.map((m) => end(ranges[m])))).toBe(reqEnd(r));
  }
  expect(seen).toEqual(ranges.map(() => 1));
}

/** Lengths of the stretches inside `req` that no member covers. */
function holes(ranges: readonly ByteRange[], req: MergedRequest): number[] {
  const spans = req.members.map((m) => ranges[m]).sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  let covered = req.offset;
  for (const [o, n] of spans) {
    if (o > covered) out.push(o - covered);
    covered = Math.max(covered, o + n);
  }
  return out;
}

/** Bytes in the union of the ranges. */
function unionBytes(ranges: readonly ByteRange[]): number {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let covered = -1;
  for (const [o, n] of sorted) {
    const from = Math.max(o, covered);
    if (o + n > from) total += o + n - from;
    covered = Math.max(covered, o + n);
  }
  return total;
}

const total = (out: MergedRequest[]): number => out.reduce((s, r) => s + r.length, 0);

describe("mergeRanges properties, no size cap", () => {
  it("each input is in exactly one request, which starts and ends on its members", () => {
    fc.assert(
      fc.property(anyCase, ([ranges, gap]) => expectPartition(ranges, mergeRanges(ranges, { maxGap: gap }))),
      { seed: 0x5eed01, ...RUNS },
    );
  });

  it("requests are sorted, disjoint, and more than maxGap bytes apart", () => {
    fc.assert(
      fc.property(anyCase, ([ranges, gap]) => {
        const out = mergeRanges(ranges, { maxGap: gap });
        for (let i = 1; i < out.length; i++) expect(out[i].offset - reqEnd(out[i - 1])).toBeGreaterThan(gap);
      }),
      { seed: 0x5eed02, ...RUNS },
    );
  });

  it("no uncovered stretch inside a request exceeds maxGap; bytes = union + bridged gaps", () => {
    fc.assert(
      fc.property(anyCase, ([ranges, gap]) => {
        const out = mergeRanges(ranges, { maxGap: gap });
        let bridged = 0;
        for (const r of out) {
          const h = holes(ranges, r);
          for (const len of h) expect(len).toBeLessThanOrEqual(gap);
          bridged += h.reduce((s, n) => s + n, 0);
        }
        expect(total(out)).toBe(unionBytes(ranges) + bridged);
        // Each merge bridges at most one gap of at most maxGap bytes.
        const sum = ranges.reduce((s, [, n]) => s + n, 0);
        expect(total(out)).toBeLessThanOrEqual(sum + (ranges.length - out.length) * gap);
      }),
      { seed: 0x5eed03, ...RUNS },
    );
  });

  it("does not depend on the input order", () => {
    fc.assert(
      fc.property(
        anyCase.chain(([r, g]) => fc.tuple(fc.constant(r), fc.constant(g), fc.shuffledSubarray(r.map((_, i) => i), { minLength: r.length, maxLength: r.length }))),
        ([ranges, gap, perm]) => {
          const shuffled = perm.map((i) => ranges[i]);
          const a = mergeRanges(ranges, { maxGap: gap });
          const b = mergeRanges(shuffled, { maxGap: gap });
          expect(b.map((r) => [r.offset, r.length])).toEqual(a.map((r) => [r.offset, r.length]));
          expect(b.map((r) => r.members.map((m) => perm[m]).sort((x, y) => x - y))).toEqual(a.map((r) => [...r.members].sort((x, y) => x - y)));
        },
      ),
      { seed: 0x5eed04, ...RUNS },
    );
  });

  it("is idempotent: merging the requests again changes nothing", () => {
    fc.assert(
      fc.property(anyCase, ([ranges, gap]) => {
        const once = mergeRanges(ranges, { maxGap: gap }).map((r): ByteRange => [r.offset, r.length]);
        const twice = mergeRanges(once, { maxGap: gap });
        expect(twice.map((r) => [r.offset, r.length])).toEqual(once);
        expect(twice.map((r) => r.members)).toEqual(once.map((_, i) => [i]));
      }),
      { seed: 0x5eed05, ...RUNS },
    );
  });
});

describe("mergeRanges properties, with maxBytes", () => {
  it("partition holds; a request of several ranges stays within maxBytes", () => {
    fc.assert(
      fc.property(withCap(anyCase), ([ranges, gap, cap]) => {
        const out = mergeRanges(ranges, { maxGap: gap, maxBytes: cap });
        expectPartition(ranges, out);
        for (const r of out) if (r.members.length > 1) expect(r.length).toBeLessThanOrEqual(cap);
        for (let i = 1; i < out.length; i++) expect(out[i].offset).toBeGreaterThanOrEqual(out[i - 1].offset);
      }),
      { seed: 0x5eed06, ...RUNS },
    );
  });

  it("greedy: a request's first range could not have joined the request before it", () => {
    fc.assert(
      fc.property(withCap(anyCase), ([ranges, gap, cap]) => {
        const out = mergeRanges(ranges, { maxGap: gap, maxBytes: cap });
        for (let i = 1; i < out.length; i++) {
          const prev = out[i - 1];
          const first = ranges[out[i].members[0]];
          expect(first[0]).toBe(out[i].offset);
          const tooFar = first[0] - reqEnd(prev) > gap;
          const tooBig = Math.max(reqEnd(prev), end(first)) - prev.offset > cap;
          expect(tooFar || tooBig).toBe(true);
        }
      }),
      { seed: 0x5eed07, ...RUNS },
    );
  });

  it("disjoint blocks give disjoint requests, each byte fetched once", () => {
    fc.assert(
      fc.property(withCap(disjointCase), ([ranges, gap, cap]) => {
        const out = mergeRanges(ranges, { maxGap: gap, maxBytes: cap });
        for (let i = 1; i < out.length; i++) expect(out[i].offset).toBeGreaterThanOrEqual(reqEnd(out[i - 1]));
        const sum = ranges.reduce((s, [, n]) => s + n, 0);
        const bridged = out.reduce((s, r) => s + holes(ranges, r).reduce((a, b) => a + b, 0), 0);
        expect(total(out)).toBe(sum + bridged);
        for (const r of out) for (const h of holes(ranges, r)) expect(h).toBeLessThanOrEqual(gap);
      }),
      { seed: 0x5eed08, ...RUNS },
    );
  });

  it("an infinite cap is the same as none", () => {
    fc.assert(
      fc.property(anyCase, ([ranges, gap]) => {
        expect(mergeRanges(ranges, { maxGap: gap, maxBytes: Number.POSITIVE_INFINITY })).toEqual(mergeRanges(ranges, { maxGap: gap }));
      }),
      { seed: 0x5eed09, numRuns: 200 },
    );
  });
});

/** A source of any size whose byte i is i mod 251 (a prime, so shifted slices differ). */
class PatternSource implements Source {
  readonly url = "memory://pattern";
  readonly reads: Array<[number, number]> = [];
  async read(offset: number, length: number, _opts?: ReadOptions): Promise<Uint8Array> {
    this.reads.push([offset, length]);
    return Uint8Array.from({ length }, (_, k) => (offset + k) % 251);
  }
}

const pattern = (offset: number, length: number): number[] => Array.from({ length }, (_, k) => (offset + k) % 251);

describe("fetchMerged: splitting merged responses back into blocks", () => {
  it("sends exactly the planned requests and hands each range its own bytes", async () => {
    await fc.assert(
      fc.asyncProperty(withCap(anyCase), fc.boolean(), async ([ranges, gap, someCap], capped) => {
        const cap = capped ? someCap : undefined;
        const inner = new PatternSource();
        const cache = new BlockCache({ maxBytes: 1 << 24, log: false });
        const input = ranges.map(([o, n]): [number, number] => [o, n]);
        const opts = { mergeGap: gap, maxMergedBytes: cap ?? Number.POSITIVE_INFINITY };
        const got = await fetchMerged(new CountingSource(inner), input, { cache, key: "k", ...opts });
        const planned = mergeRequests(input, opts);
        expect([...inner.reads].sort((a, b) => a[0] - b[0] || a[1] - b[1])).toEqual(planned.map((r) => [r.offset, r.length]).sort((a, b) => a[0] - b[0] || a[1] - b[1]));
        expect(new Set(got.keys())).toEqual(new Set(input.map(([o, n]) => `${o}|${n}`)));
        for (const [o, n] of input) {
          expect(Array.from(got.get(`${o}|${n}`)!)).toEqual(pattern(o, n));
          expect(cache.has(`k|${o}|${n}`)).toBe(true);
        }
      }),
      { seed: 0x5eed0a, numRuns: 150 },
    );
  });
});
