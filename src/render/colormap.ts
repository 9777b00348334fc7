import { CogError } from "../errors.js";
import type { ColormapName, ColormapTable, RenderColor } from "./options.js";

/**
 * A colormap ready to paint: `colors` (RGBA, 4 bytes an entry) and `lookup`, the entry of a
 * pixel's value or -1 (transparent). `input` says which value: the pixel's 0–255 value or the
 * band's own value.
 *
 * @example
 * ```ts
 * const red: Painter = { input: "value", colors: Uint8Array.of(255, 0, 0, 255), lookup: (v) => (v === 1 ? 0 : -1) };
 * ```
 */
export interface Painter {
  input: "byte" | "value";
  colors: Uint8Array;
  lookup(v: number): number;
}

/** Each named colormap's table: a module of its own, loaded on first use. */
const NAMED: Record<ColormapName, () => Promise<{ default: string }>> = {
  gray: () => import("./colormaps/gray.js"),
  viridis: () => import("./colormaps/viridis.js"),
  magma: () => import("./colormaps/magma.js"),
  terrain: () => import("./colormaps/terrain.js"),
  rdylgn: () => import("./colormaps/rdylgn.js"),
  gray_r: () => import("./colormaps/gray_r.js"),
  viridis_r: () => import("./colormaps/viridis_r.js"),
  magma_r: () => import("./colormaps/magma_r.js"),
  terrain_r: () => import("./colormaps/terrain_r.js"),
  rdylgn_r: () => import("./colormaps/rdylgn_r.js"),
};

/**
 * The names of the built-in colormaps (each also `_r`, reversed).
 *
 * @example
 * ```ts
 * import { COLORMAP_NAMES } from "cogread/render";
 * COLORMAP_NAMES.includes("viridis"); // true
 * ```
 */
export const COLORMAP_NAMES = Object.keys(NAMED) as ColormapName[];

/**
 * The 256 entries of a named colormap, `[r, g, b, a]` each, as matplotlib's `cmap(i, bytes=True)`
 * gives them (a legend, or a colormap of your own made from one).
 *
 * @example
 * ```ts
 * import { colormap } from "cogread/render";
 * const viridis = await colormap("viridis");
 * viridis[0]; // [68, 1, 84, 255]
 * ```
 */
export async function colormap(name: ColormapName): Promise<Array<[number, number, number, number]>> {
  const rgba = await namedColors(name);
  return Array.from({ length: 256 }, (_, i) => [rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2], rgba[i * 4 + 3]]);
}

async function namedColors(name: string): Promise<Uint8Array> {
  const key = typeof name === "string" ? (name.toLowerCase() as ColormapName) : name;
  if (typeof key !== "string" || !Object.hasOwn(NAMED, key)) {
    throw new CogError("COG_USAGE", `render: unknown colormap ${JSON.stringify(name)} (one of ${COLORMAP_NAMES.join(", ")}, or a table)`);
  }
  const rgb = atob((await NAMED[key]()).default);
  const rgba = new Uint8Array(256 * 4).fill(255);
  for (let i = 0; i < 256; i++) for (let c = 0; c < 3; c++) rgba[i * 4 + c] = rgb.charCodeAt(i * 3 + c);
  return rgba;
}

/**
 * The painter of a `colormap` option: a name, a table (see {@link ColormapTable}); `byValue`
 * says whether value and interval tables see the band's own values (no `rescale`) or 0–255.
 *
 * @example
 * ```ts
 * const painter = await painterOf("viridis", false);
 * painter.lookup(0); // 0: colors[0..3] = 68, 1, 84, 255
 * ```
 */
export async function painterOf(spec: ColormapName | ColormapTable, byValue: boolean): Promise<Painter> {
  if (typeof spec === "string") return { input: "byte", colors: await namedColors(spec), lookup: (v) => v };
  if (spec === null || typeof spec !== "object") {
    throw new CogError("COG_USAGE", `render: colormap is a name or a table, not ${JSON.stringify(spec)}`);
  }
  const input = byValue ? "value" : "byte";
  if (Array.isArray(spec) && spec.length > 0 && Array.isArray(spec[0]) && Array.isArray(spec[0][0])) {
    return intervals(spec as ReadonlyArray<readonly [readonly [number, number], RenderColor]>, input);
  }
  if (Array.isArray(spec)) {
    if (spec.length < 1 || spec.length > 256) throw new CogError("COG_USAGE", `render: a colormap array holds 1 to 256 colours, not ${spec.length}`);
    const colors = packColors(spec as readonly RenderColor[], (i) => `[${i}]`);
    return { input: "byte", colors, lookup: (v) => (v < spec.length ? v : -1) };
  }
  const keys = Object.keys(spec);
  const index = new Map<number, number>();
  for (const [i, k] of keys.entries()) {
    const v = Number(k);
    if (k.trim() === "" || Number.isNaN(v)) throw new CogError("COG_USAGE", `render: colormap key ${JSON.stringify(k)} is not a number`);
    index.set(v, i);
  }
  const colors = packColors(keys.map((k) => (spec as Record<string, RenderColor>)[k]), (i) => `[${JSON.stringify(keys[i])}]`);
  return { input, colors, lookup: (v) => index.get(v) ?? -1 };
}

/**
 * The painter of a TIFF palette (ColorMap: all reds, then greens, then blues, 16-bit each),
 * indexed by the band's values, as GDAL's colour table is.
 *
 * @example
 * ```ts
 * const painter = paletteOf(raster.colormap!);
 * ```
 */
export function paletteOf(map: Uint16Array): Painter {
  const n = Math.floor(map.length / 3);
  const colors = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    colors[i * 4] = map[i] >> 8;
    colors[i * 4 + 1] = map[n + i] >> 8;
    colors[i * 4 + 2] = map[2 * n + i] >> 8;
    colors[i * 4 + 3] = 255;
  }
  return { input: "value", colors, lookup: (v) => (Number.isInteger(v) && v >= 0 && v < n ? v : -1) };
}

function intervals(spec: ReadonlyArray<readonly [readonly [number, number], RenderColor]>, input: Painter["input"]): Painter {
  const bounds = spec.map(([range], i) => {
    if (!Array.isArray(range) || range.length !== 2 || range.some((x) => typeof x !== "number" || Number.isNaN(x)) || !(range[0] < range[1])) {
      throw new CogError("COG_USAGE", `render: colormap interval [${i}] is [min, max] with min < max, not ${JSON.stringify(range)}`);
    }
    return range;
  });
  const colors = packColors(spec.map(([, color]) => color), (i) => `[${i}]`);
  return {
    input,
    colors,
    lookup: (v) => {
      for (let i = 0; i < bounds.length; i++) if (v >= bounds[i][0] && v < bounds[i][1]) return i;
      return -1;
    },
  };
}

function packColors(list: ReadonlyArray<RenderColor | undefined>, where: (i: number) => string): Uint8Array {
  const out = new Uint8Array(list.length * 4);
  for (const [i, c] of list.entries()) {
    if (!Array.isArray(c) || (c.length !== 3 && c.length !== 4) || !c.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)) {
      throw new CogError("COG_USAGE", `render: colormap colour ${where(i)} is [r, g, b] or [r, g, b, a] of integers 0–255, not ${JSON.stringify(c)}`);
    }
    out.set(c.length === 4 ? c : [...c, 255], i * 4);
  }
  return out;
}
