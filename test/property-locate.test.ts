import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCogError } from "../src/errors.js";
import { blockIndex, tileBlockIndices } from "../src/locate/blocks.js";
import { boundsToWindow, clipWindow, coveringPixels, windowInside, type PixelRect } from "../src/locate/window.js";
import { tilesForWindow, type PixelWindow } from "../src/raster/assemble-window.js";
import type { GeoTransform } from "../src/tiff/georef.js";
import type { ImageInfo } from "../src/tiff/image.js";

// Property tests of the tile-locating planners: window -> tiles (src/raster/assemble-window.ts
// tilesForWindow), block indices (src/locate/blocks.ts) and the window maths of
// src/locate/window.ts. Fixed seeds: a failure reproduces as it is.

interface Geometry {
  width: number;
  height: number;
  tileWidth: number;
  tileHeight: number;
}

/** Image sizes with partial edge tiles most of the time, and tiles larger than the image sometimes. */
const geometry: fc.Arbitrary<Geometry> = fc.record({
  width: fc.integer({ min: 1, max: 600 }),
  height: fc.integer({ min: 1, max: 600 }),
  tileWidth: fc.integer({ min: 1, max: 96 }),
  tileHeight: fc.integer({ min: 1, max: 96 }),
});

function imageOf(g: Geometry, extra: Partial<ImageInfo> = {}): ImageInfo {
  const tilesAcross = Math.ceil(g.width / g.tileWidth);
  const tilesDown = Math.ceil(g.height / g.tileHeight);
  return { ...g, tilesAcross, tilesDown, tiled: true, bands: 1, planar: 1, ifdIndex: 0, ...extra } as ImageInfo;
}

/** An integer window anywhere around the image, inside or out (boundless reads). */
const windowAround = (g: Geometry): fc.Arbitrary<PixelWindow> =>
  fc.record({
    x: fc.integer({ min: -2 * g.width - 10, max: 2 * g.width + 10 }),
    y: fc.integer({ min: -2 * g.height - 10, max: 2 * g.height + 10 }),
    width: fc.integer({ min: 1, max: 2 * g.width + 10 }),
    height: fc.integer({ min: 1, max: 2 * g.height + 10 }),
  });

const overlaps = (a0: number, a1: number, b0: number, b1: number): boolean => a0 < b1 && b0 < a1;

/** Brute force: grid tiles, row by row, whose rectangle (clipped to the image, or not) meets the window. */
function bruteTiles(g: Geometry, win: PixelWindow, clip: boolean): Array<[number, number]> {
  const img = imageOf(g);
  const out: Array<[number, number]> = [];
  for (let ty = 0; ty < img.tilesDown; ty++) {
    for (let tx = 0; tx < img.tilesAcross; tx++) {
      const x1 = (tx + 1) * g.tileWidth;
      const y1 = (ty + 1) * g.tileHeight;
      const inX = overlaps(tx * g.tileWidth, clip ? Math.min(x1, g.width) : x1, win.x, win.x + win.width);
      const inY = overlaps(ty * g.tileHeight, clip ? Math.min(y1, g.height) : y1, win.y, win.y + win.height);
      if (inX && inY) out.push([tx, ty]);
    }
  }
  return out;
}

const touchesImage = (g: Geometry, w: PixelWindow): boolean =>
  overlaps(0, g.width, w.x, w.x + w.width) && overlaps(0, g.height, w.y, w.y + w.height);

const withWindow = geometry.chain((g) => fc.tuple(fc.constant(g), windowAround(g)));

