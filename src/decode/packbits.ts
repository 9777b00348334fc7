import { CogError } from "../errors.js";
import type { BlockInfo, Codec } from "./types.js";

/**
 * Compression 32773 (PackBits, TIFF 6.0 §9). Each header byte `n` is followed by `n + 1`
 * literal bytes (0..127), or by one byte repeated `1 - n` times (-127..-1); -128 is a no-op.
 * Stops once the block is full and ignores what follows, as libtiff's PackBitsDecode does; a run
 * that would overflow the block is `COG_LIMIT`. Input that ends early gives a shorter block.
 *
 * @example
 * ```ts
 * import { decodePackbits } from "./packbits.js";
 * // 0xfe 0xaa: 0xaa three times; 0x01 0x01 0x02: two literals
 * const out = await decodePackbits(new Uint8Array([0xfe, 0xaa, 0x01, 0x01, 0x02]), { ...block, expectedBytes: 5 });
 * // out: Uint8Array [0xaa, 0xaa, 0xaa, 1, 2]
 * ```
 */
export const decodePackbits: Codec = async (bytes, block) => {
  const max = block.expectedBytes;
  const out = new Uint8Array(max);
  const end = bytes.length;
  let ip = 0;
  let op = 0;
  while (ip < end && op < max) {
    const n = (bytes[ip++] << 24) >> 24;
    if (n >= 0) {
      const count = n + 1;
      if (op + count > max) throw overflow(block, op + count);
      const available = Math.min(count, end - ip);
      // Runs are short (≤ 128 bytes): a plain loop beats subarray + set, which allocate.
      for (let i = 0; i < available; i++) out[op + i] = bytes[ip + i];
      ip += available;
      op += available;
    } else if (n !== -128) {
      const count = 1 - n;
      if (op + count > max) throw overflow(block, op + count);
      if (ip >= end) break;
      const value = bytes[ip++];
      for (let i = 0; i < count; i++) out[op + i] = value;
      op += count;
    }
  }
  return op === max ? out : out.subarray(0, op);
};

function overflow(block: BlockInfo, produced: number): CogError {
  return new CogError(
    "COG_LIMIT",
    `PackBits block decodes to at least ${produced} bytes, more than the ${block.expectedBytes} expected`,
    { ...block.context, limit: "expectedBytes" },
  );
}
