/** A block's top rows (BlockInfo.rowsNeeded) decode to the same values as the whole block's first rows. */
import { describe, expect, it } from "vitest";
import { blockValues } from "../src/decode/block-values.js";
import type { BlockInfo } from "../src/decode/types.js";

describe("blockValues with rowsNeeded", () => {
  const bytes = Uint8Array.from({ length: 4 * 3 * 2 * 8 }, (_, i) => (i * 37 + 11) & 0xff);
  const base: BlockInfo = {
    width: 4, height: 8, samples: 3, bitsPerSample: 16, sampleFormat: 1, littleEndian: false,
    compression: 1, photometric: 1, predictor: 2, expectedBytes: bytes.length, context: {},
  };
  it.each([
    ["uint16, predictor 2, big-endian", base, "uint16"],
    ["float32, predictor 3", { ...base, bitsPerSample: 32, sampleFormat: 3, predictor: 3, width: 2 }, "float32"],
    ["4-bit samples", { ...base, bitsPerSample: 4, predictor: 1, width: 16 }, "uint8"],
    ["uint8, no predictor (a view)", { ...base, bitsPerSample: 8, predictor: 1, width: 8 }, "uint8"],
  ] as const)("%s: the first rows of the whole block's values", (_, block, dtype) => {
    const all = blockValues(bytes, block, dtype);
    const top = blockValues(bytes, { ...block, rowsNeeded: 3 }, dtype);
    expect(top.length).toBe((all.length / 8) * 3);
    expect(Array.from(top as ArrayLike<number>)).toEqual(Array.from(all.subarray(0, top.length) as ArrayLike<number>));
  });
});