describe("tilesForWindow properties", () => {
  it("lists exactly the grid tiles whose rectangles, clipped to the image, meet the window, row by row, once each", () => {
    fc.assert(
      fc.property(withWindow, ([g, win]) => {
        const got = tilesForWindow(imageOf(g), win);
        expect(got).toEqual(bruteTiles(g, win, true));
        expect(new Set(got.map((t) => t.join(","))).size).toBe(got.length);
      }),
      { seed: 0x10ca7e01, numRuns: 500 },
    );
  });

  it("for a window that meets the image, lists exactly the tiles holding image pixels of it", () => {
    fc.assert(
      fc.property(withWindow.filter(([g, w]) => touchesImage(g, w)), ([g, win]) => {
        expect(tilesForWindow(imageOf(g), win)).toEqual(bruteTiles(g, win, true));
      }),
      { seed: 0x10ca7e02, numRuns: 500 },
    );
  });

  it("every image pixel of the window lies in exactly one listed tile", () => {
    fc.assert(
      fc.property(
        geometry.filter((g) => g.width * g.height <= 40_000).chain((g) => fc.tuple(fc.constant(g), windowAround(g))),
        ([g, win]) => {
          const tiles = tilesForWindow(imageOf(g), win);
          const x0 = Math.max(0, win.x);
          const y0 = Math.max(0, win.y);
          const x1 = Math.min(g.width, win.x + win.width);
          const y1 = Math.min(g.height, win.y + win.height);
          const counts = new Map<string, number>();
          for (const [tx, ty] of tiles) {
            const cx0 = Math.max(x0, tx * g.tileWidth);
            const cx1 = Math.min(x1, (tx + 1) * g.tileWidth);
            const cy0 = Math.max(y0, ty * g.tileHeight);
            const cy1 = Math.min(y1, (ty + 1) * g.tileHeight);
            for (let y = cy0; y < cy1; y++) for (let x = cx0; x < cx1; x++) counts.set(`${x},${y}`, (counts.get(`${x},${y}`) ?? 0) + 1);
          }
          expect(counts.size).toBe(Math.max(0, x1 - x0) * Math.max(0, y1 - y0));
          for (const c of counts.values()) expect(c).toBe(1);
        },
      ),
      { seed: 0x10ca7e03, numRuns: 150 },
    );
  });

  it("a window beyond the tile grid lists no tiles", () => {
    fc.assert(
      fc.property(withWindow, fc.constantFrom("left", "right", "above", "below"), ([g, w], side) => {
        const img = imageOf(g);
        const gridW = img.tilesAcross * g.tileWidth;
        const gridH = img.tilesDown * g.tileHeight;
        const win = { ...w };
        if (side === "left") win.x = -win.width - (Math.abs(w.x) % 50);
        if (side === "right") win.x = gridW + (Math.abs(w.x) % 50);
        if (side === "above") win.y = -win.height - (Math.abs(w.y) % 50);
        if (side === "below") win.y = gridH + (Math.abs(w.y) % 50);
        expect(tilesForWindow(img, win)).toEqual([]);
      }),
      { seed: 0x10ca7e04, numRuns: 300 },
    );
  });

  // The padding of the last tile column or row is no image: a window that lies only there (a
  // 300x300 image in 256 px tiles, window {x:300, y:0, 10x10}) fetches nothing.
  it("a window that misses the image lists no tiles, padding of edge tiles included", () => {
    fc.assert(
      fc.property(withWindow.filter(([g, w]) => !touchesImage(g, w)), ([g, win]) => {
        expect(tilesForWindow(imageOf(g), win)).toEqual([]);
      }),
      { seed: 0x10ca7e05, numRuns: 500 },
    );
  });
});

