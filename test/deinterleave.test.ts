import { describe, expect, it } from "vitest";
import { deinterleaveBytes } from "../src/raster/deinterleave.js";

/** The definition: sample s of pixel p to dst[(firstBand + s) * bandSize + p]. */
function naive(src: Uint8Array, dst: Uint8Array, pixels: number, samples: number, firstBand: number, bandSize: number): void {
  for (let s = 0; s < samples; s++) for (let p = 0; p < pixels; p++) dst[(firstBand + s) * bandSize + p] = src[p * samples + s];
}

describe("deinterleaveBytes", () => {
  // [samples, pixels, bandSize, firstBand, src byte offset, dst byte offset]
  it.each([
    [3, 256 * 256, 256 * 256, 0, 0, 0],
    [4, 64 * 64, 64 * 64, 0, 0, 0],
    [3, 4 * 7 + 3, 32, 0, 0, 0], // pixels not a multiple of 4: the tail goes byte by byte
    [4, 37, 40, 1, 0, 0],
    [3, 100, 100, 0, 1, 0], // unaligned source: byte path
    [3, 100, 100, 0, 0, 2], // unaligned destination: byte path
    [3, 100, 102, 0, 0, 0], // band size not a multiple of 4: byte path
    [2, 50, 52, 0, 0, 0],
    [5, 33, 36, 2, 0, 0],
  ])("%i samples, %i pixels, band size %i, first band %i, offsets %i/%i", (samples, pixels, bandSize, firstBand, srcOffset, dstOffset) => {
    const src = new Uint8Array(srcOffset + pixels * samples).map((_, i) => (i * 131 + 7) & 255).subarray(srcOffset);
    const length = (firstBand + samples) * bandSize;
    const got = new Uint8Array(dstOffset + length).fill(0xee).subarray(dstOffset);
    const want = new Uint8Array(length).fill(0xee);
    deinterleaveBytes(src, got, { pixels, samples, firstBand, bandSize });
    naive(src, want, pixels, samples, firstBand, bandSize);
    expect(got).toEqual(want);
  });
});
