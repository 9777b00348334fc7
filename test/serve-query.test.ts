// The tile server's pure parts as tables: routes, titiler's query names, ETags, log lines; and
// the CLI's argument parser.
import { describe, expect, it } from "vitest";
import { isCogError } from "../src/index.js";
import { parseArgs, type ArgSpec } from "../src/cli/args.js";
import { formatLogLine } from "../src/serve/log.js";
import { parseTileQuery, passThrough, type TileQuery } from "../src/serve/query.js";
import { parseRoute, tilePath, type Route } from "../src/serve/routes.js";
import { tileEtag } from "../src/serve/tile.js";

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isCogError(e, "COG_USAGE"), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error("expected COG_USAGE");
}

describe("parseRoute", () => {
  const table: Array<[string, Route]> = [
    ["/", { kind: "page" }],
    ["/index.html", { kind: "page" }],
    ["/datasets", { kind: "datasets" }],
    ["/info/dem", { kind: "info", name: "dem" }],
    ["/info/dem.json", { kind: "info", name: "dem" }],
    ["/info/my%20dem", { kind: "info", name: "my dem" }],
    ["/tilejson/dem.json", { kind: "tilejson", name: "dem" }],
    ["/tiles/dem/13/4402/2686.png", { kind: "tile", name: "dem", z: 13, x: 4402, y: 2686, scale: 1, format: "png" }],
    ["/tiles/dem/13/4402/2686", { kind: "tile", name: "dem", z: 13, x: 4402, y: 2686, scale: 1, format: "png" }],
    ["/tiles/dem/13/4402/2686@2x.webp", { kind: "tile", name: "dem", z: 13, x: 4402, y: 2686, scale: 2, format: "webp" }],
    ["/tiles/dem/13/4402/2686@1x.jpg", { kind: "tile", name: "dem", z: 13, x: 4402, y: 2686, scale: 1, format: "jpeg" }],
    ["/tiles/dem/0/0/0.jpeg", { kind: "tile", name: "dem", z: 0, x: 0, y: 0, scale: 1, format: "jpeg" }],
    ["/tiles/a%2Fb/0/0/0.png", { kind: "tile", name: "a/b", z: 0, x: 0, y: 0, scale: 1, format: "png" }],
    ["/tiles/dem/0/0/0.gif", { kind: "notFound" }],
    ["/tiles/dem/0/0/-1.png", { kind: "notFound" }],
    ["/tiles/dem/0/0.png", { kind: "notFound" }],
    ["/tiles/dem/1/0/0@3x.png", { kind: "notFound" }],
    ["/tiles/%E0%A4%A/0/0/0.png", { kind: "notFound" }],
    ["/tilejson/dem", { kind: "notFound" }],
    ["/point/dem/13.55,53.2", { kind: "point", name: "dem", lon: 13.55, lat: 53.2 }],
    ["/point/my%20dem/-180,-90", { kind: "point", name: "my dem", lon: -180, lat: -90 }],
    ["/point/dem/13.55", { kind: "notFound" }],
    ["/favicon.ico", { kind: "notFound" }],
  ];
  it.each(table)("%s", (path, route) => expect(parseRoute(path)).toEqual(route));

  it("a point off the globe or not a number is COG_USAGE", () => {
    for (const p of ["/point/d/181,0", "/point/d/0,-90.5", "/point/d/east,0", "/point/d/0,%20"]) expect(usageError(() => parseRoute(p)), p).toMatch(/longitude must be a number/);
  });

  it("a tile off the grid, or deeper than zoom 30, is COG_USAGE", () => {
    expect(usageError(() => parseRoute("/tiles/d/1/2/0.png"))).toMatch(/off the grid: x and y run from 0 to 1 at zoom 1/);
    expect(usageError(() => parseRoute("/tiles/d/1/0/2.png"))).toMatch(/off the grid/);
    expect(usageError(() => parseRoute("/tiles/d/31/0/0.png"))).toMatch(/zoom 31/);
    expect(parseRoute("/tiles/d/30/1073741823/0.png")).toMatchObject({ z: 30, x: 2 ** 30 - 1 });
  });

  it("tilePath encodes the name and writes jpeg as .jpg", () => {
    expect(tilePath("my dem", "png", 1)).toBe("/tiles/my%20dem/{z}/{x}/{y}.png");
    expect(tilePath("d", "jpeg", 2)).toBe("/tiles/d/{z}/{x}/{y}@2x.jpg");
  });
});