describe("block indices properties", () => {
  const layout = fc.record({
    g: fc.record({
      width: fc.integer({ min: 1, max: 600 }),
      height: fc.integer({ min: 1, max: 600 }),
      tileWidth: fc.integer({ min: 8, max: 96 }),
      tileHeight: fc.integer({ min: 8, max: 96 }),
    }),
    planar: fc.constantFrom(1 as const, 2 as const),
    bands: fc.integer({ min: 1, max: 5 }),
  });

  it("tileBlockIndices maps grid tiles x planes one-to-one onto 0..blocks-1", () => {
    fc.assert(
      fc.property(layout, ({ g, planar, bands }) => {
        const img = imageOf(g, { planar, bands });
        const planes = planar === 2 ? bands : 1;
        const seen = new Set<number>();
        for (let y = 0; y < img.tilesDown; y++) {
          for (let x = 0; x < img.tilesAcross; x++) {
            const idx = tileBlockIndices(img, x, y);
            expect(idx).toHaveLength(planes);
            idx.forEach((i, p) => expect(i).toBe(blockIndex(img, x, y, p)));
            for (const i of idx) seen.add(i);
          }
        }
        const blocks = img.tilesAcross * img.tilesDown * planes;
        expect(seen.size).toBe(blocks);
        expect(Math.min(...seen)).toBe(0);
        expect(Math.max(...seen)).toBe(blocks - 1);
      }),
      { seed: 0x10ca7e06, numRuns: 150 },
    );
  });

  it("tiles off the grid or fractional are rejected with COG_TILE_OUTSIDE", () => {
    fc.assert(
      fc.property(
        geometry,
        fc.oneof(
          fc.tuple(fc.integer({ min: -50, max: -1 }), fc.nat(5)),
          fc.tuple(fc.nat(5), fc.integer({ min: -50, max: -1 })),
          fc.tuple(fc.constant("across"), fc.nat(5)),
          fc.tuple(fc.nat(5), fc.constant("down")),
          fc.tuple(fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.constant(0)),
        ),
        (g, [ax, ay]) => {
          const img = imageOf(g);
          const x = ax === "across" ? img.tilesAcross + (ay as number) : (ax as number);
          const y = ay === "down" ? img.tilesDown + (ax as number) : (ay as number);
          let err: unknown;
          try {
            tileBlockIndices(img, x, y);
          } catch (e) {
            err = e;
          }
          expect(isCogError(err, "COG_TILE_OUTSIDE")).toBe(true);
        },
      ),
      { seed: 0x10ca7e07, numRuns: 300 },
    );
  });
});

/** Coordinates with a dyadic fraction (exact in binary), or any double. */
const coord = (max: number) =>
  fc.oneof(
    fc.tuple(fc.integer({ min: -max, max }), fc.nat(1023)).map(([i, f]) => i + f / 1024),
    fc.integer({ min: -max, max }),
    fc.double({ min: -max, max, noNaN: true }),
  );
const size = (max: number) =>
  fc.oneof(
    fc.tuple(fc.nat(max), fc.nat(1023)).map(([i, f]) => i + f / 1024),
    fc.nat(max),
    fc.double({ min: 0, max, noNaN: true }),
  );
const fracWindow: fc.Arbitrary<PixelRect> = fc.record({ x: coord(1000), y: coord(1000), width: size(500), height: size(500) });

