// What lives in a subpath and not in the root module (README, "Bundle sizes"): the root must not
// reach these names, or esbuild puts their modules in chunks the core bundle loads. The packed
// package's exports map is checked by test/runtimes.test.ts.
import { describe, expect, it } from "vitest";

const SUBPATHS: Array<[string, () => Promise<Record<string, unknown>>, string[]]> = [
  ["cogread/resampling", () => import("../src/resampling.js"), ["chooseOverview", "resample", "resampleWindow"]],
  ["cogread/render", () => import("../src/render.js"), ["COLORMAP_NAMES", "colormap", "render"]],
  ["cogread/s3", () => import("../src/s3.js"), ["S3Source", "parseS3Url"]],
  ["cogread/mosaic", () => import("../src/mosaic.js"), ["MosaicReader", "PIXEL_SELECTION_METHODS", "checkMosaic", "createMosaic", "quadkeyToTile", "tileToQuadkey"]],
];

describe("subpaths", () => {
  it.each(SUBPATHS)("%s exports exactly its names, and the root none of them but shared helpers", async (name, load, names) => {
    const sub = await load();
    expect(Object.keys(sub).sort()).toEqual(names);
    const root: Record<string, unknown> = await import("../src/index.js");
    // parseS3Url is also a root export (openSource checks s3:// URLs in the core); the same function.
    const shared = names.filter((n) => root[n] !== undefined);
    expect(shared).toEqual(name === "cogread/s3" ? ["parseS3Url"] : []);
    for (const n of shared) expect(root[n]).toBe(sub[n]);
  });
});
