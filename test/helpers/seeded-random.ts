/**
 * A seeded pseudo-random generator (mulberry32): the same draws on every run. The fuzzer's
 * per-case generators and the benchmarks' draws both come from it.
 *
 * @example
 * ```ts
 * const rnd = mulberry32(1234);
 * const pick = Math.floor(rnd() * 256);
 * ```
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