describe("coveringPixels / clipWindow / windowInside properties", () => {
  const EPS = 1e-6; // the snapping tolerance of window.ts

  it("coveringPixels is the smallest integer window holding the fractional one, grown by the margin", () => {
    fc.assert(
      fc.property(fracWindow, fc.nat(3), (win, margin) => {
        const c = coveringPixels(win, margin);
        for (const v of [c.x, c.y, c.width, c.height]) expect(Number.isInteger(v)).toBe(true);
        const [x0, y0, x1, y1] = [c.x + margin, c.y + margin, c.x + c.width - margin, c.y + c.height - margin];
        // Holds the window (up to the snapping tolerance)…
        expect(x0).toBeLessThanOrEqual(win.x + EPS);
        expect(y0).toBeLessThanOrEqual(win.y + EPS);
        expect(x1).toBeGreaterThanOrEqual(win.x + win.width - EPS);
        expect(y1).toBeGreaterThanOrEqual(win.y + win.height - EPS);
        // …and is not a whole pixel larger on any side.
        expect(x0).toBeGreaterThan(win.x - 1);
        expect(y0).toBeGreaterThan(win.y - 1);
        expect(x1).toBeLessThan(win.x + win.width + 1);
        expect(y1).toBeLessThan(win.y + win.height + 1);
      }),
      { seed: 0x10ca7e08, numRuns: 1000 },
    );
  });

  it("coveringPixels leaves integer windows alone and commutes with integer shifts of dyadic ones", () => {
    const dyadic = fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.nat(1023)).map(([i, f]) => i + f / 1024);
    fc.assert(
      fc.property(
        fc.record({ x: dyadic, y: dyadic, width: dyadic.map(Math.abs), height: dyadic.map(Math.abs) }),
        fc.integer({ min: -500, max: 500 }),
        fc.integer({ min: -500, max: 500 }),
        (win, dx, dy) => {
          const c = coveringPixels(win);
          expect(coveringPixels(c)).toEqual(c);
          expect(coveringPixels({ ...win, x: win.x + dx, y: win.y + dy })).toEqual({ ...c, x: c.x + dx, y: c.y + dy });
        },
      ),
      { seed: 0x10ca7e09, numRuns: 500 },
    );
  });

  const level = fc.record({ width: fc.integer({ min: 1, max: 800 }), height: fc.integer({ min: 1, max: 800 }) });
  /**
   * A level and a window of positive size (that survives addition: a 5e-324 px width vanishes in
   * x + width) whose edges often sit exactly on the level's edges or just outside them.
   */
  const levelAndWindow = level.chain((lv) => {
    const edge = (size: number) => fc.oneof(coord(1000), fc.constantFrom(0, size, -1, size + 1), fc.integer({ min: -2, max: size + 2 }));
    return fc
      .tuple(edge(lv.width), edge(lv.width), edge(lv.height), edge(lv.height))
      .map(([a, b, c, d]): PixelRect => ({ x: Math.min(a, b), y: Math.min(c, d), width: Math.abs(a - b), height: Math.abs(c - d) }))
      .filter((w) => w.x + w.width > w.x && w.y + w.height > w.y)
      .map((w): [PixelRect, { width: number; height: number }] => [w, lv]);
  });

  it("clipWindow is the intersection with the level (undefined when it has no area)", () => {
    fc.assert(
      fc.property(levelAndWindow, ([win, lv]) => {
        const x0 = Math.max(0, win.x);
        const x1 = Math.min(lv.width, win.x + win.width);
        const y0 = Math.max(0, win.y);
        const y1 = Math.min(lv.height, win.y + win.height);
        const clipped = clipWindow(win, lv);
        if (x1 <= x0 || y1 <= y0) {
          expect(clipped).toBeUndefined();
          return;
        }
        expect(clipped).toBeDefined();
        const c = clipped!;
        expect([c.x, c.y, c.x + c.width, c.y + c.height]).toEqual([x0, y0, x0 + (x1 - x0), y0 + (y1 - y0)]);
        expect(windowInside(c, lv) || c.x + c.width - lv.width < 1e-9).toBe(true);
        expect(clipWindow(c, lv)).toEqual(c); // idempotent
      }),
      { seed: 0x10ca7e0a, numRuns: 1000 },
    );
  });

  it("windowInside holds exactly when clipping changes nothing", () => {
    fc.assert(
      fc.property(levelAndWindow, ([win, lv]) => {
        const clipped = clipWindow(win, lv);
        const same = clipped !== undefined && clipped.x === win.x && clipped.y === win.y && clipped.width === win.width && clipped.height === win.height;
        expect(windowInside(win, lv)).toBe(same);
      }),
      { seed: 0x10ca7e0b, numRuns: 1000 },
    );
  });
});

