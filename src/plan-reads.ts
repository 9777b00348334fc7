import { loadPart } from "./errors.js";
import type { OverviewStrategy } from "./locate/overview.js";
import type { ReadPlan } from "./locate/plan.js";
import type { MapTileContext, MapTileOptions } from "./raster/map-tile.js";
import { tilesForWindow, type PixelWindow } from "./raster/assemble-window.js";
import type { Raster } from "./raster/raster.js";
import type { BoundsReaderContext, ReadBoundsOptions } from "./raster/read-bounds.js";
import type { ImageInfo } from "./tiff/image.js";

/**
 * Dry runs: the same calls as the reader's, returning the requests they would make given what
 * is cached now, without fetching anything.
 *
 * @example
 * ```ts
 * const plan = await cog.plan.read(bounds, { width: 256, height: 256 });
 * console.log(plan.data.length, "requests");
 * ```
 */
export interface ReadPlanner {
  getTile(x: number, y: number, z: number): Promise<ReadPlan>;
  readWindow(win: PixelWindow, z?: number): Promise<ReadPlan>;
  read(bounds: readonly [number, number, number, number], shape: { width: number; height: number }, opts?: ReadBoundsOptions): Promise<ReadPlan>;
  tile(x: number, y: number, z: number, opts?: MapTileOptions & { overviewStrategy?: OverviewStrategy }): Promise<ReadPlan>;
}

/** Thrown by a planning `readWindow` to stop a read where it would start fetching. */
class Captured {
  constructor(
    readonly win: PixelWindow,
    readonly z: number,
  ) {}
}

/**
 * A {@link ReadPlanner} over a reader's dataset: `read` and `tile` run their real code up to
 * the pixel window they would read, which a planning `readWindow` captures. The reader hands in
 * its tile planning, which the core shares with its reads, so that this module (loaded on the
 * first plan) does not make bundlers split that out of the core chunk.
 *
 * @example
 * ```ts
 * const planner = createPlanner({ images: cog.ifds, planTiles, boundsContext, mapTileContext, merge });
 * ```
 */
export function createPlanner(deps: {
  /** Image levels, full resolution first. */
  images: readonly ImageInfo[];
  /** Plans internal tiles `(x, y, z)` against the reader's caches (`planTiles` of locate/plan.ts), for a window read or for getTile. */
  planTiles: (tiles: ReadonlyArray<readonly [number, number, number]>, window: boolean) => Promise<ReadPlan>;
  boundsContext: () => BoundsReaderContext;
  mapTileContext: () => MapTileContext;
  /** How the reader merges a multi-tile read's requests. */
  merge: (data: Array<[number, number]>) => Array<[number, number]>;
}): ReadPlanner {
  const capture = (win: PixelWindow, z: number): Promise<never> => Promise.reject(new Captured(win, z));
  const forWindow = async (win: PixelWindow, z: number): Promise<ReadPlan> => {
    const plan = await deps.planTiles(tilesForWindow(deps.images[z], win).map(([x, y]) => [x, y, z] as const), true);
    return plan.complete && plan.data.length > 1 ? { ...plan, data: deps.merge(plan.data) } : plan;
  };
  const run = async (call: () => Promise<Raster>): Promise<ReadPlan> => {
    try {
      await call();
    } catch (e) {
      if (e instanceof Captured) return forWindow(e.win, e.z);
      throw e;
    }
    throw new Error("unreachable: the planned call did not read");
  };
  return {
    getTile: (x, y, z) => deps.planTiles([[x, y, z]], false),
    readWindow: (win, z = 0) => forWindow(win, z),
    // Resampling and warping load on first use (./reader.ts says why).
    read: (bounds, shape, opts = {}) =>
      run(async () => (await loadPart(import("./raster/read-bounds.js"))).readBounds({ ...deps.boundsContext(), readWindow: capture }, bounds, shape, opts)),
    tile: (x, y, z, opts = {}) =>
      run(async () => (await loadPart(import("./raster/map-tile.js"))).readMapTile({ ...deps.mapTileContext(), fetchWindow: capture }, x, y, z, opts)),
  };
}
