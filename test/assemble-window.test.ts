import { describe, expect, it } from "vitest";
import { assembleWindow } from "../src/raster/assemble-window.js";
import type { Raster } from "../src/raster/raster.js";
import type { ImageInfo } from "../src/tiff/image.js";

// A 6×5 two-band level in 4×4 tiles (2×2 tiles; the right and bottom ones are padded): value
// 100·band + 10·row + col, the tile at (1, 1) with a mask hiding its first column.
const image = { width: 6, height: 5, tileWidth: 4, tileHeight: 4, tilesAcross: 2, tilesDown: 2, bands: 2, dtype: "uint8" } as ImageInfo;
function tiles(): Map<string, Raster> {
  const out = new Map<string, Raster>();
  for (let ty = 0; ty < 2; ty++)
    for (let tx = 0; tx < 2; tx++) {
      const data = new Uint8Array(2 * 16);
      for (let b = 0; b < 2; b++) for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) data[b * 16 + r * 4 + c] = 100 * b + 10 * (ty * 4 + r) + tx * 4 + c;
      const tile: Raster = { width: 4, height: 4, bands: 2, dtype: "uint8", data };
      if (tx === 1 && ty === 1) tile.mask = Uint8Array.from({ length: 16 }, (_, k) => (k % 4 === 0 ? 0 : 255));
      out.set(`${tx},${ty}`, tile);
    }
  return out;
}
/** What the window must hold, pixel by pixel: fill and mask 0 outside the level. */
function expected(win: { x: number; y: number; width: number; height: number }, fill: number) {
  const data: number[] = [];
  const mask: number[] = [];
  for (let b = 0; b < 2; b++)
    for (let r = win.y; r < win.y + win.height; r++)
      for (let c = win.x; c < win.x + win.width; c++) {
        const inside = c >= 0 && r >= 0 && c < 6 && r < 5;
        data.push(inside ? 100 * b + 10 * r + c : fill);
        if (b === 0) mask.push(!inside || (c === 4 && r === 4) ? 0 : 255);
      }
  return { data, mask };
}

describe("assembleWindow into reused scratch", () => {
  // Scratch left full of another window's values: every byte of the result must be rewritten.
  const stale = () => ({ data: new Uint8Array(256).fill(77), mask: new Uint8Array(64).fill(77) });

  it.each([
    ["inside the level, every pixel covered by tiles", { x: 1, y: 1, width: 5, height: 4 }],
    ["past the right and bottom edges", { x: 3, y: 2, width: 5, height: 5 }],
    ["before the left and top edges", { x: -2, y: -1, width: 4, height: 3 }],
    ["entirely outside", { x: 7, y: 0, width: 2, height: 2 }],
  ])("%s", (_, win) => {
    const t = tiles();
    const out = assembleWindow(image, win, t, { fill: 9 }, stale());
    const want = expected(win, 9);
    expect(Array.from(out.data as Uint8Array)).toEqual(want.data);
    expect(Array.from(out.mask!)).toEqual(want.mask);
    const fresh = assembleWindow(image, win, t, { fill: 9 });
    expect(Array.from(fresh.data as Uint8Array)).toEqual(want.data);
    expect(Array.from(fresh.mask!)).toEqual(want.mask);
  });

  it("fills what a missing tile would have covered", () => {
    const t = tiles();
    t.delete("1,0");
    const win = { x: 2, y: 0, width: 4, height: 4 };
    const out = assembleWindow(image, win, t, { fill: 9 }, stale());
    const want = expected(win, 9);
    for (let k = 0; k < want.mask.length; k++) if (k % 4 >= 2) [want.data[k], want.data[k + 16], want.mask[k]] = [9, 9, 0];
    expect(Array.from(out.data as Uint8Array)).toEqual(want.data);
    expect(Array.from(out.mask!)).toEqual(want.mask);
  });
});
