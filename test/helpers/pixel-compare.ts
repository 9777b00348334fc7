import { expect } from "vitest";
import type { COGReader } from "../../src/index.js";
import { levelWindow } from "./level-pixels.js";

/** GDAL mask flags (GMF_*). */
export const GMF = { ALL_VALID: 1, PER_DATASET: 2, ALPHA: 4, NODATA: 8 } as const;

/** GDAL's pixels of some windows: values[band][row][col] and masks[band][row][col]. */
export interface ExpectedWindow {
  z: number;
  name: string;
  xoff: number;
  yoff: number;
  xsize: number;
  ysize: number;
  values: Array<Array<unknown[]> | null>;
  masks: Array<number[][] | null | undefined>;
  /** Mask flags of each band at this level. */
  maskFlags: number[];
}

export type Tolerance = { max: number; mean: number } | undefined;

function parseValue(v: unknown): number | bigint {
  if (v === "NaN") return Number.NaN;
  if (v === "Infinity") return Number.POSITIVE_INFINITY;
  if (v === "-Infinity") return Number.NEGATIVE_INFINITY;
  if (typeof v === "string" && /^-?\d+$/.test(v)) return BigInt(v);
  return Number(v);
}

function equal(got: number | bigint, want: number | bigint): boolean {
  if (typeof want === "bigint") return BigInt(got) === want;
  return got === want || (Number.isNaN(got) && Number.isNaN(want));
}

/**
 * Compares our pixels and masks with GDAL's windows: exactly, or within `tol` for lossy codecs.
 * Masks: a band with a per-dataset mask (internal or alpha) must equal our tile mask; bands with
 * nodata masks together say a pixel is valid when any band is. Returns the differences seen.
 */
export async function compareWindows(cog: COGReader, windows: ExpectedWindow[], tol: Tolerance): Promise<{ max: number; mean: number }> {
  let max = 0;
  let sum = 0;
  let n = 0;
  for (const win of windows) {
    if (cog.ifds[win.z] === undefined) throw new Error(`level ${win.z} is missing`);
    const complex = cog.ifds[win.z].dtype.startsWith("complex");
    const ours = await levelWindow(cog, win.z, win);
    const gotMask = ours.mask.map((row) => row.map((m) => m ?? 255));
    let nodataMask: number[][] | undefined;
    win.values.forEach((band, b) => {
      if (band === null || complex) return;
      band.forEach((row, r) =>
        row.forEach((v, c) => {
          const want = parseValue(v);
          const got = ours.values[b][r][c];
          if (tol === undefined) {
            if (!equal(got, want)) throw new Error(`level ${win.z} band ${b + 1} pixel (${win.xoff + c}, ${win.yoff + r}): ours ${got}, gdal ${want}`);
          } else {
            const d = Math.abs(Number(got) - Number(want));
            max = Math.max(max, d);
            sum += d;
            n++;
          }
        }),
      );
      const mask = win.masks[b];
      const flags = win.maskFlags[b] ?? GMF.ALL_VALID;
      if (mask === null || mask === undefined) return;
      if (flags & GMF.NODATA) nodataMask = mask.map((row, r) => row.map((m, c) => Math.max(m, nodataMask?.[r][c] ?? 0)));
      else if (flags & GMF.PER_DATASET) expect(gotMask, `mask of level ${win.z}, window ${win.name}, band ${b + 1}`).toEqual(mask);
    });
    if (nodataMask !== undefined && !complex) expect(gotMask, `nodata mask of level ${win.z}, window ${win.name}`).toEqual(nodataMask);
  }
  if (tol !== undefined) {
    expect(max, "max |Δ|").toBeLessThanOrEqual(tol.max);
    expect(sum / Math.max(n, 1), "mean |Δ|").toBeLessThanOrEqual(tol.mean);
  }
  return { max, mean: sum / Math.max(n, 1) };
}

/** JPEG and lossy WebP may differ from libjpeg/libwebp by a few DN (corpus README). */
export function toleranceOf(compression: string): Tolerance {
  if (compression === "jpeg") return { max: 2, mean: 0.5 };
  if (compression === "webp") return { max: 1, mean: 1 };
  return undefined;
}