describe("parseTileQuery: titiler's names", () => {
  const table: Array<[string, Partial<TileQuery>]> = [
    ["", {}],
    ["bidx=1", { bands: [1] }],
    ["bidx=3,2,1", { bands: [3, 2, 1] }],
    ["bidx=3&bidx=2&bidx=1", { bands: [3, 2, 1] }],
    ["rescale=0,3000", { rescale: [[0, 3000]] }],
    ["rescale=-1.5,2e3&rescale=0,1&rescale=10,5", { rescale: [[-1.5, 2000], [0, 1], [10, 5]] }],
    ["colormap_name=viridis", { colormap: "viridis" }],
    ["colormap_name=RdYlGn_r", { colormap: "rdylgn_r" }],
    ['colormap={"1":[255,0,0,255],"2":[0,0,255]}', { colormap: { 1: [255, 0, 0, 255], 2: [0, 0, 255] } }],
    ["colormap=[[[0,10],[255,0,0]]]", { colormap: [[[0, 10], [255, 0, 0]]] }],
    ["resampling=cubic_spline", { resampling: "cubicspline" }],
    ["resampling=lanczos", { resampling: "lanczos" }],
    ["pixel_selection=first", { pixelSelection: "first" }],
    ["pixel_selection=lastbandhight", { pixelSelection: "lastBandHigh" }],
    ["pixel_selection=LastBandLow", { pixelSelection: "lastBandLow" }],
    ["pixel_selection=stdev", { pixelSelection: "stdev" }],
    ["nodata=-9999", { nodata: -9999 }],
    ["nodata=nan", { nodata: NaN }],
    ["nodata=-inf", { nodata: -Infinity }],
    ["return_mask=false", { returnMask: false }],
    ["return_mask=1", { returnMask: true }],
    ["tile_format=webp&unknown=1&url=s3://x", {}],
  ];
  it.each(table)("%s", (query, expected) => expect(parseTileQuery(new URLSearchParams(query))).toEqual({ returnMask: true, ...expected }));

  const bad: Array<[string, RegExp]> = [
    ["bidx=0", /bidx takes 1-based band numbers, not "0"/],
    ["bidx=1,,2", /not ""/],
    ["bidx=1.5", /not "1.5"/],
    ["rescale=0", /rescale takes min,max, not "0"/],
    ["rescale=0,1,2", /not "0,1,2"/],
    ["rescale=a,b", /not "a,b"/],
    ["rescale=0,", /not "0,"/],
    ["colormap_name=jet", /colormap_name must be one of gray, gray_r, viridis.* not "jet"/],
    ["colormap_name=viridis&colormap_name=magma", /colormap_name given 2 times/],
    ["colormap_name=viridis&colormap={}", /not both/],
    ["colormap=[1,", /colormap must be JSON/],
    ["colormap=5", /colormap must be a JSON object or array/],
    ["resampling=gauss", /resampling must be one of .* not "gauss"/],
    ["resampling=toString", /not "toString"/],
    ["pixel_selection=best", /pixel_selection must be one of/],
    ["nodata=abc", /nodata must be a number/],
    ["nodata=", /nodata must be a number/],
    ["return_mask=maybe", /return_mask must be true or false/],
  ];
  it.each(bad)("%s is COG_USAGE", (query, message) => expect(usageError(() => parseTileQuery(new URLSearchParams(query)))).toMatch(message));
});

