import { describe, expect, it } from "vitest";
import { mergeRanges, type ByteRange } from "../src/io/merge-ranges.js";

describe("mergeRanges (pure planner)", () => {
  const cases: Array<[string, ByteRange[], { maxGap: number; maxBytes?: number }, Array<[number, number, number[]]>]> = [
    ["nothing", [], { maxGap: 16 }, []],
    ["one range", [[100, 10]], { maxGap: 0 }, [[100, 10, [0]]]],
    ["adjacent ranges merge", [[0, 10], [10, 5]], { maxGap: 0 }, [[0, 15, [0, 1]]]],
    ["a gap within maxGap merges", [[0, 10], [18, 2]], { maxGap: 8 }, [[0, 20, [0, 1]]]],
    ["a gap over maxGap splits", [[0, 10], [19, 2]], { maxGap: 8 }, [[0, 10, [0]], [19, 2, [1]]]],
    ["input order does not matter", [[50, 5], [0, 10]], { maxGap: 100 }, [[0, 55, [1, 0]]]],
    ["overlapping ranges merge", [[0, 10], [5, 10]], { maxGap: 0 }, [[0, 15, [0, 1]]]],
    ["a contained range adds nothing", [[0, 100], [10, 5]], { maxGap: 0 }, [[0, 100, [0, 1]]]],
    ["maxBytes caps a merged request", [[0, 10], [10, 10], [20, 10]], { maxGap: 0, maxBytes: 20 }, [[0, 20, [0, 1]], [20, 10, [2]]]],
    ["image + mask with GDAL leader/trailer", [[1000, 500], [1508, 40]], { maxGap: 16 }, [[1000, 548, [0, 1]]]],
  ];
  it.each(cases)("%s", (_, ranges, opts, want) => {
    expect(mergeRanges(ranges, opts).map((r) => [r.offset, r.length, r.members])).toEqual(want);
  });
});