describe("boundsToWindow -> coveringPixels -> tilesForWindow", () => {
  const scene = fc
    .record({
      full: fc.record({ width: fc.integer({ min: 16, max: 4000 }), height: fc.integer({ min: 16, max: 4000 }) }),
      decimation: fc.constantFrom(1, 2, 3, 4, 8),
      x0: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      y0: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      res: fc.double({ min: 0.01, max: 1000, noNaN: true }),
      southUp: fc.boolean(),
      eastToWest: fc.boolean(), // negative x pixel size: rare, but the maths handles it
      tile: fc.constantFrom(16, 64, 128, 256, 512),
      // Bounds as fractions of the image extent.
      fx: fc.tuple(fc.double({ min: -0.2, max: 1.2, noNaN: true }), fc.double({ min: 0.001, max: 1, noNaN: true })),
      fy: fc.tuple(fc.double({ min: -0.2, max: 1.2, noNaN: true }), fc.double({ min: 0.001, max: 1, noNaN: true })),
    })
    .map((s) => {
      const level = { width: Math.ceil(s.full.width / s.decimation), height: Math.ceil(s.full.height / s.decimation) };
      const gt: GeoTransform = [s.x0, s.eastToWest ? -s.res : s.res, 0, s.y0, 0, s.southUp ? s.res : -s.res];
      const spanX = s.full.width * s.res;
      const spanY = s.full.height * s.res;
      // Ground x of the image's left (west-to-east) or right (east-to-west) edge is x0.
      const xLow = s.eastToWest ? s.x0 - spanX : s.x0;
      const minX = xLow + s.fx[0] * spanX;
      const maxX = minX + s.fx[1] * spanX;
      // Ground y of the image's top (north-up) or bottom (south-up) edge is y0.
      const yLow = s.southUp ? s.y0 : s.y0 - spanY;
      const minY = yLow + s.fy[0] * spanY;
      const maxY = minY + s.fy[1] * spanY;
      return { ...s, level, gt, bounds: [minX, minY, maxX, maxY] as [number, number, number, number] };
    });

  it("the window maps back onto the bounds through the level's geotransform", () => {
    fc.assert(
      fc.property(scene, ({ bounds, gt, level, full }) => {
        const win = boundsToWindow(bounds, gt, level, full);
        const px = gt[1] * (full.width / level.width);
        const py = gt[5] * (full.height / level.height);
        const xs = [gt[0] + win.x * px, gt[0] + (win.x + win.width) * px].sort((a, b) => a - b);
        const ys = [gt[3] + win.y * py, gt[3] + (win.y + win.height) * py].sort((a, b) => a - b);
        const tol = 1e-7 * (Math.abs(gt[0]) + Math.abs(gt[3]) + Math.abs(px * level.width) + Math.abs(py * level.height));
        expect(Math.abs(xs[0] - bounds[0])).toBeLessThan(tol);
        expect(Math.abs(xs[1] - bounds[2])).toBeLessThan(tol);
        expect(Math.abs(ys[0] - bounds[1])).toBeLessThan(tol);
        expect(Math.abs(ys[1] - bounds[3])).toBeLessThan(tol);
      }),
      { seed: 0x10ca7e0c, numRuns: 500 },
    );
  });

  it("every level pixel whose centre is inside the bounds is in the covering window and in a listed tile", () => {
    fc.assert(
      fc.property(scene, ({ bounds, gt, level, full, tile }) => {
        const win = coveringPixels(boundsToWindow(bounds, gt, level, full));
        const img = imageOf({ ...level, tileWidth: tile, tileHeight: tile });
        const tiles = new Set(tilesForWindow(img, win).map((t) => t.join(",")));
        const px = gt[1] * (full.width / level.width);
        const py = gt[5] * (full.height / level.height);
        // Sample pixels (columns and rows whose centres fall inside the bounds, with a margin
        // against rounding): first, last and a middle one on each axis.
        const inside = (lo: number, hi: number, n: number, origin: number, step: number): number[] => {
          const idx: number[] = [];
          for (let i = 0; i < n; i++) {
            const c = origin + (i + 0.5) * step;
            const m = 1e-6 * Math.abs(step);
            if (c > lo + m && c < hi - m) idx.push(i);
          }
          return idx.length === 0 ? [] : [idx[0], idx[idx.length >> 1], idx[idx.length - 1]];
        };
        const cols = inside(bounds[0], bounds[2], level.width, gt[0], px);
        const rows = inside(bounds[1], bounds[3], level.height, gt[3], py);
        for (const c of cols) {
          expect(c).toBeGreaterThanOrEqual(win.x);
          expect(c).toBeLessThan(win.x + win.width);
          for (const r of rows) {
            expect(r).toBeGreaterThanOrEqual(win.y);
            expect(r).toBeLessThan(win.y + win.height);
            expect(tiles.has(`${Math.floor(c / tile)},${Math.floor(r / tile)}`)).toBe(true);
          }
        }
      }),
      { seed: 0x10ca7e0d, numRuns: 300 },
    );
  });

  it("rotated or sheared transforms are rejected with COG_UNSUPPORTED", () => {
    fc.assert(
      fc.property(scene, fc.double({ min: 1e-6, max: 10, noNaN: true }), fc.boolean(), ({ bounds, gt, level, full }, rot, which) => {
        const rotated: GeoTransform = which ? [gt[0], gt[1], rot, gt[3], 0, gt[5]] : [gt[0], gt[1], 0, gt[3], rot, gt[5]];
        expect(() => boundsToWindow(bounds, rotated, level, full)).toThrow(expect.objectContaining({ code: "COG_UNSUPPORTED" }));
      }),
      { seed: 0x10ca7e0e, numRuns: 100 },
    );
  });
});