describe("passThrough, tileEtag, formatLogLine", () => {
  it("passThrough drops tile_format, tile_scale and dataset, and sorts", () => {
    expect(passThrough(new URLSearchParams("tile_format=webp&rescale=0,1&dataset=a&bidx=1&tile_scale=2"))).toBe("bidx=1&rescale=0%2C1");
    expect(passThrough(new URLSearchParams(""))).toBe("");
    expect(passThrough(new URLSearchParams("b=1&a=2&a=1"), [])).toBe("a=2&a=1&b=1");
  });

  it("an ETag depends on the dataset's identity, the path and the query, nothing else", () => {
    const e = tileEtag("/d/a.tif|100:5|", "/tiles/a/1/0/0.png", "rescale=0%2C1");
    expect(e).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(tileEtag("/d/a.tif|100:5|", "/tiles/a/1/0/0.png", "rescale=0%2C1")).toBe(e);
    expect(new Set([
      e,
      tileEtag("/d/a.tif|100:6|", "/tiles/a/1/0/0.png", "rescale=0%2C1"),
      tileEtag("/d/a.tif|100:5|", "/tiles/a/1/0/1.png", "rescale=0%2C1"),
      tileEtag("/d/a.tif|100:5|", "/tiles/a/1/0/0.png", "rescale=0%2C2"),
    ]).size).toBe(4);
  });

  it("formats one log line", () => {
    expect(formatLogLine({ method: "GET", path: "/tiles/a/1/0/0.png?x=1", status: 200, requests: 2, bytes: 1234, size: 999, ms: 12.345 }))
      .toBe("GET /tiles/a/1/0/0.png?x=1 200 requests=2 bytes=1234 size=999 ms=12.3");
    expect(formatLogLine({ method: "GET", path: "/x", status: 400, requests: 0, bytes: 0, size: 10, ms: 0.04, code: "COG_USAGE" }))
      .toBe("GET /x 400 requests=0 bytes=0 size=10 ms=0.0 code=COG_USAGE");
  });
});

describe("parseArgs (CLI)", () => {
  const spec: ArgSpec = { flags: ["json", "verbose"], options: { output: { short: "o" }, rescale: { multiple: true }, bounds: {}, port: {} } };
  const table: Array<[string[], { positionals: string[]; flags: string[]; options: Record<string, string[]> }]> = [
    [[], { positionals: [], flags: [], options: {} }],
    [["info", "a.tif", "--json"], { positionals: ["info", "a.tif"], flags: ["json"], options: {} }],
    [["tile", "a.tif", "1/2/3", "-o", "t.png"], { positionals: ["tile", "a.tif", "1/2/3"], flags: [], options: { output: ["t.png"] } }],
    [["tile", "a.tif", "-o", "-", "1/2/3"], { positionals: ["tile", "a.tif", "1/2/3"], flags: [], options: { output: ["-"] } }],
    [["--output=x.png", "--rescale", "0,1", "--rescale=2,3"], { positionals: [], flags: [], options: { output: ["x.png"], rescale: ["0,1", "2,3"] } }],
    [["read", "--bounds", "-10,-5,10,5"], { positionals: ["read"], flags: [], options: { bounds: ["-10,-5,10,5"] } }],
    [["plan", "a.tif", "read", "-100", "-.5", "3"], { positionals: ["plan", "a.tif", "read", "-100", "-.5", "3"], flags: [], options: {} }],
    [["-", "--", "--json", "-o"], { positionals: ["-", "--json", "-o"], flags: [], options: {} }],
    [["--port=", "x"], { positionals: ["x"], flags: [], options: { port: [""] } }],
  ];
  it.each(table)("%j", (argv, expected) => {
    const parsed = parseArgs(argv, spec);
    expect({ positionals: parsed.positionals, flags: [...parsed.flags], options: parsed.options }).toEqual(expected);
  });

  const bad: Array<[string[], RegExp]> = [
    [["--bogus"], /unknown option --bogus/],
    [["-x"], /unknown option -x/],
    [["--json=1"], /--json takes no value/],
    [["-o"], /option -o needs a value/],
    [["--port"], /option --port needs a value/],
    [["-o", "a", "--output", "b"], /--output given twice/],
  ];
  it.each(bad)("%j is COG_USAGE", (argv, message) => expect(usageError(() => parseArgs(argv, spec))).toMatch(message));
});
